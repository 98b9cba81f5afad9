"""Private storage of investors' documents: never under ``MEDIA_URL``, never served by the media view.

``STORAGES["private"]`` (market/settings/base.py): the file system below ``PRIVATE_MEDIA_ROOT`` by
default, or the S3 bucket under the ``private/`` prefix with private objects. Files leave it only
through the permission-checked document view (``frontend.views.investors.document``).
"""
from __future__ import annotations

from django.core.files.storage import Storage, storages


class _PrivateStorage(Storage):
    """Hand every call to ``storages["private"]`` as configured now (a ``FileField`` keeps its storage for the
    life of the process; this way a changed setting, e.g. a test's folder, still counts)."""

    @staticmethod
    def _backend() -> Storage:
        return storages["private"]

    def open(self, name, mode="rb"):
        return self._backend().open(name, mode)

    def save(self, name, content, max_length=None):
        return self._backend().save(name, content, max_length=max_length)

    def delete(self, name):
        return self._backend().delete(name)

    def exists(self, name):
        return self._backend().exists(name)

    def listdir(self, path):
        return self._backend().listdir(path)

    def size(self, name):
        return self._backend().size(name)

    def url(self, name):
        return self._backend().url(name)

    def path(self, name):
        return self._backend().path(name)

    def get_available_name(self, name, max_length=None):
        return self._backend().get_available_name(name, max_length=max_length)

    def generate_filename(self, filename):
        return self._backend().generate_filename(filename)

    def get_modified_time(self, name):
        return self._backend().get_modified_time(name)


_private = _PrivateStorage()


def private_storage() -> Storage:
    """Return the private storage (a callable, as ``FileField(storage=...)`` accepts)."""
    return _private
