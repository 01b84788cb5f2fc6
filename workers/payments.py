"""Payment tasks: apply a stored gateway event, send a refund to the gateway.

Both are safe to run more than once and concurrently: the event row and the refund row are locked
and their state checked before anything is written, and the gateway call carries an idempotency key
derived from the refund's id.  ``workers.orders.reconcile`` calls the same functions for work that
got stuck.
"""
from __future__ import annotations

import logging

from flask import current_app

from shop import db
from shop.celery import TRANSIENT_ERRORS, idempotent_task
from shop.payments import services
from shop.payments.gateway import GatewayError, get_gateway

log = logging.getLogger(__name__)

#: After this many failed runs an event is marked ``failed`` for an operator instead of tried again.
MAX_EVENT_ATTEMPTS = 5


def apply_webhook_event(webhook_event_id: int) -> str:
    """Process one stored event in its own unit of work; returns what happened.

    A failure that is not transient is recorded on the event (attempts, error) in a second unit of
    work, so the reconciler knows how often it failed, and then raised.
    """
    try:
        with db.unit_of_work() as session:
            return services.process_webhook_event(session, webhook_event_id)
    except TRANSIENT_ERRORS:
        raise
    except Exception as exc:
        with db.unit_of_work() as session:
            services.record_webhook_failure(session, webhook_event_id, f"{type(exc).__name__}: {exc}",
                                            max_attempts=MAX_EVENT_ATTEMPTS)
        raise


def send_refund(refund_id: int) -> str:
    """Send one pending refund to the configured gateway and record the result."""
    return services.execute_refund(db.unit_of_work, get_gateway(current_app), refund_id)


@idempotent_task(soft_time_limit=30, time_limit=60, max_retries=5)
def process_webhook_event(webhook_event_id: int) -> str:
    """Apply stored webhook event ``webhook_event_id``; a second delivery finds it processed."""
    return apply_webhook_event(webhook_event_id)


# The gateway call is bounded by StripeGateway's HTTP timeout (20 s, a few network retries).
@idempotent_task(soft_time_limit=90, time_limit=120, max_retries=8, retry_for=(GatewayError,))
def execute_refund(refund_id: int) -> str:
    """Send refund ``refund_id`` to the gateway once and apply the result once.

    A retryable gateway failure (connection, rate limit, 5xx) is retried with backoff under the same
    idempotency key; a refusal marks the refund failed.  A refund no longer pending is left alone.
    """
    return send_refund(refund_id)
