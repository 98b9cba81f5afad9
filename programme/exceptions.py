"""Errors of the programme app (the ``ApplicationError`` family, market/core/errors.py)."""
from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError


class PeriodInvalid(ApplicationError):
    code = "programme_period_invalid"
    default_message = _("The period must start before it ends.")
