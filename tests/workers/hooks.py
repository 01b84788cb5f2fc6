"""Test-only hooks, loaded into a test worker with ``--include tests.workers.hooks``.

While the file named by ``HB_TEST_PAUSE_FILE`` exists, the first ``send_email_message`` to start
records its process id in ``HB_TEST_STARTED_FILE`` and then waits, still unacknowledged, so a test
can kill the worker in the middle of the task.  Later attempts (after the marker exists) run normally.
"""
from __future__ import annotations

import os
import time

from celery.signals import task_prerun

PAUSED_TASK = "workers.email.send_email_message"


@task_prerun.connect
def _pause_first_send(sender=None, task_id=None, task=None, **_kwargs):
    pause, started = os.environ.get("HB_TEST_PAUSE_FILE"), os.environ.get("HB_TEST_STARTED_FILE")
    if not (pause and started) or task is None or task.name != PAUSED_TASK:
        return
    if not os.path.exists(pause) or os.path.exists(started):
        return
    with open(started, "w") as fh:
        fh.write(f"{os.getpid()} {task_id}\n")
    while os.path.exists(pause):
        time.sleep(0.05)


# Test-only tasks, to watch how outcomes reach the outbox.
from shop.celery import idempotent_task  # noqa: E402


@idempotent_task(soft_time_limit=5, time_limit=10, max_retries=0)
def refuse(thing_id: int) -> None:
    """Fails for good (a ValueError is not retried)."""
    raise ValueError(f"thing {thing_id} is broken")


@idempotent_task(soft_time_limit=5, time_limit=10, max_retries=3)
def flaky(marker: str) -> str:
    """Fails with a transient error the first time (``marker`` does not exist yet), then succeeds."""
    if not os.path.exists(marker):
        open(marker, "w").close()
        raise ConnectionError("first attempt: connection reset")
    return "ok"
