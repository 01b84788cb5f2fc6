"""Outbox tasks: the relay that publishes committed tasks, and housekeeping."""
from __future__ import annotations

import datetime as dt

from flask import current_app

from shop import db
from shop.celery import idempotent_task, prune_broker_files
from shop.outbox import relay, services

#: Finished outbox rows and consumed broker files are kept this long for inspection.
KEEP_FINISHED = dt.timedelta(days=7)


@idempotent_task(soft_time_limit=20, time_limit=30, max_retries=0)
def relay_outbox() -> int:
    """Publish pending outbox rows and re-send stale ones; returns how many were published.

    Not retried: beat runs it again within ``OUTBOX_RELAY_INTERVAL`` seconds.
    """
    return len(relay.publish_outbox(current_app).published)


@idempotent_task(soft_time_limit=120, time_limit=180, max_retries=0)
def prune_outbox() -> int:
    """Delete outbox rows finished more than a week ago (and consumed filesystem-broker messages)."""
    cutoff = db.utcnow() - KEEP_FINISHED
    with db.unit_of_work() as session:
        deleted = services.prune_finished(session, cutoff)
    prune_broker_files(current_app, KEEP_FINISHED)
    return deleted
