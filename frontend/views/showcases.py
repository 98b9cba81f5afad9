"""Pages: product showcases ("gelar produk").

Public: the list (upcoming, and past ones with their results) and a showcase's page. Officers (under
/dashboard/officer/showcases/): create and edit a showcase, publish, close or cancel it, curate the
line-up, make and publish the schedule, move a meeting, the report and its CSV. Buyers (for the
organisation they act for): register attendees, availability, the line-up ranked by fit, meeting
requests. Producers: confirm or withdraw, availability, answer requests. Both sides: a meeting's page
(outcome, an order from it), the agenda page and its ``.ics`` file.

Reads go through ``showcases.selectors`` (who may see what: anyone else gets a 404), writes through
one service each; an ``ApplicationError`` is shown beside its input and nothing changes.
"""

from __future__ import annotations

import io
from datetime import UTC

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from buyers.selectors import buyer_can_manage
from catalog.selectors import localized, producer_list_for_user
from frontend.acting import acting_organisation
from frontend.forms.showcases import (
    AvailabilityForm,
    LineupEditForm,
    MeetingRequestForm,
    MeetingResponseForm,
    MoveForm,
    OrderLinkForm,
    OutcomeForm,
    ParticipantForm,
    RegistrationForm,
    ShowcaseForm,
    StatusForm,
)
from frontend.views.common import not_found_as_404
from frontend.views.officer import officer_required
from market.accounts.selectors import buyer_organisation_list
from market.core.csv import safe_csv_writer
from market.core.errors import ApplicationError
from orders.selectors import order_list_for_meeting, order_list_for_meeting_link, shopper_get
from orders.services import cart_showcase_meeting_fill, order_showcase_meeting_link
from placements.selectors import placement_list_for_meeting
from showcases.models import Meeting, Participant, Registration, Showcase
from showcases.selectors import (
    access_meeting,
    access_participant,
    agenda_calendar,
    agenda_meetings,
    availability_list,
    buyer_can_register,
    lineup_by_village,
    lineup_participant_get,
    lineup_producer_choices,
    lineup_product_choices,
    lineup_ranked_for_buyer,
    meeting_event_list,
    meeting_list_for_officers,
    meeting_list_for_participant,
    meeting_list_for_registration,
    meeting_party,
    meeting_products,
    participant_list,
    participation_list_for_user,
    registration_get,
    registration_list,
    registration_list_for_user,
    showcase_attendee_count,
    showcase_event_list,
    showcase_get_for_officers,
    showcase_get_public,
    showcase_list_for_officers,
    showcase_list_public,
    showcase_public_summary,
    showcase_report,
    showcase_slots,
    showcase_summaries,
)
from showcases.services import (
    AttendeeData,
    ShowcaseData,
    availability_set,
    meeting_cancel,
    meeting_move,
    meeting_outcome_record,
    meeting_request,
    meeting_respond,
    participant_invite,
    participant_respond,
    participant_update,
    registration_cancel,
    registration_save,
    showcase_create,
    showcase_schedule_make,
    showcase_schedule_publish,
    showcase_status_set,
    showcase_update,
)

MEETING_SESSION_KEY = "showcase_meeting"  # {"meeting": id, "organisation": id}: the checkout links the order


def _error(request, exc: ApplicationError) -> None:
    messages.error(request, str(exc.message))
    for errors in (exc.fields or {}).values():
        for error in errors:
            messages.error(request, str(error))


# --- public ------------------------------------------------------------------------------------


@require_safe
def showcase_list(request):
    """Upcoming showcases, and past ones with their results (counts only)."""
    upcoming = list(showcase_list_public(past=False)[:20])
    past = list(showcase_list_public(past=True)[:20])
    summaries = showcase_summaries(showcases=past)
    for showcase in past:
        showcase.summary = summaries[showcase.pk]
    return render(request, "frontend/showcases/list.html", {"upcoming": upcoming, "past": past})


@not_found_as_404
@require_safe
def showcase_detail(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    ended = showcase.ends_at <= timezone.now()
    return render(
        request,
        "frontend/showcases/detail.html",
        {
            "showcase": showcase,
            "groups": lineup_by_village(showcase=showcase),
            "ended": ended,
            "summary": showcase_public_summary(showcase=showcase) if ended else None,
            "registration_open": (
                showcase.status == Showcase.Status.PUBLISHED and timezone.now() <= showcase.registration_deadline
            ),
            "places_left": max(showcase.capacity - showcase_attendee_count(showcase=showcase), 0),
        },
    )


# --- buyers ------------------------------------------------------------------------------------


def _buyer_organisation(request):
    organisation = acting_organisation(request) or buyer_organisation_list(user=request.user).first()
    if organisation is None:
        raise PermissionDenied(_("These pages are for the people of a buyer organisation."))
    return organisation


@login_required
@require_safe
def buyer_showcases(request):
    """The buyer's registrations and the showcases open for registration."""
    organisation = _buyer_organisation(request)
    return render(
        request,
        "frontend/showcases/buyer_list.html",
        {
            "section": "showcases",
            "organisation": organisation,
            "registrations": registration_list_for_user(user=request.user),
            "upcoming": showcase_list_public(past=False)[:20],
            "verified": buyer_can_register(organisation=organisation),
        },
    )


def _buyer_page(request, showcase, organisation, *, registration_form=None, availability_form=None, status=200):
    registration = registration_get(showcase=showcase, organisation=organisation)
    active = registration is not None and registration.status == Registration.Status.REGISTERED
    if registration_form is None:
        people = "\n".join(
            f"{a.name}, {a.job_title}" if a.job_title else a.name
            for a in (registration.attendees.all() if active and registration else [])
        )
        registration_form = RegistrationForm(initial={"attendees": people})
    if availability_form is None:
        availability_form = AvailabilityForm(
            initial=AvailabilityForm.initial_for(availability_list(registration=registration) if active else [])
        )
    return render(
        request,
        "frontend/showcases/buyer.html",
        {
            "section": "showcases",
            "showcase": showcase,
            "organisation": organisation,
            "registration": registration if active else None,
            "verified": buyer_can_register(organisation=organisation),
            "can_manage": buyer_can_manage(organisation=organisation, user=request.user),
            "registration_open": (
                showcase.status == Showcase.Status.PUBLISHED and timezone.now() <= showcase.registration_deadline
            ),
            "registration_form": registration_form,
            "availability_form": availability_form,
            "ranked": lineup_ranked_for_buyer(showcase=showcase, organisation=organisation) if active else [],
            "meetings": meeting_list_for_registration(registration=registration) if active else [],
            "request_form": MeetingRequestForm(),
        },
        status=status,
    )


@login_required
@not_found_as_404
@require_safe
def buyer_showcase(request, pk: int):
    return _buyer_page(request, showcase_get_public(pk=pk), _buyer_organisation(request))


@login_required
@not_found_as_404
@require_POST
def buyer_register(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    organisation = _buyer_organisation(request)
    if request.POST.get("cancel"):
        registration = registration_get(showcase=showcase, organisation=organisation)
        if registration is not None:
            try:
                registration_cancel(registration=registration, actor=request.user)
            except ApplicationError as exc:
                _error(request, exc)
                return redirect("frontend:showcase-buyer", pk=pk)
            messages.success(request, _("Your registration is cancelled."))
        return redirect("frontend:showcase-buyer", pk=pk)
    form = RegistrationForm(request.POST)
    if form.is_valid():
        try:
            registration_save(
                showcase=showcase,
                organisation=organisation,
                actor=request.user,
                attendees=[AttendeeData(name=name, job_title=role) for name, role in form.attendee_rows()],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("You are registered. Now ask the producers you want to meet."))
            return redirect("frontend:showcase-buyer", pk=pk)
    return _buyer_page(request, showcase, organisation, registration_form=form, status=400)


@login_required
@not_found_as_404
@require_POST
def buyer_availability(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    organisation = _buyer_organisation(request)
    registration = registration_get(showcase=showcase, organisation=organisation)
    if registration is None or registration.status != Registration.Status.REGISTERED:
        raise Http404(_("Register for this showcase first."))
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            availability_set(actor=request.user, registration=registration, windows=form.windows())
        except ApplicationError as exc:
            form.add_error(None, [str(m) for errors in (exc.fields or {}).values() for m in errors] or str(exc.message))
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("frontend:showcase-buyer", pk=pk)
    return _buyer_page(request, showcase, organisation, availability_form=form, status=400)


@login_required
@not_found_as_404
@require_POST
def buyer_meeting_request(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    organisation = _buyer_organisation(request)
    registration = registration_get(showcase=showcase, organisation=organisation)
    form = MeetingRequestForm(request.POST)
    if registration is None or not form.is_valid():
        messages.error(request, _("Register for this showcase first."))
        return redirect("frontend:showcase-buyer", pk=pk)
    participant = lineup_participant_get(showcase=showcase, pk=form.cleaned_data["participant"])
    try:
        meeting_request(
            registration=registration, participant=participant, actor=request.user, note=form.cleaned_data["note"]
        )
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your request is sent to %(producer)s.") % {"producer": participant.producer.name})
    return redirect(reverse("frontend:showcase-buyer", kwargs={"pk": pk}) + f"#participant-{participant.pk}")


# --- producers ---------------------------------------------------------------------------------


@login_required
@require_safe
def producer_showcases(request):
    """The producer's invitations and participations."""
    producer = producer_list_for_user(user=request.user).first()
    if producer is None:
        raise PermissionDenied(_("These pages are for producers."))
    return render(
        request,
        "frontend/showcases/producer_list.html",
        {
            "participations": participation_list_for_user(user=request.user),
            "producer": producer,
            "section": "showcases",
        },
    )


def _participation_page(request, participant, *, availability_form=None, status=200):
    if availability_form is None:
        availability_form = AvailabilityForm(
            initial=AvailabilityForm.initial_for(availability_list(participant=participant))
        )
    return render(
        request,
        "frontend/showcases/participation.html",
        {
            "participant": participant,
            "showcase": participant.showcase,
            "producer": participant.producer,
            "section": "showcases",
            "products": lineup_participant_get(showcase=participant.showcase, pk=participant.pk).products.all(),
            "meetings": meeting_list_for_participant(participant=participant),
            "availability_form": availability_form,
            "response_form": MeetingResponseForm(),
        },
        status=status,
    )


@login_required
@not_found_as_404
@require_safe
def participation(request, pk: int):
    return _participation_page(request, access_participant(user=request.user, pk=pk))


@login_required
@not_found_as_404
@require_POST
def participation_respond(request, pk: int):
    participant = access_participant(user=request.user, pk=pk)
    try:
        participant_respond(participant=participant, actor=request.user, confirm=request.POST.get("confirm") == "yes")
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your answer is saved."))
    return redirect("frontend:showcase-participation", pk=pk)


@login_required
@not_found_as_404
@require_POST
def participation_availability(request, pk: int):
    participant = access_participant(user=request.user, pk=pk)
    form = AvailabilityForm(request.POST)
    if form.is_valid():
        try:
            availability_set(actor=request.user, participant=participant, windows=form.windows())
        except ApplicationError as exc:
            form.add_error(None, [str(m) for errors in (exc.fields or {}).values() for m in errors] or str(exc.message))
        else:
            messages.success(request, _("Your availability is saved."))
            return redirect("frontend:showcase-participation", pk=pk)
    return _participation_page(request, participant, availability_form=form, status=400)


# --- a meeting ---------------------------------------------------------------------------------


# Where each side of a meeting proposes the placement agreed there (it records the meeting).
PLACEMENT_NEW = {"buyer": "frontend:buyer-placement-new", "producer": "frontend:producer-placement-new"}


def _meeting_page(request, meeting, *, outcome_form=None, link_form=None, status=200):
    party = meeting_party(user=request.user, meeting=meeting)
    orders = []
    if party in ("buyer", "officer") and meeting.status == Meeting.Status.ACCEPTED:
        orders = [
            (order.pk, f"{order.number} · {timezone.localtime(order.created_at):%d-%m-%Y}")
            for order in order_list_for_meeting_link(meeting=meeting)[:50]
        ]
    return render(
        request,
        "frontend/showcases/meeting.html",
        {
            "meeting": meeting,
            "showcase": meeting.showcase,
            "party": party,
            "events": meeting_event_list(meeting=meeting),
            "products": [
                (product, localized(product.approved_snapshot)) for product in meeting_products(meeting=meeting)
            ],
            "outcome_form": outcome_form
            or OutcomeForm(initial={"outcome": meeting.outcome or None, "note": meeting.outcome_note}),
            "link_form": link_form or (OrderLinkForm(orders=orders) if orders else None),
            "response_form": MeetingResponseForm(),
            "linked_orders": order_list_for_meeting(meeting=meeting),
            # Placements on shelves that follow the meeting (placements.Placement.showcase_meeting).
            "linked_placements": placement_list_for_meeting(meeting=meeting),
            "placement_url": f"{reverse(PLACEMENT_NEW[party])}?meeting={meeting.pk}" if party in PLACEMENT_NEW else "",
        },
        status=status,
    )


@login_required
@not_found_as_404
@require_safe
def meeting_detail(request, pk: int):
    return _meeting_page(request, access_meeting(user=request.user, pk=pk))


@login_required
@not_found_as_404
@require_POST
def meeting_respond_view(request, pk: int):
    meeting = access_meeting(user=request.user, pk=pk)
    form = MeetingResponseForm(request.POST)
    if form.is_valid():
        try:
            meeting_respond(
                meeting=meeting,
                actor=request.user,
                accept=form.cleaned_data["decision"] == "accept",
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("Your answer is sent to the buyer."))
    if request.POST.get("back") == "participation":
        return redirect("frontend:showcase-participation", pk=meeting.participant_id)
    return redirect("frontend:showcase-meeting", pk=pk)


@login_required
@not_found_as_404
@require_POST
def meeting_cancel_view(request, pk: int):
    meeting = access_meeting(user=request.user, pk=pk)
    try:
        meeting_cancel(meeting=meeting, actor=request.user, note=request.POST.get("note", "")[:1000])
    except ApplicationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return redirect("frontend:showcase-meeting", pk=pk)


@login_required
@not_found_as_404
@require_POST
def meeting_outcome(request, pk: int):
    meeting = access_meeting(user=request.user, pk=pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            meeting_outcome_record(
                meeting=meeting,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The outcome is recorded."))
            return redirect("frontend:showcase-meeting", pk=pk)
    return _meeting_page(request, meeting, outcome_form=form, status=400)


@login_required
@not_found_as_404
@require_POST
def meeting_order(request, pk: int):
    """Start an order from the meeting: the producer's showcase products go in the cart, and the order placed
    at checkout records the meeting."""
    meeting = access_meeting(user=request.user, pk=pk)
    shopper = shopper_get(user=request.user, organisation=acting_organisation(request))
    try:
        added, skipped = cart_showcase_meeting_fill(shopper=shopper, meeting=meeting)
    except ApplicationError as exc:
        _error(request, exc)
        return redirect("frontend:showcase-meeting", pk=pk)
    request.session[MEETING_SESSION_KEY] = {"meeting": meeting.pk, "organisation": meeting.registration.organisation_id}
    messages.success(
        request,
        _(
            "The products of %(producer)s are in your cart (%(count)s added). The order you "
            "place at checkout will be linked to this meeting."
        )
        % {"producer": meeting.participant.producer.name, "count": added},
    )
    for line in skipped:
        messages.warning(request, line)
    return redirect("frontend:cart")


@login_required
@not_found_as_404
@require_POST
def meeting_link_order(request, pk: int):
    meeting = access_meeting(user=request.user, pk=pk)
    orders = [(order.pk, order.number) for order in order_list_for_meeting_link(meeting=meeting)[:50]]
    form = OrderLinkForm(request.POST, orders=orders)
    if form.is_valid():
        try:
            order_showcase_meeting_link(meeting=meeting, order_id=form.cleaned_data["order"], actor=request.user)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The order is linked to the meeting."))
            return redirect("frontend:showcase-meeting", pk=pk)
    return _meeting_page(request, meeting, link_form=form, status=400)


def showcase_meeting_for_checkout(request, organisation) -> int | None:
    """Return the meeting an order started from (``meeting_order``) if it is for ``organisation``, else ``None``."""
    stored = request.session.get(MEETING_SESSION_KEY) or {}
    if organisation is not None and stored.get("organisation") == organisation.pk:
        return stored.get("meeting")
    return None


# --- agendas -----------------------------------------------------------------------------------


def _agenda_side(request, showcase):
    """Return (side, meetings, name) for the person: their buyer organisation's registration, else their
    producer's participation (``?side=producer`` picks it for someone on both sides)."""
    registrations = [
        r
        for r in registration_list_for_user(user=request.user)
        if r.showcase_id == showcase.pk and r.status == Registration.Status.REGISTERED
    ]
    acting = acting_organisation(request)
    registrations.sort(key=lambda r: r.organisation_id != (acting.pk if acting else None))
    participations = [
        p
        for p in participation_list_for_user(user=request.user)
        if p.showcase_id == showcase.pk and p.status == Participant.Status.CONFIRMED
    ]
    if registrations and request.GET.get("side") != "producer":
        registration = registrations[0]
        return "buyer", agenda_meetings(registration=registration), registration.organisation.name
    if participations:
        participant = participations[0]
        return "producer", agenda_meetings(participant=participant), participant.producer.name
    raise Http404(_("You have no agenda for this showcase."))


@login_required
@not_found_as_404
@require_safe
def agenda(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    side, meetings, name = _agenda_side(request, showcase)
    return render(
        request,
        "frontend/showcases/agenda.html",
        {
            "showcase": showcase,
            "side": side,
            "meetings": meetings,
            "name": name,
            "published": showcase.schedule_published_at is not None,
            "side_param": request.GET.get("side", ""),
        },
    )


@login_required
@not_found_as_404
@require_safe
def agenda_ics(request, pk: int):
    showcase = showcase_get_public(pk=pk)
    side, meetings, _name = _agenda_side(request, showcase)
    text = agenda_calendar(showcase=showcase, meetings=meetings, side=side, site_url=settings.SITE_URL)
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="agenda-{showcase.slug}.ics"'
    return response


# --- officers ----------------------------------------------------------------------------------


def _showcase_data(form: ShowcaseForm) -> ShowcaseData:
    data = form.cleaned_data
    return ShowcaseData(
        title=data["title"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        registration_deadline=data["registration_deadline"],
        capacity=data["capacity"],
        slot_minutes=data["slot_minutes"],
        venue=data["venue"],
        online_url=data["online_url"] or "",
        theme=data["theme"],
        description=data["description"],
    )


@officer_required
@require_safe
def officer_list(request):
    return render(
        request,
        "frontend/showcases/officer_list.html",
        {"section": "showcases", "showcases": showcase_list_for_officers()[:100]},
    )


@officer_required
@require_http_methods(["GET", "POST"])
def officer_new(request):
    form = ShowcaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            showcase = showcase_create(officer=request.user, data=_showcase_data(form))
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The showcase is saved as a draft. Add the line-up, then publish it."))
            return redirect("frontend:officer-showcase", pk=showcase.pk)
    return render(
        request,
        "frontend/showcases/officer_form.html",
        {"section": "showcases", "form": form},
        status=400 if request.method == "POST" else 200,
    )


@officer_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def officer_edit(request, pk: int):
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    initial = {
        key: getattr(showcase, key)
        for key in ("title", "theme", "description", "venue", "online_url", "capacity", "slot_minutes")
    }
    initial.update(
        {key: timezone.localtime(getattr(showcase, key)) for key in ("starts_at", "ends_at", "registration_deadline")}
    )
    form = ShowcaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            showcase_update(showcase=showcase, officer=request.user, data=_showcase_data(form))
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The showcase is saved."))
            return redirect("frontend:officer-showcase", pk=pk)
    return render(
        request,
        "frontend/showcases/officer_form.html",
        {"section": "showcases", "form": form, "showcase": showcase},
        status=400 if request.method == "POST" else 200,
    )


@officer_required
@not_found_as_404
@require_safe
def officer_detail(request, pk: int):
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    return render(
        request,
        "frontend/showcases/officer_detail.html",
        {
            "section": "showcases",
            "showcase": showcase,
            "participants": participant_list(showcase=showcase),
            "registrations": registration_list(showcase=showcase),
            "meetings": meeting_list_for_officers(showcase=showcase),
            "events": showcase_event_list(showcase=showcase, limit=20),
            "attendees": showcase_attendee_count(showcase=showcase),
            "slots": showcase_slots(showcase=showcase),
        },
    )


@officer_required
@not_found_as_404
@require_POST
def officer_status(request, pk: int):
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            showcase_status_set(
                showcase=showcase, officer=request.user, to=form.cleaned_data["to"], reason=form.cleaned_data["reason"]
            )
        except ApplicationError as exc:
            _error(request, exc)
        else:
            messages.success(
                request,
                _("The showcase is now “%(status)s”.") % {"status": Showcase.Status(form.cleaned_data["to"]).label},
            )
    else:
        messages.error(request, _("Choose a status."))
    return redirect("frontend:officer-showcase", pk=pk)


@officer_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def officer_lineup(request, pk: int):
    """Invite a producer: choose it (the page then lists its listed products), tick products, give a table."""
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    producers = list(lineup_producer_choices(showcase=showcase))
    chosen = request.POST.get("producer") or request.GET.get("producer") or ""
    products = []
    if chosen.isdigit():
        products = [(p.pk, localized(p.approved_snapshot)) for p in lineup_product_choices(producer_id=int(chosen))]
    choices = [(p.pk, f"{p.name} · {p.village.name}") for p in producers]
    picking = request.method == "POST" and "pick_producer" in request.POST
    form = ParticipantForm(
        request.POST if request.method == "POST" and not picking else None,
        initial={"producer": chosen},
        producers=choices,
        products=products,
    )
    if request.method == "POST" and not picking and form.is_valid():
        producer = next((p for p in producers if p.pk == form.cleaned_data["producer"]), None)
        if producer is None:
            form.add_error("producer", _("Choose a producer from the list."))
        else:
            try:
                participant_invite(
                    showcase=showcase,
                    officer=request.user,
                    producer=producer,
                    product_ids=form.cleaned_data["products"],
                    table_number=form.cleaned_data["table_number"],
                )
            except ApplicationError as exc:
                form.add_application_error(exc)
            else:
                messages.success(request, _("%(producer)s is invited.") % {"producer": producer.name})
                return redirect("frontend:officer-showcase", pk=pk)
    return render(
        request,
        "frontend/showcases/officer_lineup.html",
        {"section": "showcases", "showcase": showcase, "form": form, "has_products": bool(products)},
        status=400 if request.method == "POST" and not picking else 200,
    )


@officer_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def officer_participant(request, pk: int):
    participant = access_participant(user=request.user, pk=pk)
    products = [
        (p.pk, localized(p.approved_snapshot)) for p in lineup_product_choices(producer_id=participant.producer_id)
    ]
    initial = {
        "products": list(participant.products.values_list("pk", flat=True)),
        "table_number": participant.table_number,
    }
    form = LineupEditForm(request.POST or None, initial=initial, products=products)
    if request.method == "POST" and form.is_valid():
        try:
            participant_update(
                participant=participant,
                officer=request.user,
                product_ids=form.cleaned_data["products"],
                table_number=form.cleaned_data["table_number"],
            )
        except ApplicationError as exc:
            form.add_application_error(exc, labels={"product_ids": _("Products shown")})
        else:
            messages.success(request, _("The line-up is saved."))
            return redirect("frontend:officer-showcase", pk=participant.showcase_id)
    return render(
        request,
        "frontend/showcases/officer_participant.html",
        {"section": "showcases", "participant": participant, "showcase": participant.showcase, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@officer_required
@not_found_as_404
@require_POST
def officer_schedule(request, pk: int):
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    try:
        if request.POST.get("publish"):
            showcase_schedule_publish(showcase=showcase, officer=request.user)
            messages.success(request, _("The schedule is published: each side is emailed its agenda."))
        else:
            result = showcase_schedule_make(showcase=showcase, officer=request.user)
            messages.success(
                request,
                _("%(placed)s meetings placed, %(kept)s kept where they were.")
                % {"placed": result.placed, "kept": result.kept},
            )
            for meeting, reason in result.unplaced:
                messages.warning(
                    request,
                    _("Not placed: %(buyer)s with %(producer)s. %(reason)s")
                    % {
                        "buyer": meeting.registration.organisation.name,
                        "producer": meeting.participant.producer.name,
                        "reason": reason,
                    },
                )
    except ApplicationError as exc:
        _error(request, exc)
    return redirect(reverse("frontend:officer-showcase", kwargs={"pk": pk}) + "#schedule")


@officer_required
@not_found_as_404
@require_http_methods(["GET", "POST"])
def officer_move(request, pk: int):
    meeting = access_meeting(user=request.user, pk=pk)
    slots = showcase_slots(showcase=meeting.showcase)
    initial = {"starts_at": meeting.starts_at.astimezone(UTC).isoformat()} if meeting.starts_at else {}
    form = MoveForm(request.POST or None, initial=initial, slots=slots)
    if request.method == "POST" and form.is_valid():
        starts_at = parse_datetime(form.cleaned_data["starts_at"])
        try:
            meeting_move(meeting=meeting, officer=request.user, starts_at=starts_at)
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("The meeting is moved."))
            return redirect(reverse("frontend:officer-showcase", kwargs={"pk": meeting.showcase_id}) + "#schedule")
    return render(
        request,
        "frontend/showcases/officer_move.html",
        {"section": "showcases", "meeting": meeting, "showcase": meeting.showcase, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@officer_required
@not_found_as_404
@require_safe
def officer_report(request, pk: int):
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    return render(
        request,
        "frontend/showcases/officer_report.html",
        {"section": "showcases", "showcase": showcase, "report": showcase_report(showcase=showcase)},
    )


REPORT_COLUMNS = [
    "meeting",
    "buyer",
    "producer",
    "table",
    "status",
    "starts_at",
    "outcome",
    "outcome_note",
    "orders_within_90_days",
    "orders_value_rupiah",
    "placements_within_90_days",
]


@officer_required
@not_found_as_404
@require_safe
def officer_report_csv(request, pk: int):
    """The report per meeting as CSV; buyers' and producers' names and notes can't run as formulas."""
    showcase = showcase_get_for_officers(user=request.user, pk=pk)
    report = showcase_report(showcase=showcase)
    buffer = io.StringIO()
    writer = safe_csv_writer(buffer)
    writer.writerow(REPORT_COLUMNS)
    for row in report["rows"]:
        writer.writerow(
            [
                row.pk,
                row.registration.organisation.name,
                row.participant.producer.name,
                row.participant.table_number or "",
                row.status,
                timezone.localtime(row.starts_at).strftime("%Y-%m-%d %H:%M") if row.starts_at else "",
                row.outcome,
                row.outcome_note,
                row.order_count,
                row.order_value,
                row.placement_count,
            ]
        )
    response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="laporan-{showcase.slug}.csv"'
    return response


urlpatterns = [
    path("showcases/", showcase_list, name="showcase-list"),
    path("showcases/<int:pk>/", showcase_detail, name="showcase-detail"),
    path("showcases/<int:pk>/buyer/", buyer_showcase, name="showcase-buyer"),
    path("showcases/<int:pk>/register/", buyer_register, name="showcase-register"),
    path("showcases/<int:pk>/availability/", buyer_availability, name="showcase-buyer-availability"),
    path("showcases/<int:pk>/request/", buyer_meeting_request, name="showcase-meeting-request"),
    path("showcases/<int:pk>/agenda/", agenda, name="showcase-agenda"),
    path("showcases/<int:pk>/agenda.ics", agenda_ics, name="showcase-agenda-ics"),
    path("showcases/meetings/<int:pk>/", meeting_detail, name="showcase-meeting"),
    path("showcases/meetings/<int:pk>/respond/", meeting_respond_view, name="showcase-meeting-respond"),
    path("showcases/meetings/<int:pk>/cancel/", meeting_cancel_view, name="showcase-meeting-cancel"),
    path("showcases/meetings/<int:pk>/outcome/", meeting_outcome, name="showcase-meeting-outcome"),
    path("showcases/meetings/<int:pk>/order/", meeting_order, name="showcase-meeting-order"),
    path("showcases/meetings/<int:pk>/link-order/", meeting_link_order, name="showcase-meeting-link-order"),
    path("showcases/participations/<int:pk>/", participation, name="showcase-participation"),
    path("showcases/participations/<int:pk>/respond/", participation_respond, name="showcase-participation-respond"),
    path(
        "showcases/participations/<int:pk>/availability/",
        participation_availability,
        name="showcase-participation-availability",
    ),
    path("dashboard/buyer/showcases/", buyer_showcases, name="buyer-showcases"),
    path("dashboard/producer/showcases/", producer_showcases, name="producer-showcases"),
    path("dashboard/officer/showcases/", officer_list, name="officer-showcases"),
    path("dashboard/officer/showcases/new/", officer_new, name="officer-showcase-new"),
    path("dashboard/officer/showcases/<int:pk>/", officer_detail, name="officer-showcase"),
    path("dashboard/officer/showcases/<int:pk>/edit/", officer_edit, name="officer-showcase-edit"),
    path("dashboard/officer/showcases/<int:pk>/status/", officer_status, name="officer-showcase-status"),
    path("dashboard/officer/showcases/<int:pk>/lineup/", officer_lineup, name="officer-showcase-lineup"),
    path("dashboard/officer/showcases/<int:pk>/schedule/", officer_schedule, name="officer-showcase-schedule"),
    path("dashboard/officer/showcases/<int:pk>/report/", officer_report, name="officer-showcase-report"),
    path("dashboard/officer/showcases/<int:pk>/report.csv", officer_report_csv, name="officer-showcase-report-csv"),
    path(
        "dashboard/officer/showcases/participants/<int:pk>/", officer_participant, name="officer-showcase-participant"
    ),
    path("dashboard/officer/showcases/meetings/<int:pk>/move/", officer_move, name="officer-showcase-move"),
]
