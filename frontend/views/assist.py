"""Pages: officer-assisted mode (see frontend/urls.py).

A programme officer starts acting on behalf of a producer from the officer's producer page, with a
reason; the producer dashboard pages then work for that producer with the officer as actor, a banner
on every page says so and ends it. The services are the guard (``require_producer_editor``); these
pages only start and end the session.
"""
from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from catalog.selectors import assist_session_active
from catalog.services import assist_session_end, assist_session_start
from frontend.forms.assist import AssistStartForm
from frontend.views.officer import _producer_or_404, _render_producer, officer_required
from market.core.errors import ApplicationError


@officer_required
@require_POST
def assist_start(request, pk: int):
    producer = _producer_or_404(pk)
    form = AssistStartForm(request.POST)
    if form.is_valid():
        try:
            assist_session_start(officer=request.user, producer=producer, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            form.add_application_error(exc)
        else:
            messages.success(request, _("You now act on behalf of %(producer)s. Everything you change is recorded "
                                        "and shown to the producer.") % {"producer": producer.name})
            return redirect(f"{reverse('frontend:producer-home')}?producer={producer.pk}")
    return _render_producer(request, producer, assist_form=form, status=400)


@officer_required
@require_POST
def assist_end(request):
    session = assist_session_active(officer=request.user)
    if session is None:
        messages.info(request, _("Assisted mode had already ended."))
        return redirect("frontend:officer-home")
    assist_session_end(officer=request.user, session=session)
    messages.success(request, _("You no longer act on behalf of %(producer)s.") % {"producer": session.producer.name})
    return redirect("frontend:officer-producer", pk=session.producer_id)


urlpatterns = [
    path("dashboard/officer/producers/<int:pk>/assist/", assist_start, name="officer-assist-start"),
    path("dashboard/officer/assist/end/", assist_end, name="officer-assist-end"),
]
