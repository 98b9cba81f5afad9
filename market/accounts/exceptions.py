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


class TooManyLoginAttempts(ApplicationError):
    """The account's (or this address's) failed sign-ins reached allauth's ``login_failed`` limit."""

    code = "too_many_login_attempts"
    default_message = _("Too many failed sign-in attempts. Try again later.")
    http_status = 429
    retry_after = 300  # allauth's per-email window (5 failures in 300 s); the per-address one is shorter


class ApiTokenInvalid(ApplicationError):
    """Unknown, revoked, or issued under an old password, or its owner is inactive: the same answer for all."""

    code = "authentication_failed"
    default_message = _("Invalid token.")
    http_status = 401


class ApiTokenExpired(ApiTokenInvalid):
    code = "token_expired"
    default_message = _("This token has expired. Request a new one.")


class ApiTokenNotInUse(ApplicationError):
    code = "token_not_in_use"
    default_message = _("This request is not signed with a token. Revoke a token by its id instead.")


# --- members and invitations ------------------------------------------------------------------

class OwnerRequired(PermissionDenied):
    code = "owner_required"
    default_message = _("Only the organisation's owners can manage its members.")


class LastOwner(ApplicationError):
    code = "last_owner"
    default_message = _("An organisation must keep at least one owner. Make someone else an owner first.")
    http_status = 409


class AlreadyMember(ApplicationError):
    code = "already_member"
    default_message = _("This person is already a member of the organisation.")
    http_status = 409


class TooManyInvitations(ApplicationError):
    code = "too_many_invitations"
    default_message = _("This organisation has too many open invitations. Revoke some before inviting more people.")
    http_status = 429


class InvitationInvalid(ApplicationError):
    """The link's secret matches no invitation: the same answer whatever the reason."""

    code = "invitation_invalid"
    default_message = _("This invitation link is not valid. Ask the organisation's owner for a new one.")
    http_status = 404


class InvitationUsed(ApplicationError):
    code = "invitation_used"
    default_message = _("This invitation has already been used. Each invitation link works once.")
    http_status = 409


class InvitationRevoked(ApplicationError):
    code = "invitation_revoked"
    default_message = _("This invitation was withdrawn by the organisation's owner.")
    http_status = 409


class InvitationExpired(ApplicationError):
    code = "invitation_expired"
    default_message = _("This invitation has expired. Ask the organisation's owner to send it again.")
    http_status = 410


class InvitationNotOpen(ApplicationError):
    code = "invitation_not_open"
    default_message = _("This invitation was already accepted or revoked.")
    http_status = 409


class InvitationWrongEmail(PermissionDenied):
    code = "invitation_wrong_email"
    default_message = _("This invitation was sent to another email address. Sign in with that address to accept it.")


# --- closing an account -----------------------------------------------------------------------

class AccountClosureBlocked(ApplicationError):
    """The person still has obligations (``blockers``: what, and where to settle it); nothing was changed."""

    code = "account_closure_blocked"
    default_message = _("Your account cannot be closed yet. Settle the points listed first.")
    http_status = 409

    def __init__(self, message=None, *, blockers=(), **kwargs):
        self.blockers = list(blockers)
        fields: dict[str, list[str]] = {}
        for blocker in self.blockers:  # the API's ``fields``: messages by blocker code
            fields.setdefault(blocker.code, []).append(str(blocker.message))
        kwargs.setdefault("fields", fields)
        super().__init__(message, **kwargs)


class AccountClosureWrongPassword(ApplicationError):
    code = "wrong_password"
    default_message = _("That is not your current password.")
    http_status = 403


class OfficerCannotClose(PermissionDenied):
    code = "officer_cannot_close"
    default_message = _("Programme officer accounts are closed by the programme's administrators.")


class AccountClosureNotConfirmed(ApplicationError):
    code = "closure_not_confirmed"
    default_message = _("Tick the box to confirm that you want to close your account.")
