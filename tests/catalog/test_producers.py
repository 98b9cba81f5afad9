from datetime import date, timedelta

import pytest
from django.core import mail

from catalog.exceptions import CatalogInvalid, OfficerRequired, ProducerMemberRequired, ProducerNotFound
from catalog.models import PermitExpiryNotice, Producer, ProducerEvent, ProducerPermit
from catalog.selectors import access_producer, permit_list_expiring
from catalog.services import (
    permit_expiry_notify,
    producer_create,
    producer_permit_set,
    producer_unverify,
    producer_update,
    producer_verify,
)
from catalog.tasks import permit_expiry_notify_task
from market.accounts.models import Membership, Organisation, Role
from tests.catalog.factories import (
    OfficerFactory,
    PermitFactory,
    ProducerFactory,
    UserFactory,
    VillageProfileFactory,
    owner_of,
    village,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_member_creates_the_producer_of_their_organisation():
    user = UserFactory(role=Role.PRODUCER)
    organisation = OrganisationFactory(kind="producer")
    Membership.objects.create(user=user, organisation=organisation)

    producer = producer_create(organisation=organisation, village=village(), name=" Kopi Rakyat ", actor=user,
                               whatsapp="0812", capacity_per_month=300, capacity_unit="kg")

    assert (producer.name, producer.whatsapp, producer.capacity_per_month, producer.is_verified) == (
        "Kopi Rakyat", "0812", 300, False)


def test_producer_create_refuses_buyer_organisations_duplicates_and_bad_capacity():
    officer = OfficerFactory()
    buyer = OrganisationFactory(kind=Organisation.Kind.BUYER)
    existing = ProducerFactory()

    with pytest.raises(CatalogInvalid) as buyer_error:
        producer_create(organisation=buyer, village=village(), name="X", actor=officer)
    with pytest.raises(CatalogInvalid) as duplicate:
        producer_create(organisation=existing.organisation, village=village(), name="", actor=officer,
                        capacity_per_month=-1, capacity_unit="ton")

    assert buyer_error.value.fields == {"organisation": ["Only a producer organisation can be a producer."]}
    assert duplicate.value.fields == {
        "organisation": ["This organisation already has a producer profile."],
        "name": ["Enter the producer's name."],
        "capacity_per_month": ["Enter a whole number of zero or more."],
        "capacity_unit": ["Unknown unit."],
    }
    assert Producer.objects.count() == 1


def test_outsider_cannot_create_a_producer_for_someone_elses_organisation():
    organisation = OrganisationFactory(kind="producer")

    with pytest.raises(OfficerRequired):
        producer_create(organisation=organisation, village=village(), name="X", actor=UserFactory())

    assert Producer.objects.count() == 0


def test_producer_update_by_member_and_refusals():
    producer = ProducerFactory()

    producer_update(producer=producer, actor=owner_of(producer), capacity_per_month=900, phone=" 0331 ")
    with pytest.raises(ProducerMemberRequired):
        producer_update(producer=producer, actor=UserFactory(role=Role.PRODUCER), capacity_per_month=1)
    with pytest.raises(CatalogInvalid) as excinfo:
        producer_update(producer=producer, actor=owner_of(producer), verified_at=None, capacity_per_month=True)

    producer.refresh_from_db()
    assert (producer.capacity_per_month, producer.phone) == (900, "0331")
    assert excinfo.value.fields == {"verified_at": ["This field cannot be changed here."],
                                    "capacity_per_month": ["Enter a whole number of zero or more."]}


def test_officer_verifies_once_and_a_second_click_changes_nothing():
    producer = ProducerFactory()
    officer, other = OfficerFactory(), OfficerFactory()

    producer_verify(producer=producer, officer=officer)
    first = Producer.objects.get(pk=producer.pk).verified_at
    producer_verify(producer=producer, officer=other)

    producer.refresh_from_db()
    assert (producer.verified_at, producer.verified_by) == (first, officer)
    assert list(ProducerEvent.objects.values_list("kind", "officer")) == [("verified", officer.pk)]


def test_only_officers_verify():
    producer = ProducerFactory()

    with pytest.raises(OfficerRequired):
        producer_verify(producer=producer, officer=owner_of(producer))

    producer.refresh_from_db()
    assert (producer.verified_at, ProducerEvent.objects.count()) == (None, 0)


def test_unverify_needs_a_reason_and_records_it():
    producer = ProducerFactory()
    officer = OfficerFactory()
    producer_verify(producer=producer, officer=officer)

    with pytest.raises(CatalogInvalid):
        producer_unverify(producer=producer, officer=officer, reason=" ")
    producer_unverify(producer=producer, officer=officer, reason="NIB palsu")

    producer.refresh_from_db()
    assert (producer.verified_at, producer.verified_by) == (None, None)
    assert list(ProducerEvent.objects.values_list("kind", "reason")) == [("verified", ""), ("unverified", "NIB palsu")]


def test_permits_are_one_per_kind_and_replaced():
    producer = ProducerFactory()
    owner = owner_of(producer)

    producer_permit_set(producer=producer, actor=owner, kind="nib", number="1234567890123")
    producer_permit_set(producer=producer, actor=owner, kind="pirt", number="P-1", expires_on=date(2027, 1, 1))
    producer_permit_set(producer=producer, actor=owner, kind="pirt", number="P-2", expires_on=date(2031, 1, 1))

    assert list(ProducerPermit.objects.order_by("kind").values_list("kind", "number", "expires_on")) == [
        ("nib", "1234567890123", None), ("pirt", "P-2", date(2031, 1, 1))]


def test_permit_validation():
    producer = ProducerFactory()

    with pytest.raises(CatalogInvalid) as missing_expiry:
        producer_permit_set(producer=producer, actor=owner_of(producer), kind="halal", number="")
    with pytest.raises(CatalogInvalid) as unknown:
        producer_permit_set(producer=producer, actor=owner_of(producer), kind="iso9001", number="1",
                            expires_on=date(2030, 1, 1))
    with pytest.raises(ProducerMemberRequired):
        producer_permit_set(producer=producer, actor=UserFactory(), kind="nib", number="1")

    assert missing_expiry.value.fields == {"number": ["Enter the permit number."],
                                           "expires_on": ["Enter the expiry date."]}
    assert unknown.value.fields == {"kind": ["Unknown permit kind."]}
    assert ProducerPermit.objects.count() == 0


def test_database_requires_an_expiry_for_everything_but_nib():
    from django.db import IntegrityError, transaction

    producer = ProducerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProducerPermit.objects.create(producer=producer, kind="halal", number="H", expires_on=None)


def test_permit_list_expiring_window():
    today = date(2026, 3, 1)
    producer = ProducerFactory(name="A")
    for kind, expires_on in [("pirt", today - timedelta(days=1)), ("halal", today), ("sni", today + timedelta(days=30)),
                             ("bpom_md", today + timedelta(days=31)), ("trademark", today + timedelta(days=10))]:
        PermitFactory(producer=producer, kind=kind, expires_on=expires_on)
    PermitFactory(producer=producer, kind="nib", expires_on=None)

    assert [p.kind for p in permit_list_expiring(today=today)] == ["halal", "trademark", "sni"]
    assert [p.kind for p in permit_list_expiring(today=today, within_days=10)] == ["halal", "trademark"]


def test_expiry_notice_goes_to_members_and_contact_officer_once(django_capture_on_commit_callbacks):
    today = date(2026, 3, 1)
    contact = OfficerFactory(email="petugas@example.id")
    VillageProfileFactory(contact_officer=contact)
    owner = UserFactory(email="pemilik@example.id")
    producer = ProducerFactory(name="Kopi Rakyat", owner=owner)
    Membership.objects.create(user=UserFactory(email="anggota@example.id"), organisation=producer.organisation)
    PermitFactory(producer=producer, kind="pirt", number="PIRT-9", expires_on=today + timedelta(days=30))
    PermitFactory(producer=producer, kind="halal", expires_on=today + timedelta(days=29))

    with django_capture_on_commit_callbacks(execute=True):
        sent = permit_expiry_notify(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        again = permit_expiry_notify(today=today)

    assert (sent, again) == (1, 0)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anggota@example.id", "pemilik@example.id", "petugas@example.id"]
    assert message.subject == "P-IRT (home-industry food permit) of Kopi Rakyat expires on 2026-03-31"
    assert "(number PIRT-9)" in message.body and "in 30 days" in message.body
    assert PermitExpiryNotice.objects.count() == 1


def test_no_mail_leaves_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    today = date(2026, 3, 1)
    PermitFactory(expires_on=today + timedelta(days=30))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            permit_expiry_notify(today=today)
            raise RuntimeError

    assert (callbacks, mail.outbox, PermitExpiryNotice.objects.count()) == ([], [], 0)


def test_task_uses_today(django_capture_on_commit_callbacks, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda: date(2026, 3, 1))
    PermitFactory(expires_on=date(2026, 3, 31))

    with django_capture_on_commit_callbacks(execute=True):
        assert permit_expiry_notify_task.apply().get() == 1

    assert len(mail.outbox) == 1


def test_access_producer():
    producer = ProducerFactory()
    outsider = UserFactory(role=Role.PRODUCER)
    ProducerFactory(owner=outsider)

    assert access_producer(user=owner_of(producer), pk=producer.pk) == producer
    assert access_producer(user=OfficerFactory(), pk=producer.pk) == producer
    with pytest.raises(ProducerNotFound):
        access_producer(user=outsider, pk=producer.pk)
