from django.utils.translation import gettext_lazy as _

from market.core.errors import ApplicationError


class RegionFileInvalid(ApplicationError):
    """The region file has bad rows; ``fields`` maps ``"line N"`` to what is wrong there."""

    code = "region_file_invalid"
    default_message = _("The region file has errors; nothing was imported.")
