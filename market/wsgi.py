"""WSGI entry point for gunicorn (see Procfile): production settings unless told otherwise."""
from market.entrypoints import use_settings

use_settings()

from django.core.wsgi import get_wsgi_application  # noqa: E402

from market.startup import refuse_unsafe_start  # noqa: E402

application = get_wsgi_application()
refuse_unsafe_start()
