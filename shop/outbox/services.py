"""Record background tasks in the caller's transaction, and what became of them.

``enqueue_task`` is the only way domain code starts background work: it adds a row to
``task_outbox`` in the caller's session, so the task exists if and only if the transaction that
justifies it commits.  Publishing the rows to the broker is ``shop.outbox.relay``'s job.
"""
from __future__ import annotations

import json
import uuid

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.db import utcnow
from shop.outbox.models import OutboxMessage, OutboxStatus

#: ``session.info`` key listing the task ids enqueued in the session's current transaction.
PENDING_KEY = "shop.outbox.pending"


def enqueue_task(session: Session, task_name: str, **kwargs) -> OutboxMessage:
    """Run the Celery task ``task_name(**kwargs)`` once the session's transaction commits.

    ``kwargs`` must be JSON values, normally ids: the task re-loads what it needs and checks its
    state, because it may run more than once (``ValueError`` otherwise).  Nothing happens if the
    transaction rolls back.  After commit the task is published at once when the broker is up, and
    by the periodic relay otherwise; either way under the stable id ``message.task_id``.
    """
    try:
        json.dumps(kwargs, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"task arguments must be JSON values (ids), got {kwargs!r}") from exc
    message = OutboxMessage(task_id=str(uuid.uuid4()), task_name=task_name, kwargs=kwargs,
                            status=OutboxStatus.PENDING, publish_count=0)
    session.add(message)
    session.info.setdefault(PENDING_KEY, []).append(message.task_id)
    return message


def record_task_finished(session: Session, task_id: str, *, error: str | None = None) -> bool:
    """Mark the outbox row of ``task_id`` done (or failed with ``error``); False if there is none.

    Called by the worker after the task body returned (or gave up), so the relay stops re-sending
    it.  A row still ``pending`` counts too: it may have been published by a relay that crashed
    before recording it.
    """
    result = session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.task_id == task_id,
               OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENT]))
        .values(status=OutboxStatus.FAILED if error else OutboxStatus.DONE,
                finished_at=utcnow(), last_error=error[:500] if error else None)
        .execution_options(synchronize_session=False))
    return result.rowcount > 0


def record_task_retrying(session: Session, task_id: str, error: str) -> None:
    """A retry re-published the task: restart the re-delivery clock of its outbox row."""
    session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.task_id == task_id, OutboxMessage.status == OutboxStatus.SENT)
        .values(published_at=utcnow(), last_error=error[:500])
        .execution_options(synchronize_session=False))


def prune_finished(session: Session, older_than) -> int:
    """Delete done rows finished before ``older_than``; failed rows stay for an operator."""
    result = session.execute(
        sa.delete(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.DONE, OutboxMessage.finished_at < older_than)
        .execution_options(synchronize_session=False))
    return result.rowcount
