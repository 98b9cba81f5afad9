"""Producers, their verification and their permits."""
from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.exceptions import CatalogInvalid
from catalog.hooks import catalog_changed
from catalog.models import AssistAction, PermitExpiryNotice, PermitKind, Producer, ProducerEvent, ProducerPermit, Unit
from catalog.services._auth import require_officer, require_producer_editor
from market.accounts.models import Membership, Organisation, User
from market.core.tasks import email_send_task
from market.regions.models import Village

PERMIT_REMINDER_DAYS = 30


@transaction.atomic
def producer_create(*, organisation: Organisation, village: Village, name: str, actor: User, phone: str = "",
                    whatsapp: str = "", capacity_per_month: int = 0, capacity_unit: str = Unit.KG) -> Producer:
    """Create the catalogue details of a producer organisation (unverified)."""
    errors: dict[str, list[str]] = {}
    if organisation.kind != Organisation.Kind.PRODUCER:
        errors["organisation"] = [str(_("Only a producer organisation can be a producer."))]
    elif Producer.objects.filter(organisation=organisation).exists():
        errors["organisation"] = [str(_("This organisation already has a producer profile."))]
    if not name.strip():
        errors["name"] = [str(_("Enter the producer's name."))]
    _validate_capacity(errors, capacity_per_month, capacity_unit)
    if errors:
        raise CatalogInvalid(fields=errors)
    if not actor.is_officer and not Membership.objects.filter(user=actor, organisation=organisation).exists():
        require_officer(actor)
    return Producer.objects.create(organisation=organisation, village=village, name=name.strip(), phone=phone.strip(),
                                   whatsapp=whatsapp.strip(), capacity_per_month=capacity_per_month,
                                   capacity_unit=capacity_unit)


def _validate_capacity(errors: dict, capacity_per_month, capacity_unit) -> None:
    if isinstance(capacity_per_month, bool) or not isinstance(capacity_per_month, int) or capacity_per_month < 0:
        errors["capacity_per_month"] = [str(_("Enter a whole number of zero or more."))]
    if capacity_unit not in Unit.values:
        errors["capacity_unit"] = [str(_("Unknown unit."))]


@transaction.atomic
def producer_update(*, producer: Producer, actor: User, **fields) -> Producer:
    """Change a producer's contact details or capacity (name, phone, whatsapp, capacity_*)."""
    require_producer_editor(actor, producer, action=AssistAction.Kind.BUSINESS_UPDATED, subject=producer.name)
    allowed = {"name", "phone", "whatsapp", "capacity_per_month", "capacity_unit"}
    errors: dict[str, list[str]] = {key: [str(_("This field cannot be changed here."))] for key in fields.keys() - allowed}
    if "name" in fields and not str(fields["name"]).strip():
        errors["name"] = [str(_("Enter the producer's name."))]
    _validate_capacity(errors, fields.get("capacity_per_month", producer.capacity_per_month),
                       fields.get("capacity_unit", producer.capacity_unit))
    if errors:
        raise CatalogInvalid(fields=errors)
    producer = Producer.objects.select_for_update().get(pk=producer.pk)
    for key, value in fields.items():
        setattr(producer, key, value.strip() if isinstance(value, str) else value)
    producer.save()
    catalog_changed(producer_ids=[producer.pk])  # name and capacity are in the documents
    return producer


@transaction.atomic
def producer_verify(*, producer: Producer, officer: User) -> Producer:
    """Mark a producer as verified by ``officer``; verifying a verified producer changes nothing."""
    require_officer(officer)
    locked = Producer.objects.select_for_update().get(pk=producer.pk)
    if locked.verified_at is not None:  # a double click
        return locked
    locked.verified_at = timezone.now()
    locked.verified_by = officer
    locked.save(update_fields=["verified_at", "verified_by", "updated_at"])
    ProducerEvent.objects.create(producer=locked, kind=ProducerEvent.Kind.VERIFIED, officer=officer)
    catalog_changed(producer_ids=[locked.pk])
    producer.verified_at, producer.verified_by = locked.verified_at, officer
    return locked


@transaction.atomic
def producer_unverify(*, producer: Producer, officer: User, reason: str) -> Producer:
    """Withdraw a producer's verification (their products leave the public catalogue)."""
    require_officer(officer)
    if not reason.strip():
        raise CatalogInvalid(fields={"reason": [str(_("Give a reason."))]})
    locked = Producer.objects.select_for_update().get(pk=producer.pk)
    if locked.verified_at is None:
        return locked
    locked.verified_at = None
    locked.verified_by = None
    locked.save(update_fields=["verified_at", "verified_by", "updated_at"])
    ProducerEvent.objects.create(producer=locked, kind=ProducerEvent.Kind.UNVERIFIED, officer=officer,
                                 reason=reason.strip())
    catalog_changed(producer_ids=[locked.pk])
    producer.verified_at, producer.verified_by = None, None
    return locked


@transaction.atomic
def producer_permit_set(*, producer: Producer, actor: User, kind: str, number: str,
                        expires_on: date | None = None) -> ProducerPermit:
    """Record (or replace) the producer's permit of ``kind``; only an NIB may have no expiry date."""
    require_producer_editor(actor, producer, action=AssistAction.Kind.PERMIT_SET,
                            subject=str(PermitKind(kind).label) if kind in PermitKind.values else kind)
    errors: dict[str, list[str]] = {}
    if kind not in PermitKind.values:
        errors["kind"] = [str(_("Unknown permit kind."))]
    if not number.strip():
        errors["number"] = [str(_("Enter the permit number."))]
    if expires_on is None and kind != PermitKind.NIB:
        errors["expires_on"] = [str(_("Enter the expiry date."))]
    if errors:
        raise CatalogInvalid(fields=errors)
    permit, _created = ProducerPermit.objects.update_or_create(
        producer=producer, kind=kind, defaults={"number": number.strip(), "expires_on": expires_on})
    catalog_changed(producer_ids=[producer.pk])  # certifications and retail readiness
    return permit


@transaction.atomic
def producer_permit_delete(*, permit: ProducerPermit, actor: User) -> None:
    require_producer_editor(actor, permit.producer, action=AssistAction.Kind.PERMIT_REMOVED,
                            subject=permit.get_kind_display())
    permit.delete()
    catalog_changed(producer_ids=[permit.producer_id])


@transaction.atomic
def permit_expiry_notify(*, today: date) -> int:
    """Email producer members and the village contact officer about permits expiring in 30 days.

    Each permit is announced once per expiry date (``PermitExpiryNotice``), so a retried or
    repeated run sends nothing twice. Return the number of emails queued.
    """
    from catalog.selectors import permit_list_expiring_on  # selectors import models only; avoid a cycle

    expires_on = today + timedelta(days=PERMIT_REMINDER_DAYS)
    permits = list(permit_list_expiring_on(expires_on=expires_on))
    already = set(PermitExpiryNotice.objects.filter(permit__in=permits, expires_on=expires_on)
                  .values_list("permit_id", flat=True))
    sent = 0
    for permit in permits:
        if permit.pk in already:
            continue
        recipients = sorted({m.user.email for m in permit.producer.organisation.memberships.all() if m.user.is_active})
        profile = getattr(permit.producer.village, "profile", None)
        if profile is not None and profile.contact_officer is not None:
            recipients.append(profile.contact_officer.email)
        PermitExpiryNotice.objects.create(permit=permit, expires_on=expires_on, sent_on=today)
        if not recipients:
            continue
        subject = str(_("%(permit)s of %(producer)s expires on %(date)s") % {
            "permit": permit.get_kind_display(), "producer": permit.producer.name, "date": expires_on.isoformat()})
        body = str(_("The %(permit)s (number %(number)s) of %(producer)s expires on %(date)s, in %(days)s days. "
                     "Renew it in time: products that rely on it are not retail ready without it.") % {
            "permit": permit.get_kind_display(), "number": permit.number, "producer": permit.producer.name,
            "date": expires_on.isoformat(), "days": PERMIT_REMINDER_DAYS})
        email_send_task.delay_on_commit(subject=subject, body=body, to=list(dict.fromkeys(recipients)))
        sent += 1
    return sent
