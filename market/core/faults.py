"""Named points where a fault-injection test stops a real process, to kill it there.

The reliability tests (``tests/reliability/``) start a Celery worker (or a command) as its own
process with ``MARKET_FAULT_PAUSE_AT`` naming one point and ``MARKET_FAULT_DIR`` a folder. When the
process reaches that point it writes its process id to ``<folder>/<point>`` and waits; the test
then kills it with ``SIGKILL``, which is what a machine losing power at that line looks like: no
``finally``, no rollback by Python, no acknowledgement to the broker. The test starts a new worker
and checks that the work was done exactly once.

Production settings never pause (``FAULT_PAUSE_AT`` is empty there whatever the environment says).
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings


def fault_point(name: str) -> None:
    """Wait here to be killed when this process was started to stop at ``name``; return at once otherwise."""
    if not getattr(settings, "FAULT_PAUSE_AT", "") or settings.FAULT_PAUSE_AT != name:
        return
    folder = Path(settings.FAULT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(str(os.getpid()))
    while True:  # until the test kills this process
        time.sleep(1)
