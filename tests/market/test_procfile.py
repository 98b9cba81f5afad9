"""The Procfile's web process keeps answering while idle or slow clients hold connections open.

gunicorn's sync workers serve one connection at a time: three idle connections stalled a site
of three workers until gunicorn's timeout. The threaded workers wait for a connection's request
in a poller, so idle connections hold no worker.
"""
import os
import shlex
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests.market.test_entrypoints import clean_env, database_url
from tests.market.test_settings import PROD_ENV

ROOT = Path(__file__).resolve().parents[2]


def procfile_command(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"no {name} process in the Procfile")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str, timeout: float) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: kampung-industri.example.id\r\nConnection: close\r\n\r\n".encode())
        return s.recv(200).decode(errors="replace")


@pytest.mark.django_db(transaction=True)
def test_idle_connections_do_not_stall_the_web_process():
    port = free_port()
    venv_bin = str(Path(os.sys.executable).parent)
    env = clean_env(PROD_ENV, DATABASE_URL=database_url(), PORT=str(port), WEB_CONCURRENCY="2",
                    SECURE_SSL_REDIRECT="false", PATH=f"{venv_bin}:{os.environ['PATH']}")
    web = subprocess.Popen(["bash", "-c", f"exec {procfile_command('web')}"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)
    idle = []
    try:
        deadline = time.monotonic() + 60
        while True:  # until gunicorn answers
            assert web.poll() is None, web.stdout.read()
            try:
                get(port, "/healthz", timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start within 60 s"
                time.sleep(0.3)

        # given: more idle connections than the site has workers (a phone that opened and went quiet)
        for _ in range(6):
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))

        # when / then: someone else is still served at once
        started = time.monotonic()
        answer = get(port, "/healthz", timeout=5)
        assert answer.startswith("HTTP/1.1 "), answer
        assert time.monotonic() - started < 5
    finally:
        for connection in idle:
            connection.close()
        os.killpg(web.pid, signal.SIGTERM)
        web.wait(timeout=30)


def test_the_web_process_uses_threaded_workers():
    args = shlex.split(procfile_command("web"))

    assert args[:2] == ["gunicorn", "market.wsgi"]
    assert args[args.index("--worker-class") + 1] == "gthread"
