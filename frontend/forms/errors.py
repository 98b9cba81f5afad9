"""The one way a page form shows a service's ``ApplicationError``.

Each of the error's ``fields`` goes beside the input that carries it, anything the form has no
input for goes on top (named by ``labels`` when given), and an error without fields shows its
message on top. Every page form uses this, through ``ServiceErrorsMixin`` or, for a form built
elsewhere, ``form_add_application_error``.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping

from django import forms

from market.core.errors import ApplicationError


def form_add_application_error(form: forms.BaseForm, exc: ApplicationError, *,
                               field_for: Callable[[str], str | None] | None = None,
                               labels: Mapping[str, object] | None = None) -> bool:
    """Add ``exc`` to ``form``; ``field_for`` names the form field for a service's field (default: the same
    name). Return whether some error went beside an input (``False``: everything is on top)."""
    if not exc.fields:
        form.add_error(None, str(exc.message))
        return False
    beside = False
    for key, messages in exc.fields.items():
        name = field_for(key) if field_for else key
        if name and name in form.fields:
            form.add_error(name, [str(message) for message in messages])
            beside = True
        elif labels and key in labels:
            form.add_error(None, [f"{str(labels[key]).capitalize()}: {message}" for message in messages])
        else:
            form.add_error(None, [str(message) for message in messages])
    return beside


class ServiceErrorsMixin:
    """Show an ``ApplicationError`` in the form (see ``form_add_application_error``).

    ``service_fields`` maps a service's argument name to the form field that carries it.
    """

    service_fields: dict[str, str] = {}

    def add_application_error(self, exc: ApplicationError, *, labels: Mapping[str, object] | None = None) -> bool:
        """Add ``exc``; errors about something this form has no field for go on top, named by ``labels``."""
        return form_add_application_error(self, exc, field_for=lambda key: self.service_fields.get(key, key),
                                          labels=labels)
