"""Test-only hook, loaded into a test worker with ``--include tests.reliability.hooks``.

It lets a test SIGKILL a worker in the middle of a task: after the task's writes reached the
database but before they were committed.  While the file named by ``HB_HOLD_FILE`` exists, the
first transaction of the task named by ``HB_HOLD_TASK`` waits inside ``before_commit`` (its rows
written and locked, nothing committed yet, and for an email task the message already handed to
the mail transport) and records ``<pid> <task id>`` in ``HB_HELD_FILE``.  Later transactions, and
every transaction once the held marker exists, run normally.  Nothing of this is in shop code.
"""
from __future__ import annotations

import os
import time

from celery import current_task
from sqlalchemy import event
from sqlalchemy.orm import Session


@event.listens_for(Session, "before_commit")
def _hold_before_commit(session: Session) -> None:
    name, hold, held = (os.environ.get(k) for k in ("HB_HOLD_TASK", "HB_HOLD_FILE", "HB_HELD_FILE"))
    if not (name and hold and held):
        return
    task = current_task
    if task is None or task.name != name or not os.path.exists(hold) or os.path.exists(held):
        return
    with open(held, "w") as fh:
        fh.write(f"{os.getpid()} {task.request.id}\n")
    while os.path.exists(hold):
        time.sleep(0.05)
