"""Order and farm-order state machines.  Every status change goes through ``transition``.

An order is paid as a whole; after payment each farm's part moves on its own:
accepted → shipped → delivered → completed.  Illegal moves raise ``IllegalTransition`` (a domain
error with a stable code) instead of silently writing a status.
"""
from __future__ import annotations

import enum

from shop.errors import DomainError


class OrderStatus(str, enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    PARTLY_REFUNDED = "partly_refunded"
    REFUNDED = "refunded"


class FarmOrderStatus(str, enum.Enum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"  # waiting for the farm to accept
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


O, F = OrderStatus, FarmOrderStatus

ORDER_TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    O.PENDING_PAYMENT: {O.PAID, O.CANCELLED},
    O.PAID: {O.COMPLETED, O.CANCELLED, O.PARTLY_REFUNDED, O.REFUNDED},
    O.PARTLY_REFUNDED: {O.PARTLY_REFUNDED, O.REFUNDED, O.COMPLETED},
    O.COMPLETED: {O.PARTLY_REFUNDED, O.REFUNDED},
    O.CANCELLED: {O.REFUNDED},  # a late payment for a cancelled order is refunded
    O.REFUNDED: set(),
}

FARM_ORDER_TRANSITIONS: dict[FarmOrderStatus, set[FarmOrderStatus]] = {
    F.PENDING_PAYMENT: {F.PAID, F.CANCELLED},
    F.PAID: {F.ACCEPTED, F.CANCELLED, F.REFUNDED},
    F.ACCEPTED: {F.SHIPPED, F.CANCELLED, F.REFUNDED},
    F.SHIPPED: {F.DELIVERED, F.REFUNDED},
    F.DELIVERED: {F.COMPLETED, F.REFUNDED},
    F.COMPLETED: {F.REFUNDED},
    F.CANCELLED: {F.REFUNDED},
    F.REFUNDED: set(),
}

# Before shipping a shopper may still cancel.
CANCELLABLE_FARM_STATUSES = {F.PENDING_PAYMENT, F.PAID, F.ACCEPTED}


class IllegalTransition(DomainError):
    status = 409

    def __init__(self, kind: str, current: enum.Enum, target: enum.Enum):
        super().__init__("illegal_transition",
                         "This %(kind)s cannot go from %(current)s to %(target)s.",
                         kind=kind, current=current.value, target=target.value)
        self.current, self.target = current, target


def check_order_transition(current: OrderStatus, target: OrderStatus) -> None:
    if target not in ORDER_TRANSITIONS[current]:
        raise IllegalTransition("order", current, target)


def check_farm_order_transition(current: FarmOrderStatus, target: FarmOrderStatus) -> None:
    if target not in FARM_ORDER_TRANSITIONS[current]:
        raise IllegalTransition("farm order", current, target)
