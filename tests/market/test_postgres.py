"""PostgreSQL features: the indonesian text search configuration, extensions that may be missing."""
import pytest
from django.db import connection

from market.core.postgres import postgres_extension_available, postgres_extension_ensure, text_search_config_available

pytestmark = pytest.mark.django_db


def test_indonesian_text_search_stems_affixes():
    assert text_search_config_available("indonesian")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsvector('indonesian', 'kerajinan pembelian petani')::text")
        assert cursor.fetchone()[0] == "'beli':2 'rajin':1 'tani':3"


def test_a_missing_extension_degrades_instead_of_crashing():
    assert postgres_extension_available("no_such_extension") is False
    assert postgres_extension_ensure("no_such_extension") is False
    with connection.cursor() as cursor:  # the connection is still usable
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_pg_trgm_is_used_when_the_server_has_it():
    available = postgres_extension_available("pg_trgm")

    assert postgres_extension_ensure("pg_trgm") is available
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone()[0] == int(available)


def test_embedded_server_starts_with_the_indonesian_configuration(tmp_path):
    """The embedded default (pgserver) in a fresh data folder, as on a newcomer's machine."""
    import psycopg

    from market.db import EMBEDDED_DATABASE_NAME, embedded_database

    config = embedded_database(tmp_path / "pgdata")

    assert config["NAME"] == EMBEDDED_DATABASE_NAME
    with psycopg.connect(host=config["HOST"], port=config["PORT"] or None, user="postgres",
                         dbname=EMBEDDED_DATABASE_NAME) as conn:
        assert conn.execute("SELECT cfgname FROM pg_ts_config WHERE cfgname = 'indonesian'").fetchone() == ("indonesian",)
        assert conn.execute("SHOW server_version_num").fetchone()[0] >= "160000"
