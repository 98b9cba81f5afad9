import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assert the English source messages, whatever the Indonesian catalogue says later."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English too (the language cookie the site's switcher sets)."""
    client.cookies["ki_language"] = "en"


@pytest.fixture(autouse=True)
def private_root(tmp_path, settings):
    """Keep the private documents of a test in its own folder (and prove they never land in MEDIA_ROOT)."""
    root = tmp_path / "private"
    settings.STORAGES = {**settings.STORAGES, "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(root), "base_url": None}}}
    return root


@pytest.fixture
def officer(totp_for):
    """A programme officer with two-factor authentication set up (officers' pages need it)."""
    from tests.factories import OfficerFactory

    user = OfficerFactory(full_name="Dewi Kartika")
    totp_for(user)
    return user
