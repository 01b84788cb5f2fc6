"""Order use cases: state changes with their audit events, cancellation, payment, expiry.

Every function loads the order under a row lock (``FOR UPDATE`` on PostgreSQL; SQLite's
BEGIN IMMEDIATE already serialises writers), checks the current state, and only then writes, so a
re-delivered task or a duplicate webhook finds the work done and changes nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from shop.checkout.services import release_reservations
from shop.actors import SYSTEM, Actor
from shop.audit import EventKind
from shop.db import utcnow
from shop.errors import Conflict, NotFound
from shop.orders.models import FarmOrder, Order, OrderEvent
from shop.orders.states import (CANCELLABLE_FARM_STATUSES, FarmOrderStatus, OrderStatus,
                                check_farm_order_transition, check_order_transition)


def lock_order(session: Session, order_id: int) -> Order:
    """Load an order with its farm orders, holding its row lock until the unit of work ends."""
    order = session.scalars(
        sa.select(Order).where(Order.id == order_id).with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if order is None:
        raise NotFound("order_not_found", "Order not found")
    session.scalars(sa.select(FarmOrder).where(FarmOrder.order_id == order.id)
                    .execution_options(populate_existing=True)).all()
    return order


def record_event(session: Session, order: Order, kind: EventKind | str, *, actor: Actor | str = SYSTEM,
                 farm_order: FarmOrder | None = None, from_status: str = "", to_status: str = "", **data) -> None:
    """Append one event to the order's audit log.  ``kind`` must be an ``EventKind`` (or its value:
    anything else raises ValueError before a row is written); ``actor`` is stored as its ``ref``."""
    session.add(OrderEvent(order_id=order.id, farm_order_id=farm_order.id if farm_order else None,
                           kind=EventKind(kind).value, from_status=from_status, to_status=to_status,
                           actor=actor.ref if isinstance(actor, Actor) else str(actor)[:80], data=data))


def set_order_status(session: Session, order: Order, target: OrderStatus, *, kind: EventKind | str,
                     actor: Actor | str, **data) -> None:
    check_order_transition(order.status, target)
    before = order.status
    order.status = target
    record_event(session, order, kind, actor=actor, from_status=before.value, to_status=target.value, **data)


def set_farm_order_status(session: Session, farm_order: FarmOrder, target: FarmOrderStatus, *,
                          kind: EventKind | str, actor: Actor | str, **data) -> None:
    check_farm_order_transition(farm_order.status, target)
    before = farm_order.status
    farm_order.status = target
    record_event(session, farm_order.order, kind, actor=actor, farm_order=farm_order,
                 from_status=before.value, to_status=target.value, **data)


def mark_order_paid(session: Session, order_id: int, *, actor: Actor | str, payment_ref: str,
                    payment_id: int | None = None) -> bool:
    """Pending order → paid, reservations consumed, every farm order waiting for acceptance.

    ``payment_id`` (the payment that paid) is kept in the ``paid`` event, so a later refund of any
    other payment of this order is known not to concern the order's own money.

    Returns True if this call paid the order, False if it was already paid (nothing written).
    Raises Conflict ``order_not_payable`` when the order was cancelled meanwhile: the caller
    refunds the money.
    """
    order = lock_order(session, order_id)
    if order.status != OrderStatus.PENDING_PAYMENT:
        if order.status == OrderStatus.CANCELLED:
            raise Conflict("order_not_payable", "This order was cancelled before the payment arrived.")
        return False
    set_order_status(session, order, OrderStatus.PAID, kind=EventKind.PAID, actor=actor, payment=payment_ref,
                     payment_id=payment_id)
    order.paid_at = utcnow()
    order.reserved_until = None
    for fo in order.farm_orders:
        set_farm_order_status(session, fo, FarmOrderStatus.PAID, kind=EventKind.PAID, actor=actor)
    release_reservations(session, order, state="consumed")
    session.flush()
    return True


def cancel_order(session: Session, order_id: int, *, actor: Actor | str, reason: str) -> bool:
    """Cancel an unpaid order and put its reserved stock back.

    Only a pending (unpaid) order is cancelled here: anything else raises
    ``Conflict("order_not_pending")``, because cancelling it would keep the shopper's money; a paid
    order is cancelled through a refund (``shop.orders.actions.cancel_before_shipping``).  Returns
    False when the order was already cancelled.
    """
    order = lock_order(session, order_id)
    if order.status == OrderStatus.CANCELLED:
        return False
    if order.status != OrderStatus.PENDING_PAYMENT:
        raise Conflict("order_not_pending", "This order is no longer waiting for payment; a paid order is "
                                            "cancelled through a refund.")
    if any(fo.status not in CANCELLABLE_FARM_STATUSES for fo in order.farm_orders):
        raise Conflict("order_shipped", "Part of this order has already shipped and cannot be cancelled.")
    set_order_status(session, order, OrderStatus.CANCELLED, kind=EventKind.CANCELLED, actor=actor, reason=reason)
    order.cancelled_at = utcnow()
    for fo in order.farm_orders:
        set_farm_order_status(session, fo, FarmOrderStatus.CANCELLED, kind=EventKind.CANCELLED, actor=actor)
    release_reservations(session, order, state="released")
    session.flush()
    return True


def expire_order(session: Session, order_id: int) -> bool:
    """Cancel an unpaid order whose reservation ran out.  No-op (False) if paid or not yet due."""
    order = lock_order(session, order_id)
    if order.status != OrderStatus.PENDING_PAYMENT or order.reserved_until is None or order.reserved_until > utcnow():
        return False
    return cancel_order(session, order_id, actor=SYSTEM, reason="reservation_expired")
