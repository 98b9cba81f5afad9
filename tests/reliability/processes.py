"""Real processes for the fault-injection tests: a Celery worker on Redis that sees the test
database, stopped at a named fault point (``market/core/faults.py``) and killed there with SIGKILL.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """Return the URL of the database this test runs on (pytest-django's), for another process."""
    db = connection.settings_dict
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else "")
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # the embedded server listens on a socket folder
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


class Worker:
    """``celery -A market worker`` (solo pool: the process that runs the task is the one killed)."""

    def __init__(self, *, broker_url: str, fault_dir: Path, env: dict[str, str] | None = None):
        self.broker_url, self.fault_dir, self.extra = broker_url, fault_dir, env or {}
        self.process: subprocess.Popen | None = None
        self.log = fault_dir / "worker.log"

    def start(self, *, pause_at: str = "") -> Worker:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "DEBUG": "false",
               "CELERY_BROKER_URL": self.broker_url, "DATABASE_URL": test_database_url(),
               # a task whose worker died goes back on the queue after 1 s (production: an hour)
               "CELERY_VISIBILITY_TIMEOUT": "1",
               "EMAIL_FILE_PATH": str(self.fault_dir / "mail"),
               "MARKET_FAULT_DIR": str(self.fault_dir), "MARKET_FAULT_PAUSE_AT": pause_at, **self.extra}
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "market", "worker", "--pool=solo", "--concurrency=1",
                 "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def paused_at(self, name: str, *, timeout: float = 60) -> int:
        """Wait until the worker reached the fault point ``name``; return the process id that waits there."""
        marker = self.fault_dir / name
        deadline = time.monotonic() + timeout
        while not (marker.exists() and marker.read_text()):
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            assert time.monotonic() < deadline, f"the worker never reached {name}:\n{self.log.read_text()}"
            time.sleep(0.05)
        return int(marker.read_text())

    def kill(self, pid: int) -> None:
        """SIGKILL: no cleanup, no acknowledgement, the database sees its connection drop."""
        os.kill(pid, signal.SIGKILL)
        assert self.process is not None
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def wait_for(condition, *, timeout: float = 60, message: str = "", log: Path | None = None):
    """Poll ``condition`` until it returns something true; return it."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{message}\n{log.read_text() if log else ''}")
        time.sleep(0.1)
