"""Backups of the database and the uploaded media, and their restore, checked row for row.

``backup_create`` writes three files into a folder: ``database.dump`` (``pg_dump`` custom format),
``media.tar.gz`` (the local ``MEDIA_ROOT``; media on S3 are kept by the bucket's own versioning and
replication) and ``manifest.json`` (when, which migrations, and the row count of every table).
``backup_restore`` loads them into an empty database and refuses to call it done unless every
table has the rows the manifest says. Run the backup while the site is quiet or accept that the
counts are taken just before the dump (docs/scaling.md#backups).
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection

from market.core.errors import ApplicationError

DUMP = "database.dump"
MEDIA = "media.tar.gz"
MANIFEST = "manifest.json"


class BackupFailed(ApplicationError):
    code = "backup_failed"


@dataclass(frozen=True)
class Database:
    """Connection parameters of one PostgreSQL database, for the command-line tools and psycopg."""

    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, config: dict) -> Database:
        return cls(name=config["NAME"], user=config.get("USER") or "", password=config.get("PASSWORD") or "",
                   host=str(config.get("HOST") or ""), port=str(config.get("PORT") or ""))

    @classmethod
    def from_url(cls, url: str) -> Database:
        from market.db import database_from_url

        return cls.from_settings(database_from_url(url))

    def tool_args(self) -> list[str]:
        args = [f"--dbname={self.name}"]
        args += [f"--username={self.user}"] if self.user else []
        args += [f"--host={self.host}"] if self.host else []
        args += [f"--port={self.port}"] if self.port else []
        return args

    def tool_env(self) -> dict[str, str]:
        return {**os.environ, **({"PGPASSWORD": self.password} if self.password else {})}

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(dbname=self.name, user=self.user or None, password=self.password or None,
                               host=self.host or None, port=self.port or None, autocommit=True)


def _major(version_text: str) -> int:
    match = re.search(r"(\d+)(?:\.\d+)?", version_text)
    return int(match.group(1)) if match else 0


def pg_tool(name: str, *, server_major: int) -> str:
    """Return a ``pg_dump``/``pg_restore`` at least as new as the server (on PATH, or pgserver's own)."""
    candidates = [shutil.which(name)]
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:  # pragma: no cover - pgserver is a runtime requirement
        pass
    for candidate in filter(None, candidates):
        if not Path(candidate).exists():
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True).stdout
        if _major(version.split(")")[-1]) >= server_major:
            return candidate
    raise BackupFailed(f"No {name} of PostgreSQL {server_major} or newer was found (install postgresql-client).")


def _server_major(db: Database) -> int:
    with db.connect() as conn:
        return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


def table_counts(db: Database) -> dict[str, int]:
    """Return the exact row count of every table in the public schema."""
    with db.connect() as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables}


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise BackupFailed(f"{Path(args[0]).name} failed: {result.stderr.strip()[-2000:]}")


def backup_create(*, directory: Path) -> dict:
    """Write the database, the local media and a manifest into ``directory``; return the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    db = Database.from_settings(connection.settings_dict)
    server_major = _server_major(db)
    counts = table_counts(db)
    _run([pg_tool("pg_dump", server_major=server_major), "--format=custom", "--no-owner", "--no-acl",
          f"--file={directory / DUMP}", *db.tool_args()], db.tool_env())
    media = isinstance(storages["default"], FileSystemStorage)
    if media:
        with tarfile.open(directory / MEDIA, "w:gz") as archive:
            root = Path(settings.MEDIA_ROOT)
            if root.exists():
                archive.add(root, arcname=".")
    with db.connect() as conn:
        migrations = [f"{app}.{name}" for app, name in conn.execute(
            "SELECT app, name FROM django_migrations ORDER BY app, name")]
    manifest = {"created_at": datetime.now(UTC).isoformat(), "postgres_major": server_major,
                "media": "local" if media else "storage (not in this backup)", "tables": counts,
                "migrations": migrations}
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def backup_restore(*, directory: Path, database_url: str, media_root: Path | None) -> dict:
    """Load a backup into the empty database at ``database_url`` and check every table's row count."""
    manifest = json.loads((directory / MANIFEST).read_text())
    target = Database.from_url(database_url)
    if table_counts(target):
        raise BackupFailed(f"The database {target.name} is not empty: restore into a new, empty database.")
    _run([pg_tool("pg_restore", server_major=_server_major(target)), "--no-owner", "--no-acl", "--exit-on-error",
          *target.tool_args(), str(directory / DUMP)], target.tool_env())
    restored = table_counts(target)
    if restored != manifest["tables"]:
        different = sorted(t for t in set(restored) | set(manifest["tables"])
                           if restored.get(t) != manifest["tables"].get(t))
        raise BackupFailed(f"The restored tables differ from the backup's manifest: {', '.join(different)}")
    if media_root is not None and (directory / MEDIA).exists():
        media_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(directory / MEDIA, "r:gz") as archive:
            archive.extractall(media_root, filter="data")  # no absolute paths, links out or devices
    return manifest
