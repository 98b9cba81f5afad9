"""The daily alert: new opportunities and stage changes that match an investor's profile or watchlist,
emailed after commit, never twice (``InvestorAlertItem``), whatever the number of runs."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from catalog.services import village_advance_stage
from investors.models import InvestorAlertItem
from investors.services import investor_alerts_send, watch_add
from investors.tasks import investor_alerts_send_task
from tests.factories import OfficerFactory
from tests.investors.helpers import commodity, make_investor, make_opportunity, make_village

pytestmark = pytest.mark.django_db


def test_matching_opportunities_and_stage_changes_are_alerted_once(django_capture_on_commit_callbacks):
    # given an investor in coffee loans up to Rp 200 juta, and a village of coffee and one of tape
    kopi, tape = commodity(), commodity("tape", "Tape")
    coffee_village = make_village(commodity=kopi)
    tape_village = make_village("35.09.01.2002", "Jambuan", commodity=tape)
    investor = make_investor(commodity_ids=[kopi.pk], involvements=["loan"], ticket_max=200_000_000)
    officer = OfficerFactory()
    match = make_opportunity(coffee_village, involvement="loan", amount=150_000_000)
    make_opportunity(coffee_village, involvement="equity", amount=150_000_000)  # another kind
    make_opportunity(coffee_village, involvement="loan", amount=900_000_000)  # above the ticket
    make_opportunity(tape_village, involvement="loan", amount=50_000_000)  # another commodity
    event = village_advance_stage(profile=coffee_village, to_stage="commodity_management", officer=officer,
                                  note="Lulus pelatihan.")
    village_advance_stage(profile=tape_village, to_stage="commodity_management", officer=officer, note="Lulus.")
    later = timezone.now() + timedelta(minutes=1)
    # when the digest runs, then again (a retry), then the next day
    with django_capture_on_commit_callbacks(execute=True):
        first = investor_alerts_send(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        again = investor_alerts_send(now=later)
    with django_capture_on_commit_callbacks(execute=True):
        next_day = investor_alerts_send(now=later + timedelta(days=1))
    # then one email, with the match and the stage change only
    assert (first, again, next_day) == (1, 0, 0)
    assert [m.to for m in mail.outbox] == [[investor.email]]
    body = mail.outbox[0].body
    assert match.title in body and "Padomasan" in body and "Jambuan" not in body
    assert f"{settings.SITE_URL}/investors/opportunities/{match.pk}/" in body
    assert set(InvestorAlertItem.objects.filter(user=investor).values_list("opportunity_id", "stage_event_id")) == {
        (match.pk, None), (None, event.pk)}


def test_a_watched_village_alerts_whatever_the_profile_and_unverified_drafts_get_nothing(
        django_capture_on_commit_callbacks):
    tape = commodity("tape", "Tape")
    watched = make_village("35.09.01.2002", "Jambuan", commodity=tape)
    investor = make_investor(commodity_ids=[commodity().pk])  # coffee only
    draft = make_investor(status="draft")
    watch_add(user=investor, village_code=watched.village_id)
    opportunity = make_opportunity(watched)
    with django_capture_on_commit_callbacks(execute=True):
        sent = investor_alerts_send_task.apply().get()
    assert sent == 1
    assert opportunity.title in mail.outbox[0].body and mail.outbox[0].to == [investor.email]
    assert not InvestorAlertItem.objects.filter(user=draft).exists()


def test_nothing_is_sent_when_nothing_matches(django_capture_on_commit_callbacks):
    make_investor(commodity_ids=[commodity().pk])
    make_opportunity(make_village("35.09.01.2002", "Jambuan", commodity=commodity("tape", "Tape")))
    with django_capture_on_commit_callbacks(execute=True):
        assert investor_alerts_send() == 0
    assert mail.outbox == [] and InvestorAlertItem.objects.count() == 0


def test_the_alert_is_in_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["investors-alerts"]
    assert entry["task"] == "investors.tasks.investor_alerts_send_task"
