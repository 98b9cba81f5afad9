"""ASGI entry point: production settings unless told otherwise."""
from market.entrypoints import use_settings

use_settings()

from django.core.asgi import get_asgi_application  # noqa: E402

from market.startup import refuse_unsafe_start  # noqa: E402

application = get_asgi_application()
refuse_unsafe_start()
