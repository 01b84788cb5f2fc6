"""Order read side: an order for whoever may see it, a customer's order history, payment progress.

Nothing here writes.  Who may see an order is decided in ``shop.orders.access`` (loaded through
``shop.access.load_for``), which finds orders with ``load_order``.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.db import utcnow
from shop.orders.models import FarmOrder, Order
from shop.orders.states import CANCELLABLE_FARM_STATUSES, OrderStatus
from shop.payments.models import Payment, PaymentStatus, Refund, RefundStatus, WebhookEvent, WebhookEventStatus

NUMBER_MAX_LENGTH = 32
_NUMBER = re.compile(r"[A-Za-z0-9_-]{1,%d}" % NUMBER_MAX_LENGTH)
#: How long after a payment was opened a return from the gateway (``?paid=1``) still means "the
#: confirmation is on its way"; later the page stops refreshing and says the payment is not confirmed.
CONFIRMATION_WINDOW = dt.timedelta(hours=1)


class PaymentProgress:
    """Where the payment of an order stands, as the order page shows it."""

    NONE = "none"  # no payment opened (or the last one expired)
    OPEN = "open"  # a checkout session is waiting for the shopper
    CONFIRMING = "confirming"  # the gateway reported back; the event is still being processed
    FAILED = "failed"  # the last attempt was declined
    DONE = "done"  # the order is past payment


@dataclass(frozen=True)
class OrderPage:
    order: Order
    payment: Payment | None  # the latest payment attempt
    progress: str  # a PaymentProgress value
    refund_pending: bool

    @property
    def can_pay(self) -> bool:
        return self.order.status == OrderStatus.PENDING_PAYMENT and self.progress != PaymentProgress.CONFIRMING

    @property
    def can_cancel(self) -> bool:
        """Before anything shipped: an unpaid order, or a paid one that will be refunded in full."""
        order = self.order
        if order.status not in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID) or self.refund_pending:
            return False
        if order.status == OrderStatus.PENDING_PAYMENT and self.progress == PaymentProgress.CONFIRMING:
            return False  # money may be arriving; cancelling now would only cause a refund
        return all(fo.status in CANCELLABLE_FARM_STATUSES for fo in order.farm_orders)


@dataclass(frozen=True)
class OrderList:
    items: list[Order]
    page: int
    pages: int
    total: int


def load_order(session: Session, *, order_id: int | None = None, number: object = None,
               with_events: bool = True) -> Order | None:
    """One order by id or by number, with its farm orders (farms and lines) and, unless told
    otherwise, its events; None when there is no such order.

    The one way the project loads an order to show or mail it.  A malformed number (order numbers
    are letters and digits; a NUL would make PostgreSQL raise) names no order and costs no query.
    """
    query = sa.select(Order)
    if order_id is not None:
        query = query.where(Order.id == order_id)
    elif isinstance(number, str) and _NUMBER.fullmatch(number):
        query = query.where(Order.number == number)
    else:
        return None
    options = [selectinload(Order.farm_orders).selectinload(FarmOrder.lines),
               selectinload(Order.farm_orders).joinedload(FarmOrder.farm)]
    if with_events:
        options.append(selectinload(Order.events))
    return session.scalars(query.options(*options)).one_or_none()


def latest_payment(session: Session, order_id: int) -> Payment | None:
    return session.scalars(sa.select(Payment).where(Payment.order_id == order_id)
                           .order_by(Payment.id.desc()).limit(1)).first()


def _event_waiting(session: Session, payment: Payment) -> bool:
    """A gateway event about this payment's checkout session is stored but not processed yet."""
    if not payment.checkout_session_id:
        return False
    session_id = WebhookEvent.payload[("data", "object", "id")].as_string()
    return session.scalar(
        sa.select(sa.func.count()).select_from(WebhookEvent)
        .where(WebhookEvent.status == WebhookEventStatus.RECEIVED, session_id == payment.checkout_session_id)) > 0


def order_page(session: Session, order: Order, *, returned_from_payment: bool = False,
               now: dt.datetime | None = None) -> OrderPage:
    """What the order page needs besides the order: the payment's progress and pending refunds.

    ``returned_from_payment`` is True when the shopper came back through the gateway's success
    address: until the event arrives the payment counts as being confirmed (for an hour at most).
    """
    now = now or utcnow()
    payment = latest_payment(session, order.id)
    refund_pending = session.scalar(
        sa.select(sa.func.count()).select_from(Refund)
        .where(Refund.order_id == order.id, Refund.status == RefundStatus.PENDING)) > 0
    if order.status != OrderStatus.PENDING_PAYMENT:
        progress = PaymentProgress.DONE
    elif payment is None or payment.status == PaymentStatus.EXPIRED:
        progress = PaymentProgress.NONE
    elif payment.status == PaymentStatus.PROCESSING or _event_waiting(session, payment):
        progress = PaymentProgress.CONFIRMING
    elif payment.status == PaymentStatus.FAILED:
        progress = PaymentProgress.FAILED
    elif payment.status == PaymentStatus.SUCCEEDED:
        progress = PaymentProgress.CONFIRMING  # paid, the order is being updated
    elif returned_from_payment and payment.created_at and now - payment.created_at < CONFIRMATION_WINDOW:
        progress = PaymentProgress.CONFIRMING
    else:
        progress = PaymentProgress.OPEN
    return OrderPage(order=order, payment=payment, progress=progress, refund_pending=refund_pending)


def customer_orders(session: Session, customer_id: int, *, page: int = 1, per_page: int = 10) -> OrderList:
    """The customer's orders, newest first, one page of them (``page`` is clamped to what exists)."""
    total = session.scalar(sa.select(sa.func.count()).select_from(Order).where(Order.customer_id == customer_id))
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, page), pages)
    items = list(session.scalars(
        sa.select(Order).where(Order.customer_id == customer_id)
        .options(selectinload(Order.farm_orders).joinedload(FarmOrder.farm))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    return OrderList(items=items, page=page, pages=pages, total=total)
