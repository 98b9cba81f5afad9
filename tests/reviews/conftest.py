import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assert the English source messages, whatever the Indonesian catalogue says later."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_answers(settings, tmp_path):
    """English answers when the request names no language; review photos stored in the test's folder."""
    settings.LANGUAGE_CODE = "en"
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _english_pages(client):
    client.cookies["ki_language"] = "en"
