from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError, PermissionDenied


class OrganisationRequired(ApplicationError):
    code = "organisation_required"
    default_message = _("Producers and retail buyers sign up with the name of their business or organisation.")


class RoleNotSelfService(ApplicationError):
    code = "role_not_self_service"
    default_message = _("Programme officer accounts are created by the programme's administrators.")


class EmailNotVerified(PermissionDenied):
    code = "email_unverified"
    default_message = _("Confirm your email address first: follow the link we sent you.")


class InvalidCredentials(ApplicationError):
    code = "invalid_credentials"
    default_message = _("The email address and password do not match.")
    http_status = 401


class MfaCodeRequired(ApplicationError):
    code = "mfa_required"
    default_message = _("Enter the code from your authenticator app.")
    http_status = 401


class MfaCodeInvalid(MfaCodeRequired):
    code = "mfa_invalid"
    default_message = _("That authenticator code is not valid. Try the current one.")


class MfaSetupRequired(PermissionDenied):
    code = "mfa_setup_required"
    default_message = _("Officers must set up two-factor authentication on the website before using the API.")
