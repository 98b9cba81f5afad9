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


def database_url_of_this_test() -> str:
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
               "CELERY_BROKER_URL": self.broker_url, "DATABASE_URL": database_url_of_this_test(),
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


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (Debian's ``/usr/lib/postgresql/<version>/bin``), if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    return found[-1].parent if found else None


class OwnPostgres:
    """A throwaway PostgreSQL cluster of this test on a port of its own, to stop and start at will.

    PostgreSQL refuses to run as root: as root, its programs run as the ``postgres`` user.
    """

    def __init__(self, bin_dir: Path):
        import tempfile

        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="ki-pg-"))
        self.data, self.log = self.root / "data", self.root / "server.log"
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/kampung"

    def _run(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120, **kwargs)

    def create(self) -> OwnPostgres:
        if os.geteuid() == 0:
            import shutil

            shutil.chown(self.root, "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "kampung")
        return self

    def copy_from(self, url: str) -> None:
        """Copy a database (schema and rows) into this cluster's ``kampung`` database."""
        dump = subprocess.run([str(self.bin / "pg_dump"), "--no-owner", "--no-privileges", url], check=True,
                              capture_output=True, timeout=120)
        subprocess.run([str(self.bin / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url], input=dump.stdout,
                       check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        """Stop at once: every session is ended, open transactions rolled back (``-m fast``)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        import shutil

        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


class App:
    """The web process as the Procfile runs it (gunicorn, threaded workers) on a port of its own."""

    def __init__(self, *, database_url: str, log: Path, env: dict[str, str] | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "DEBUG": "false",
                    "DATABASE_URL": database_url, "CELERY_TASK_ALWAYS_EAGER": "true", **(env or {})}
        self.env.pop("CELERY_BROKER_URL", None)
        self.env.pop("REDIS_URL", None)
        self.process: subprocess.Popen | None = None

    def start(self) -> App:
        import urllib.request

        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "market.wsgi", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "2", "--worker-class", "gthread", "--threads", "4", "--timeout", "30"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

        def up():
            assert self.process is not None and self.process.poll() is None, self.log.read_text()
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=2).close()
                return True
            except OSError:
                return False

        wait_for(up, timeout=60, message="the web process did not start", log=self.log)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def command_killed_at(point: str, code: str, *, fault_dir: Path) -> None:
    """Run ``code`` in ``manage.py shell`` as its own process on the test database, let it reach the fault
    point ``point`` and SIGKILL it there."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "market.settings.local", "DEBUG": "false",
           "DATABASE_URL": database_url_of_this_test(), "MARKET_FAULT_DIR": str(fault_dir),
           "MARKET_FAULT_PAUSE_AT": point}
    log = fault_dir / "command.log"
    with log.open("a") as out:
        process = subprocess.Popen([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    marker = fault_dir / point
    try:
        wait_for(lambda: marker.exists() and marker.read_text(), timeout=60, message=f"never reached {point}",
                 log=log)
        os.kill(int(marker.read_text()), signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
