"""Investor profiles, opportunities and interests move through their one validating function, with events."""
from __future__ import annotations

import pytest
from django.core import mail

from catalog.exceptions import OfficerRequired
from investors.exceptions import (
    InterestAlreadyOpen,
    InterestTransitionInvalid,
    InvestorInvalid,
    InvestorProfileTransitionInvalid,
    InvestorRequired,
    OpportunityNotOpen,
    OpportunityTransitionInvalid,
)
from investors.models import Interest, InterestEvent, InvestorProfile, InvestorProfileEvent, Opportunity
from investors.services import (
    interest_transition,
    investor_profile_refuse,
    investor_profile_save,
    investor_profile_submit,
    investor_profile_verify,
    opportunity_transition,
)
from market.accounts.models import Role
from tests.factories import OfficerFactory, UserFactory
from tests.investors.helpers import express, make_investor, make_opportunity, make_village, profile_data

pytestmark = pytest.mark.django_db


def test_profile_goes_draft_submitted_verified_with_an_event_each_and_an_email_after_commit(
        django_capture_on_commit_callbacks):
    # given
    user = UserFactory(role=Role.INVESTOR)
    officer = OfficerFactory()
    investor_profile_save(user=user, data=profile_data())
    investor_profile_submit(user=user)
    profile = InvestorProfile.objects.get(user=user)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        investor_profile_verify(profile=profile, officer=officer)
    # then
    profile.refresh_from_db()
    assert profile.status == "verified" and profile.verified_at is not None
    assert [(e.from_status, e.to_status, e.actor_id) for e in InvestorProfileEvent.objects.filter(profile=profile)] == [
        ("", "draft", user.pk), ("draft", "submitted", user.pk), ("submitted", "verified", officer.pk)]
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "Your investor profile is verified"


def test_refusal_needs_a_reason_and_changes_nothing_without_one():
    user = make_investor(status="submitted")
    profile = InvestorProfile.objects.get(user=user)
    with pytest.raises(InvestorInvalid) as caught:
        investor_profile_refuse(profile=profile, officer=OfficerFactory(), reason="  ")
    assert "reason" in caught.value.fields
    profile.refresh_from_db()
    assert profile.status == "submitted"
    assert InvestorProfileEvent.objects.filter(profile=profile).count() == 2

    investor_profile_refuse(profile=profile, officer=OfficerFactory(), reason="Nama perusahaan tidak sesuai akta.")
    profile.refresh_from_db()
    assert (profile.status, profile.refusal_reason) == ("refused", "Nama perusahaan tidak sesuai akta.")
    with pytest.raises(InvestorProfileTransitionInvalid):
        investor_profile_verify(profile=profile, officer=OfficerFactory())


def test_a_verified_investor_who_changes_name_goes_back_to_the_officers():
    user = make_investor()
    investor_profile_save(user=user, data=profile_data(display_name="CV Lain Lagi"))
    profile = InvestorProfile.objects.get(user=user)
    assert profile.status == "submitted" and profile.verified_at is None
    # the ticket range changing alone keeps the verification
    other = make_investor()
    investor_profile_save(user=other, data=profile_data(ticket_min=10_000_000, ticket_max=50_000_000))
    assert InvestorProfile.objects.get(user=other).status == "verified"


def test_only_investors_keep_a_profile_and_only_officers_verify_it():
    with pytest.raises(InvestorRequired):
        investor_profile_save(user=UserFactory(role=Role.CONSUMER), data=profile_data())
    user = make_investor(status="submitted")
    with pytest.raises(OfficerRequired):
        investor_profile_verify(profile=InvestorProfile.objects.get(user=user), officer=UserFactory())
    assert InvestorProfile.objects.get(user=user).status == "submitted"


def test_bad_profile_input_reports_every_field_and_saves_nothing():
    user = UserFactory(role=Role.INVESTOR)
    with pytest.raises(InvestorInvalid) as caught:
        investor_profile_save(user=user, data=profile_data(display_name="", kind="bank", phone="12",
                                                           involvements=["shares"], commodity_ids=[999999]))
    assert set(caught.value.fields) == {"display_name", "kind", "phone", "involvements", "commodity_ids"}
    with pytest.raises(InvestorInvalid) as caught:
        investor_profile_save(user=user, data=profile_data(ticket_min=50_000_000, ticket_max=10_000_000))
    assert set(caught.value.fields) == {"ticket_max"}
    assert not InvestorProfile.objects.filter(user=user).exists()


def test_interest_moves_forward_through_the_table_with_dated_events_and_emails(django_capture_on_commit_callbacks):
    # given
    opportunity = make_opportunity(make_village())
    investor = make_investor()
    interest = express(investor, opportunity)
    officer = OfficerFactory()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        interest_transition(interest=interest, to="in_review", actor=officer)
        interest_transition(interest=interest, to="introduced", actor=officer, note="Bertemu di balai desa.")
    # then
    interest.refresh_from_db()
    assert interest.status == "introduced" and interest.introduced_at is not None
    events = list(InterestEvent.objects.filter(interest=interest).values_list("from_status", "to_status", "note"))
    assert events == [("", "new", ""), ("new", "in_review", ""), ("in_review", "introduced", "Bertemu di balai desa.")]
    assert [m.to for m in mail.outbox] == [[investor.email], [investor.email]]
    assert "Introduced" in mail.outbox[1].subject


def test_interest_cannot_skip_a_stage_or_leave_a_final_one():
    interest = express(make_investor(), make_opportunity(make_village()))
    officer = OfficerFactory()
    with pytest.raises(InterestTransitionInvalid):
        interest_transition(interest=interest, to="committed", actor=officer)
    interest_transition(interest=interest, to="not_pursued", actor=officer, note="Di luar wilayah.")
    with pytest.raises(InterestTransitionInvalid):
        interest_transition(interest=interest, to="in_review", actor=officer)
    assert Interest.objects.get(pk=interest.pk).status == "not_pursued"
    assert InterestEvent.objects.filter(interest=interest).count() == 2


def test_an_investor_moves_nothing_and_expresses_one_open_interest_per_opportunity():
    opportunity = make_opportunity(make_village())
    investor = make_investor()
    interest = express(investor, opportunity)
    with pytest.raises(OfficerRequired):
        interest_transition(interest=interest, to="in_review", actor=investor)
    with pytest.raises(InterestAlreadyOpen):
        express(investor, opportunity)
    assert Interest.objects.filter(investor=investor).count() == 1


def test_interest_needs_a_sent_profile_and_an_opportunity_that_takes_interest():
    opportunity = make_opportunity(make_village())
    with pytest.raises(InvestorInvalid):
        express(make_investor(status="draft"), opportunity)
    officer = OfficerFactory()
    opportunity_transition(opportunity=opportunity, to="closed", actor=officer, note="Sudah didanai dinas.")
    with pytest.raises(OpportunityNotOpen):
        express(make_investor(), opportunity)
    with pytest.raises(OpportunityTransitionInvalid):
        opportunity_transition(opportunity=opportunity, to="open", actor=officer)
    assert Opportunity.objects.get(pk=opportunity.pk).status == "closed"
    assert list(opportunity.events.values_list("from_status", "to_status")) == [("", "open"), ("open", "closed")]
