"""Email each side its agenda when a showcase's schedule is published or changes.

Services send nothing themselves: they call ``agendas_notify_after_commit``, which enqueues
``showcase_agendas_notify_task`` once the transaction commits (nothing leaves for a rolled-back
change). The task writes each message in its recipient's language and queues one email per person.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from market.accounts.models import Membership
from showcases.models import Participant, Registration, Showcase


def agendas_notify_after_commit(*, showcase_id: int, registration_ids: list[int], participant_ids: list[int]) -> None:
    """Email the agendas of these buyers and producers once the current transaction commits."""
    from showcases.tasks import showcase_agendas_notify_task

    showcase_agendas_notify_task.delay_on_commit(showcase_id, registration_ids, participant_ids)


def _lines(meetings, side: str) -> list[str]:
    lines = []
    for meeting in meetings:
        start = timezone.localtime(meeting.starts_at)
        other = meeting.participant.producer.name if side == "buyer" else meeting.registration.organisation.name
        table = meeting.participant.table_number
        lines.append(
            "- "
            + date_format(start, "D, j M Y H:i")
            + "–"
            + date_format(timezone.localtime(meeting.ends_at), "H:i")
            + f" WIB · {other}"
            + (" · " + _("table %(number)s") % {"number": table} if table else "")
        )
    return lines


def _message(showcase: Showcase, meetings, side: str) -> tuple[str, str]:
    link = settings.SITE_URL.rstrip("/") + reverse("frontend:showcase-agenda", kwargs={"pk": showcase.pk})
    values = {"title": showcase.title, "link": link, "place": showcase.venue or showcase.online_url}
    subject = _("Your agenda for %(title)s") % values
    body = _("Your meetings at %(title)s (%(place)s):") % values + "\n\n"
    body += "\n".join(_lines(meetings, side)) if meetings else _("No meeting is scheduled for you.")
    body += "\n\n" + _("The agenda, also as a calendar file: %(link)s") % values
    return subject, body


def agendas_notify(*, showcase_id: int, registration_ids: list[int], participant_ids: list[int]) -> int:
    """Queue one email per person of each buyer organisation and producer named; return how many."""
    from market.core.tasks import email_send_task
    from showcases.selectors import agenda_meetings

    showcase = Showcase.objects.filter(pk=showcase_id).first()
    if showcase is None:
        return 0
    sent = 0
    sides = [
        ("buyer", registration.organisation_id, agenda_meetings(registration=registration))
        for registration in Registration.objects.filter(
            pk__in=registration_ids, showcase=showcase, status=Registration.Status.REGISTERED
        )
    ]
    sides += [
        ("producer", participant.producer.organisation_id, agenda_meetings(participant=participant))
        for participant in Participant.objects.select_related("producer").filter(
            pk__in=participant_ids, showcase=showcase, status=Participant.Status.CONFIRMED
        )
    ]
    for side, organisation_id, meetings in sides:
        for membership in (
            Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
            .exclude(user__email="")
            .select_related("user")
            .order_by("pk")
        ):
            user = membership.user
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject, body = _message(showcase, meetings, side)
            email_send_task.delay(subject=subject, body=body, to=[user.email])
            sent += 1
    return sent


# --- meeting requests and answers ----------------------------------------------------------------


def meeting_notify_after_commit(*, event_id: int) -> None:
    """Email the other side about the meeting event ``event_id`` once the current transaction commits."""
    from showcases.tasks import showcase_meeting_notify_task

    showcase_meeting_notify_task.delay_on_commit(event_id)


def _meeting_message(event, *, recipient_side: str) -> tuple[str, str]:
    from showcases.models import Meeting

    meeting = event.meeting
    values = {
        "buyer": meeting.registration.organisation.name,
        "producer": meeting.participant.producer.name,
        "title": meeting.showcase.title,
        "note": event.note,
        "link": settings.SITE_URL.rstrip("/") + reverse("frontend:showcase-meeting", kwargs={"pk": meeting.pk}),
    }
    to = event.to_value
    if to == Meeting.Status.REQUESTED:
        subject = _("%(buyer)s asks to meet you at %(title)s") % values
        body = _("%(buyer)s would like a meeting with %(producer)s at %(title)s.") % values
    elif to == Meeting.Status.ACCEPTED:
        subject = _("%(producer)s accepted your meeting at %(title)s") % values
        body = _("%(producer)s accepted the meeting with %(buyer)s. The officers schedule the meetings; your "
                 "agenda comes by email when the schedule is published.") % values
    elif to == Meeting.Status.DECLINED:
        subject = _("%(producer)s declined your meeting at %(title)s") % values
        body = _("%(producer)s declined the meeting with %(buyer)s.") % values
    else:
        subject = _("Meeting cancelled: %(buyer)s and %(producer)s at %(title)s") % values
        body = _("The meeting of %(buyer)s with %(producer)s at %(title)s is cancelled.") % values
    if event.note:
        body += "\n\n" + _("Note: %(note)s") % values
    if to == Meeting.Status.REQUESTED:
        body += "\n\n" + _("Accept or decline it on the meeting's page: %(link)s") % values
    else:
        body += "\n\n" + _("The meeting: %(link)s") % values
    return subject, body


def meeting_notify(*, event_id: int) -> int:
    """Queue one email per person of the side(s) that did not act; return how many.

    A request goes to the producer's people; an answer to the buyer organisation's people; a
    cancellation to both sides but the person who cancelled. A meeting cancelled off a published
    schedule is not announced here: the changed agenda is emailed instead.
    """
    from market.core.tasks import email_send_task
    from showcases.models import Meeting, ShowcaseEvent

    event = (ShowcaseEvent.objects.select_related("meeting__showcase", "meeting__registration__organisation",
                                                  "meeting__participant__producer")
             .filter(pk=event_id, kind=ShowcaseEvent.Kind.MEETING, meeting__isnull=False).first())
    if event is None:
        return 0
    meeting = event.meeting
    buyer_side = ("buyer", meeting.registration.organisation_id)
    producer_side = ("producer", meeting.participant.producer.organisation_id)
    sides = {Meeting.Status.REQUESTED: [producer_side], Meeting.Status.ACCEPTED: [buyer_side],
             Meeting.Status.DECLINED: [buyer_side], Meeting.Status.CANCELLED: [buyer_side, producer_side]}
    sent = 0
    for side, organisation_id in sides.get(event.to_value, []):
        for membership in (Membership.objects.filter(organisation_id=organisation_id, user__is_active=True)
                           .exclude(user__email="").exclude(user_id=event.actor_id)
                           .select_related("user").order_by("pk")):
            user = membership.user
            with translation.override(user.language or settings.LANGUAGE_CODE):
                subject, body = _meeting_message(event, recipient_side=side)
            email_send_task.delay(subject=subject, body=body, to=[user.email])
            sent += 1
    return sent
