"""Email tasks."""
from __future__ import annotations

from shop import db
from shop.celery import idempotent_task
from shop.notifications import services
from shop.notifications.mail import TransientMailError


@idempotent_task(soft_time_limit=30, time_limit=60, max_retries=8, retry_for=(TransientMailError,))
def send_email_message(email_id: int) -> str | None:
    """Send stored email ``email_id`` unless it was already sent (a second delivery is a no-op)."""
    with db.unit_of_work() as session:
        status = services.deliver_email(session, email_id)
    return status.value if status else None
