"""Private storage of investors' documents: never under ``MEDIA_URL``, never served by the media view.

``STORAGES["private"]`` (market/settings/base.py): the file system below ``PRIVATE_MEDIA_ROOT`` by
default, or the S3 bucket under the ``private/`` prefix with private objects. Files leave it only
through the permission-checked document view (``frontend.views.investors.document``).
"""
from __future__ import annotations

from django.core.files.storage import Storage, storages


def private_storage() -> Storage:
    """Return the private storage (a callable, so that tests and settings may swap it)."""
    return storages["private"]
