"""Fixtures of the search tests: the backends of the shared contract and the fixture catalogue."""
from __future__ import annotations

import os
import uuid

import pytest
from django.utils import translation

from search.backends import backend_reset


@pytest.fixture(autouse=True)
def _english():
    """Assert the English source messages, whatever the Indonesian catalogue says later."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_backend():
    """Each test builds the configured backend anew (no vocabulary cached from another test)."""
    backend_reset()
    yield
    backend_reset()


def _elasticsearch_backend():
    url = os.environ.get("ELASTICSEARCH_URL")
    if not url:
        pytest.skip("ELASTICSEARCH_URL is not set: the Elasticsearch run of the contract suite needs a server")
    from search.backends.elasticsearch import Elasticsearch

    prefix = f"test-{uuid.uuid4().hex[:10]}"
    return Elasticsearch(url=url, prefix=prefix), url, prefix


def _elasticsearch_cleanup(url: str, prefix: str) -> None:
    from elasticsearch import Elasticsearch as Client

    client = Client(url)
    try:
        names = list(client.indices.get(index=f"{prefix}*", expand_wildcards="all"))
        if names:  # by name: wildcard deletion is refused by default (action.destructive_requires_name)
            client.indices.delete(index=",".join(names))
    finally:
        client.close()


@pytest.fixture(params=["database", "elasticsearch"])
def search_backend(request, db):
    """A search backend of each kind; the contract tests run once with each."""
    if request.param == "database":
        from search.backends.database import Database

        yield Database()
        return
    backend, url, prefix = _elasticsearch_backend()
    try:
        yield backend
    finally:
        _elasticsearch_cleanup(url, prefix)


@pytest.fixture
def catalogue(db):
    """The fixture catalogue (see tests/search/catalogue.py), not yet indexed."""
    from tests.search.catalogue import catalogue_build

    return catalogue_build()


@pytest.fixture
def indexed(search_backend, catalogue):
    """The fixture catalogue indexed from scratch by ``search_backend``."""
    search_backend.rebuild()
    return catalogue


@pytest.fixture
def database_backend(db):
    from search.backends.database import Database

    return Database()
