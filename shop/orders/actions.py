"""Order use cases that span orders and payments (which imports shop.orders, hence a module apart).

``cancel_before_shipping`` is the shopper's cancel button (and ``flask orders cancel``): an unpaid
order is cancelled at once and its reserved stock returned; a paid order that nothing has shipped
from yet is refunded in full with every line returned to stock (the refund task then marks it
refunded).  ``request_refund`` is the operator's refund (``flask orders refund``).
"""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.errors import Conflict, DomainError
from shop.orders.models import OrderLine
from shop.orders.services import cancel_order, lock_order
from shop.orders.states import CANCELLABLE_FARM_STATUSES, OrderStatus
from shop.payments.models import Refund, RefundStatus
from shop.payments.services import create_refund, lock_paying_payment


class CancelOutcome(str, enum.Enum):
    CANCELLED = "cancelled"  # unpaid: cancelled now
    REFUND_REQUESTED = "refund_requested"  # paid: a full refund is on its way
    ALREADY = "already"  # a repeated click: cancelled or refund requested before


def cancel_before_shipping(session: Session, order_id: int, *, actor: str,
                           reason: str = "cancelled_by_shopper") -> CancelOutcome:
    """Cancel an order before anything shipped.

    Idempotent: a second call finds the order cancelled or its refund pending and returns
    ``ALREADY``.  Raises ``Conflict("order_shipped")`` once any farm shipped, and
    ``Conflict("order_not_cancellable")`` for an order that is refunded or completed.
    """
    # Rows are locked payment first, then order: the order every payment path takes, so a webhook
    # paying this order at the same moment waits for us (or we for it) instead of deadlocking.  If
    # it pays after we cancelled, it finds the order cancelled and refunds the money.
    try:
        payment = lock_paying_payment(session, order_id)
    except Conflict:
        payment = None
    order = lock_order(session, order_id)
    if order.status == OrderStatus.CANCELLED:
        return CancelOutcome.ALREADY
    if order.status == OrderStatus.PENDING_PAYMENT:
        cancel_order(session, order.id, actor=actor, reason=reason)
        return CancelOutcome.CANCELLED
    if order.status != OrderStatus.PAID:
        raise Conflict("order_not_cancellable", "This order can no longer be cancelled.")
    pending = session.scalar(sa.select(sa.func.count()).select_from(Refund)
                             .where(Refund.order_id == order.id, Refund.status == RefundStatus.PENDING,
                                    # a duplicate charge being given back is not this cancellation
                                    Refund.payment_id == (payment.id if payment else None)))
    if pending:
        return CancelOutcome.ALREADY
    if any(fo.status not in CANCELLABLE_FARM_STATUSES for fo in order.farm_orders):
        raise Conflict("order_shipped", "Part of this order has already shipped and cannot be cancelled.")
    lines = {line.id: line.quantity - line.refunded_quantity
             for line in session.scalars(sa.select(OrderLine).where(OrderLine.order_id == order.id))
             if line.quantity > line.refunded_quantity}
    if payment is None:
        raise Conflict("not_paid", "This order has no completed payment to refund.")
    create_refund(session, order.id, line_quantities=lines, actor=actor, reason=reason, payment=payment)
    return CancelOutcome.REFUND_REQUESTED


def request_refund(session: Session, order_id: int, *, amount_fen: int | None = None,
                   line_quantities: dict[int, int] | None = None, actor: str, reason: str) -> Refund:
    """Queue a refund on a paid order (the worker sends it to the gateway).

    Without ``amount_fen``: the value of the returned lines (``{line id: quantity}``) when lines are
    given, otherwise everything still refundable.  Returned lines go back to stock when the refund
    succeeds, if they have not shipped.  Raises DomainError (400) for a bad amount or line, and
    Conflict (409) for an order without a completed payment.
    """
    if amount_fen is None and line_quantities:
        lines = {line.id: line for line in session.scalars(
            sa.select(OrderLine).where(OrderLine.order_id == order_id, OrderLine.id.in_(list(line_quantities))))}
        if set(lines) != set(line_quantities) or not all(
                0 < qty <= lines[i].quantity - lines[i].refunded_quantity for i, qty in line_quantities.items()):
            raise DomainError("invalid_refund_line", "A refunded line or quantity is not part of this order.")
        amount_fen = sum(lines[i].unit_price_fen * qty for i, qty in line_quantities.items())
    return create_refund(session, order_id, amount_fen=amount_fen, line_quantities=line_quantities,
                         actor=actor, reason=reason)
