"""People and the organisations they act for."""
from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from market.core.models import TimeStampedModel


class Role(models.TextChoices):
    """Who a person is on the marketplace; chosen at sign-up (officers are created by staff)."""

    PRODUCER = "producer", _("Producer (village industry)")
    BUYER = "buyer", _("Retail buyer")
    CONSUMER = "consumer", _("Consumer")
    INVESTOR = "investor", _("Investor")
    OFFICER = "officer", _("Programme officer")


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, role=Role.OFFICER)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in with their email address."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone / WhatsApp"), max_length=20, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONSUMER)
    language = models.CharField(_("language"), max_length=8, default="id")
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # The admin is for programme officers only.
            models.CheckConstraint(condition=Q(is_staff=False) | Q(role=Role.OFFICER), name="user_staff_is_officer"),
            models.UniqueConstraint(models.functions.Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name.split() or [self.email])[0]

    @property
    def is_officer(self) -> bool:
        return self.role == Role.OFFICER and self.is_staff


class Organisation(TimeStampedModel):
    """A producer business or a buyer organisation; its details live in the domain apps."""

    class Kind(models.TextChoices):
        PRODUCER = "producer", _("Producer business")
        BUYER = "buyer", _("Buyer organisation")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    members = models.ManyToManyField(User, through="Membership", related_name="organisations")
    # Set by ``selectors.access_organisation``: the viewer's role and membership.
    viewer_role: str
    viewer_membership: Membership

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(TimeStampedModel):
    """A person's place in an organisation."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MANAGER = "manager", _("Manager")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="membership_user_org_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class ApiToken(models.Model):
    """A secret an API client sends as ``Authorization: Token <secret>``.

    Only the secret's SHA-256 is stored (the secret is random, so a plain hash suffices) with a short
    visible prefix that lets its owner tell tokens apart. A token is usable until it expires or is
    revoked, while its owner is active, and only with the password it was issued under: it carries a
    fingerprint of the password hash, so any change of password (allauth, ``changepassword``, the
    admin) ends it even where no service ran.
    """

    KEY_PREFIX = "ki_"
    PREFIX_LENGTH = 10  # "ki_" and 7 random characters

    class RevokedReason(models.TextChoices):
        SIGNED_OUT = "signed_out", _("Signed out by the client")
        REVOKED = "revoked", _("Revoked by its owner")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ACCOUNT_DEACTIVATED = "account_deactivated", _("Account deactivated")
        MFA_CHANGED = "mfa_changed", _("Two-factor authentication changed")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH)
    key_hash = models.CharField(max_length=64, unique=True)
    password_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.CharField(_("reason revoked"), max_length=24, choices=RevokedReason.choices, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")), name="apitoken_expires_after_created"),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_reason="") | Q(revoked_at__isnull=False) & ~Q(revoked_reason=""),
                name="apitoken_revoked_with_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def generate_key(cls) -> str:
        return cls.KEY_PREFIX + secrets.token_urlsafe(32)

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def password_fingerprints(user: User) -> list[str]:
        """Return the fingerprint of ``user``'s password hash under the current and any fallback secret key.

        The first is what new tokens store; the others keep tokens working across a rotation of
        ``SECRET_KEY`` that lists the old key in ``SECRET_KEY_FALLBACKS`` (as Django's sessions do).
        """
        return [
            salted_hmac("market.accounts.ApiToken.password_fingerprint", user.password or "", secret=secret,
                        algorithm="sha256").hexdigest()
            for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        ]


class Invitation(models.Model):
    """An owner's invitation to join an organisation, sent by email; single-use and expiring.

    Only the SHA-256 of the link's secret is stored (as for ``ApiToken``): the link in the email is
    the only place the secret exists. An invitation is pending until it is accepted, revoked or
    expires; a pending one for the same email and organisation is replaced when the owner invites
    again (``invitation_create`` revokes it).
    """

    TTL_DAYS = 7

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Used to join")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations",
                                     verbose_name=_("organisation"))
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("invited by"))
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("last sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("accepted by"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("revoked by"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="invitation_org_created")]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=models.F("created_at")),
                                   name="invitation_expires_after_created"),
            # Used once: accepted or revoked, never both.
            models.CheckConstraint(condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                                   name="invitation_accepted_or_revoked"),
            # At most one open invitation per person and organisation (expired ones are revoked on re-invite).
            models.UniqueConstraint(models.functions.Lower("email"), "organisation",
                                    condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                                    name="invitation_one_open_per_email"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.get_role_display()})"

    @staticmethod
    def generate_token() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def status_at(self, now=None) -> str:
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def status(self) -> str:
        return self.status_at()


class MembershipEvent(models.Model):
    """What happened to an organisation's people: invited, joined, role changed, removed, invitation revoked."""

    class Kind(models.TextChoices):
        INVITED = "invited", _("Invited")
        INVITATION_RESENT = "invitation_resent", _("Invitation sent again")
        INVITATION_REVOKED = "invitation_revoked", _("Invitation revoked")
        JOINED = "joined", _("Joined")
        ROLE_CHANGED = "role_changed", _("Role changed")
        REMOVED = "removed", _("Removed")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="membership_events",
                                     verbose_name=_("organisation"))
    kind = models.CharField(_("what"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("by"))
    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("person"))
    email = models.EmailField(_("email address"), blank=True)
    invitation = models.ForeignKey(Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    from_role = models.CharField(_("from role"), max_length=16, blank=True)
    to_role = models.CharField(_("to role"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")
        indexes = [models.Index(fields=["organisation", "-created_at"], name="membershipevent_org_created")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_kind_display()} {self.email or self.user}"


class AccountClosure(models.Model):
    """A person closed their account: when, and how much was removed. Keeps no personal data."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("user"))
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    removed = models.JSONField(_("removed"), default=dict)

    class Meta:
        verbose_name = _("account closure")
        verbose_name_plural = _("account closures")
        constraints = [models.UniqueConstraint(fields=["user"], name="accountclosure_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.closed_at:%Y-%m-%d}"
