"""Order tasks: release expired reservations, queue order emails, reconcile stuck work.

Each task takes ids, re-loads and checks state in its own unit of work, so a second delivery (or a
beat run overlapping the previous one) changes nothing.  The email tasks only queue stored emails
(``shop.orders.notifications``, deduplicated by key); ``workers.email.send_email_message`` sends them.
"""
from __future__ import annotations

import datetime as dt
import logging

from celery.exceptions import SoftTimeLimitExceeded

from shop import db
from shop.celery import idempotent_task
from shop.checkout.services import expired_order_ids
from shop.orders import services as orders
from shop.payments import services as payments
from workers.payments import apply_webhook_event, send_refund

log = logging.getLogger(__name__)

#: Work older than this that has not happened is taken to be stuck (a lost message, a dead worker).
STUCK_AFTER = dt.timedelta(minutes=2)
#: Paid orders younger than this are checked for a missing confirmation email.
CONFIRMATION_LOOKBACK = dt.timedelta(days=3)


def _notifications():
    # Imported when a task runs: the order emails module renders templates of the web layer.
    from shop.orders import notifications

    return notifications


@idempotent_task(soft_time_limit=50, time_limit=58, max_retries=0)
def release_expired_reservations() -> int:
    """Cancel unpaid orders whose reservation ran out, returning their stock; returns how many.

    Each order in its own unit of work, so one failure does not hold back the others and the
    database lock is held briefly.  Not retried: beat runs it again within a minute.
    """
    session = db.session()
    order_ids = expired_order_ids(session)
    session.rollback()  # end the read transaction before the write units begin
    released = 0
    for order_id in order_ids:
        try:
            with db.unit_of_work() as uow:
                released += orders.expire_order(uow, order_id)
        except SoftTimeLimitExceeded:
            raise
        except Exception:
            log.exception("expiring order %s failed; the next run tries again", order_id)
    if released:
        log.info("released the reservations of %s expired orders", released)
    return released


@idempotent_task(soft_time_limit=30, time_limit=60, max_retries=5)
def notify_order_paid(order_id: int) -> None:
    """Queue the paid order's emails (shopper's confirmation, each farm's new order) once."""
    with db.unit_of_work() as session:
        _notifications().queue_order_paid_emails(session, order_id)


@idempotent_task(soft_time_limit=30, time_limit=60, max_retries=5)
def notify_payment_failed(order_id: int) -> None:
    """Queue the shopper's payment-failed email once."""
    with db.unit_of_work() as session:
        _notifications().queue_payment_failed_email(session, order_id)


@idempotent_task(soft_time_limit=30, time_limit=60, max_retries=5)
def notify_refunded(refund_id: int) -> None:
    """Queue the shopper's refund email once."""
    with db.unit_of_work() as session:
        _notifications().queue_refund_email(session, refund_id)


@idempotent_task(soft_time_limit=240, time_limit=280, max_retries=0)
def reconcile() -> dict[str, int]:
    """Re-drive work that should have happened by now; returns how much of each kind it re-drove.

    - webhook events still ``received`` two minutes after they arrived are processed;
    - refunds still ``pending`` after two minutes are sent to the gateway again (same idempotency
      key, so the gateway answers with the refund it already made, if it made one);
    - paid orders without their confirmation email get it queued.

    Every item is handled in its own unit of work through the same function as the regular task,
    so running alongside that task is harmless.  Not retried: beat runs it again.
    """
    now = db.utcnow()
    session = db.session()
    event_ids = payments.stuck_webhook_event_ids(session, now - STUCK_AFTER)
    refund_ids = payments.stuck_refund_ids(session, now - STUCK_AFTER, limit=20)
    order_ids = _notifications().paid_orders_without_confirmation(session, paid_before=now - STUCK_AFTER,
                                                                  paid_after=now - CONFIRMATION_LOOKBACK)
    session.rollback()
    done = {"events": 0, "refunds": 0, "emails": 0}
    for kind, ids, run in (("events", event_ids, apply_webhook_event), ("refunds", refund_ids, send_refund),
                           ("emails", order_ids, _queue_confirmation)):
        for item_id in ids:
            try:
                run(item_id)
                done[kind] += 1
            except SoftTimeLimitExceeded:
                raise
            except Exception:
                log.exception("reconcile: %s %s failed; the next run tries again", kind, item_id)
    if any(done.values()):
        log.warning("reconcile re-drove stuck work: %s", done)
    return done


def _queue_confirmation(order_id: int) -> None:
    with db.unit_of_work() as session:
        _notifications().queue_order_paid_emails(session, order_id)
