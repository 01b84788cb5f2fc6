"""Publish committed outbox rows to the broker.

Two callers, one function (``publish_outbox``):

* right after a transaction that enqueued tasks commits (a SQLAlchemy ``after_commit`` listener on
  the app's sessionmaker), best effort, so a task starts within milliseconds;
* the periodic ``relay_outbox`` task, which publishes whatever is still pending (the broker was
  down at commit, the web process died in between) and re-sends tasks that were published long
  ago but never reported back (a worker killed with its message in memory).

The listener is used rather than an explicit call in ``db.unit_of_work()`` because it fires for
every commit of the app's sessions (views, tasks, CLI commands, tests) without any caller having to
remember it, and it runs only after the commit succeeded.  It cannot use the committing session, so
the relay always works in a session of its own.

Double publication is prevented by taking the rows under a lock while publishing: ``FOR UPDATE
SKIP LOCKED`` on PostgreSQL (a second relay skips rows the first one holds), ``BEGIN IMMEDIATE`` on
SQLite (relays take turns).  The broker connection is opened before the lock is taken, so a broker
outage costs no database lock time.  A crash after publishing and before the commit leaves the row
pending and it is sent again: delivery is at least once, under the same task id, and tasks are
idempotent.
"""
from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event

from shop.db import get_db, is_sqlite, utcnow
from shop.outbox.models import OutboxMessage, OutboxStatus
from shop.outbox.services import PENDING_KEY

log = logging.getLogger(__name__)

#: Message header that tells the worker to report the task's outcome to its outbox row.
OUTBOX_HEADER = "hb_outbox"
#: A task published this many times without finishing is marked failed instead of sent again.
MAX_PUBLICATIONS = 5


@dataclass
class RelayResult:
    published: list[str] = field(default_factory=list)  # task ids handed to the broker
    given_up: list[str] = field(default_factory=list)  # task ids marked failed after MAX_PUBLICATIONS
    broker_error: str | None = None  # why publishing stopped early, if it did


def _due(task_ids: list[str] | None, now: dt.datetime, redeliver_after: int):
    """The condition for rows to publish now."""
    if task_ids is not None:
        return sa.and_(OutboxMessage.task_id.in_(task_ids), OutboxMessage.status == OutboxStatus.PENDING)
    stale = now - dt.timedelta(seconds=redeliver_after)
    return sa.or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        sa.and_(OutboxMessage.status == OutboxStatus.SENT, OutboxMessage.published_at < stale))


def _anything_due(app: Flask) -> bool:
    session = get_db(app).sessionmaker()
    try:
        due = _due(None, utcnow(), app.config["OUTBOX_REDELIVER_AFTER"])
        return session.scalar(sa.select(sa.exists().where(due))) is True
    finally:
        session.close()


def publish_outbox(app: Flask, task_ids: list[str] | None = None, *, limit: int = 200) -> RelayResult:
    """Hand due outbox rows to the broker and mark them sent; returns what happened.

    With ``task_ids``, only those rows, if still pending (the after-commit path).  Without, up to
    ``limit`` pending rows and rows sent more than ``OUTBOX_REDELIVER_AFTER`` seconds ago that have
    not finished.  Never raises for a broker failure: the rows stay due and ``broker_error`` says why.
    """
    result = RelayResult()
    if task_ids is None and not _anything_due(app):
        return result  # the usual case for the periodic run: no broker connection, no write lock
    celery_app = app.extensions["celery"]
    # A pooled connection: opening one per commit cost ~20 ms (most of a webhook's intake time).
    with celery_app.pool.acquire(block=True) as connection:
        try:
            connection.ensure_connection(max_retries=0)
        except Exception as exc:  # kombu wraps every transport's connection errors differently
            result.broker_error = f"{type(exc).__name__}: {exc}"
            log.warning("outbox: broker unavailable, rows stay pending: %s", result.broker_error)
            connection.close()  # the pool hands out a fresh connection next time
            return result

        session = get_db(app).sessionmaker()
        try:
            if is_sqlite(session):
                session.connection(execution_options={"sqlite_immediate": True})
            now = utcnow()
            rows = session.scalars(
                sa.select(OutboxMessage).where(_due(task_ids, now, app.config["OUTBOX_REDELIVER_AFTER"]))
                .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)).all()
            for row in rows:
                if row.status == OutboxStatus.SENT and row.publish_count >= MAX_PUBLICATIONS:
                    row.status, row.finished_at = OutboxStatus.FAILED, now
                    row.last_error = f"not finished after {row.publish_count} publications"
                    result.given_up.append(row.task_id)
                    log.error("outbox: giving up on %s %s", row.task_name, row.task_id)
                    continue
                try:
                    celery_app.send_task(row.task_name, kwargs=row.kwargs, task_id=row.task_id,
                                         connection=connection, retry=False, add_to_parent=False,
                                         headers={OUTBOX_HEADER: row.id})
                except Exception as exc:
                    result.broker_error = f"{type(exc).__name__}: {exc}"
                    connection.close()  # possibly broken: do not hand it out of the pool again
                    row.last_error = result.broker_error[:500]
                    log.warning("outbox: publishing %s failed, will retry: %s", row.task_id, result.broker_error)
                    break
                row.status, row.published_at, row.last_error = OutboxStatus.SENT, now, None
                row.publish_count += 1
                result.published.append(row.task_id)
            session.commit()
        finally:
            session.close()
    return result


def init_app(app: Flask) -> None:
    """Publish the tasks a transaction enqueued as soon as it commits (unless turned off)."""
    sessionmaker = get_db(app).sessionmaker

    @event.listens_for(sessionmaker, "after_commit")
    def _publish_after_commit(session):
        if session.in_nested_transaction():
            # A SAVEPOINT was released (queue_email, webhook intake use them): the enclosing
            # transaction is still open, its rows are not committed and, on SQLite, it holds the
            # write lock the relay would wait for.  Publish when the outermost transaction commits.
            return
        task_ids = session.info.pop(PENDING_KEY, None)
        if not task_ids or not app.config.get("OUTBOX_PUBLISH_ON_COMMIT", True):
            return
        try:
            publish_outbox(app, task_ids)
        except Exception:  # the commit succeeded; the relay will publish these rows later
            log.exception("outbox: publishing after commit failed")

    @event.listens_for(sessionmaker, "after_rollback")
    def _forget_rolled_back(session):
        if session.in_nested_transaction():
            return  # only a SAVEPOINT rolled back: what the enclosing transaction enqueued still stands
        session.info.pop(PENDING_KEY, None)
