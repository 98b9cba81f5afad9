"""PostgreSQL features: the indonesian text search configuration, extensions that may be missing."""
from pathlib import Path

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


@pytest.mark.parametrize("left_behind", ["", "[12", "null"])
def test_embedded_server_recovers_from_a_process_list_left_broken_by_a_killed_process(tmp_path, left_behind):
    """A process killed while pgserver rewrote its list of attached processes left it unreadable."""
    import subprocess
    import sys

    start = ("import sys; from pathlib import Path; from market.db import embedded_database; "
             "print(embedded_database(Path(sys.argv[1]))['NAME'])")
    data_dir = tmp_path / "pgdata"
    first = subprocess.run([sys.executable, "-c", start, str(data_dir)], capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[2])
    assert first.returncode == 0, first.stderr
    (data_dir / ".handle_pids.json").write_text(left_behind)

    again = subprocess.run([sys.executable, "-c", start, str(data_dir)], capture_output=True, text=True, timeout=120,
                           cwd=Path(__file__).resolve().parents[2])

    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "kampung"
    assert "JSONDecodeError" not in again.stderr
