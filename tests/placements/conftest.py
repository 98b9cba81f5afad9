import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Assert the English source messages, whatever the Indonesian catalogue says later."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _english_answers(settings):
    """Pages and API answers in English when the request names no language (the strings are translated now)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def _english_pages(client):
    """Pages in English for every signed-in person too (the language cookie the site's switcher sets)."""
    client.cookies["ki_language"] = "en"
