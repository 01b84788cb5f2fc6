"""Order emails: the shopper's confirmation, each farm's new order, payment failed, refund.

Each function re-loads what it needs by id, checks that the cause really happened, renders the
bilingual template (``templates/email/orders/``) and stores the message with
``shop.notifications.services.queue_email`` under a dedupe key derived from the cause:

- ``order-confirmation:<order id>`` (shopper) and ``order-new:<order id>:farm:<farm id>`` (each farm
  with a ``contact_email``);
- ``payment-failed:<payment id>`` (one per declined attempt);
- ``refund:<refund id>``.

So a task delivered twice, or the reconciler catching up on a task that did run, queues nothing
more.  Called by ``workers.orders`` inside its unit of work; the send task is published after commit.
"""
from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.notifications.mail import render_email
from shop.notifications.models import EmailMessage
from shop.notifications.services import queue_email
from shop.orders.links import order_link
from shop.orders.models import FarmOrder, Order
from shop.orders.queries import load_order
from shop.orders.states import OrderStatus
from shop.payments.models import Payment, PaymentStatus, Refund, RefundStatus

log = logging.getLogger(__name__)


def confirmation_key(order_id: int) -> str:
    return f"order-confirmation:{order_id}"


def farm_new_order_key(order_id: int, farm_id: int) -> str:
    return f"order-new:{order_id}:farm:{farm_id}"


def queue_order_paid_emails(session: Session, order_id: int) -> list[EmailMessage]:
    """Queue the shopper's confirmation (with the order link) and a new-order email per farm.

    Only for an order that was paid (``paid_at`` set); returns the messages (existing ones when
    they were queued before).  A farm whose contact address is malformed is skipped and logged:
    it must not hold back the shopper's confirmation.
    """
    order = load_order(session, order_id=order_id, with_events=False)
    if order is None or order.paid_at is None:
        return []
    messages = [queue_email(session, order.email,
                            render_email("orders/confirmation", order=order, link=order_link(order)),
                            dedupe_key=confirmation_key(order.id))]
    for farm_order in order.farm_orders:
        address = (farm_order.farm.contact_email or "").strip()
        if not address:
            continue
        try:
            messages.append(queue_email(
                session, address, render_email("orders/farm_new_order", order=order, farm_order=farm_order),
                dedupe_key=farm_new_order_key(order.id, farm_order.farm_id)))
        except ValueError:
            log.warning("farm %s has an unusable contact email %r; new-order email for %s not sent",
                        farm_order.farm_id, address, order.number)
    return messages


def queue_payment_failed_email(session: Session, order_id: int) -> EmailMessage | None:
    """Tell the shopper the last payment attempt failed and how to try again.

    One email per failed payment; none when the order is no longer waiting for payment (paid through
    another attempt, or cancelled).
    """
    order = load_order(session, order_id=order_id, with_events=False)
    if order is None or order.status != OrderStatus.PENDING_PAYMENT:
        return None
    payment = session.scalars(sa.select(Payment).where(Payment.order_id == order.id)
                              .order_by(Payment.id.desc()).limit(1)).first()
    if payment is None or payment.status != PaymentStatus.FAILED:
        return None
    rendered = render_email("orders/payment_failed", order=order, link=order_link(order))
    return queue_email(session, order.email, rendered, dedupe_key=f"payment-failed:{payment.id}")


def queue_refund_email(session: Session, refund_id: int) -> EmailMessage | None:
    """Tell the shopper money went back (only once the refund succeeded)."""
    refund = session.get(Refund, refund_id)
    if refund is None or refund.status != RefundStatus.SUCCEEDED:
        return None
    order = load_order(session, order_id=refund.order_id, with_events=False)
    rendered = render_email("orders/refund", order=order, refund=refund, link=order_link(order),
                            full=order.refunded_fen >= order.total_fen)
    return queue_email(session, order.email, rendered, dedupe_key=f"refund:{refund.id}")


def paid_orders_without_confirmation(session: Session, *, paid_before: dt.datetime, paid_after: dt.datetime,
                                     limit: int = 200) -> list[int]:
    """Ids of orders paid between ``paid_after`` and ``paid_before`` whose confirmation was never
    queued (the reconciler queues it).  Oldest first."""
    candidates = list(session.scalars(
        sa.select(Order.id).where(Order.paid_at.is_not(None), Order.paid_at < paid_before,
                                  Order.paid_at >= paid_after)
        .order_by(Order.paid_at).limit(limit)))
    if not candidates:
        return []
    queued = set(session.scalars(sa.select(EmailMessage.dedupe_key)
                                 .where(EmailMessage.dedupe_key.in_([confirmation_key(i) for i in candidates]))))
    return [i for i in candidates if confirmation_key(i) not in queued]
