"""Account housekeeping tasks."""
from __future__ import annotations

from shop import db
from shop.accounts import services
from shop.celery import idempotent_task


@idempotent_task(soft_time_limit=60, time_limit=90, max_retries=0)
def purge_login_throttles() -> int:
    """Delete login-throttle counters whose window has ended; returns how many.  Not retried: beat runs it hourly."""
    with db.unit_of_work() as session:
        return services.purge_login_throttles(session)
