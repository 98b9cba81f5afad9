"""Sign-up: allauth's form plus who the person is (``ACCOUNT_SIGNUP_FORM_CLASS``)."""
from allauth.core import context as allauth_context
from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from market.accounts.members import ROLE_FOR_KIND
from market.accounts.models import Role
from market.accounts.services import ORGANISATION_KIND_FOR_ROLE, SELF_SERVICE_ROLES, user_complete_sign_up

ROLE_HELP = {
    Role.PRODUCER: _("I make products in a Kampung Industri village."),
    Role.BUYER: _("I buy wholesale for shops or a retail chain."),
    Role.CONSUMER: _("I buy village products for myself."),
    Role.INVESTOR: _("I want to invest in village industries."),
}


class SignupForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    role = forms.ChoiceField(
        label=_("I am a"),
        choices=[(role.value, role.label) for role in SELF_SERVICE_ROLES],
        widget=forms.RadioSelect,
        initial=Role.CONSUMER,
    )
    organisation_name = forms.CharField(
        label=_("Business or organisation name"), max_length=200, required=False,
        help_text=_("Required for producers and retail buyers."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    phone = forms.CharField(
        label=_("Phone / WhatsApp (optional)"), max_length=20, required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    field_order = ["full_name", "email", "role", "organisation_name", "phone", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Signing up from an invitation link: the person joins that organisation, with its role.
        self.invitation = _pending_invitation()
        if self.invitation is not None:
            del self.fields["role"]
            del self.fields["organisation_name"]

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip().replace(" ", "").replace("-", "")
        if phone and not phone.lstrip("+").isdigit():
            raise forms.ValidationError(_("Enter digits only, for example 081234567890."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if self.invitation is not None:
            cleaned["role"] = ROLE_FOR_KIND[self.invitation.organisation.kind]
            if cleaned.get("email") and cleaned["email"].lower() != self.invitation.email.lower():
                self.add_error("email", _("Sign up with the address the invitation was sent to: %(email)s.")
                               % {"email": self.invitation.email})
            return cleaned
        if cleaned.get("role") in ORGANISATION_KIND_FOR_ROLE and not cleaned.get("organisation_name", "").strip():
            self.add_error("organisation_name", _("Producers and retail buyers must name their business or organisation."))
        return cleaned

    def signup(self, request, user):
        """Called by allauth once the user row exists."""
        user_complete_sign_up(
            user=user,
            role=self.cleaned_data["role"],
            full_name=self.cleaned_data["full_name"],
            organisation_name=self.cleaned_data.get("organisation_name", ""),
            phone=self.cleaned_data.get("phone", ""),
            language=(get_language() or "id")[:2],
            joins_organisation=self.invitation is not None,
        )


def _pending_invitation():
    """Return the open invitation whose link this visitor followed (``INVITATION_SESSION_KEY``), if any."""
    from market.accounts.members import INVITATION_SESSION_KEY
    from market.accounts.selectors import invitation_get_by_token

    request = allauth_context.request
    session = getattr(request, "session", None)
    token = session.get(INVITATION_SESSION_KEY, "") if session is not None else ""
    invitation = invitation_get_by_token(token=token) if token else None
    if invitation is None or invitation.status != invitation.Status.PENDING:
        return None
    return invitation
