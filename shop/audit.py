"""The kinds of event in the append-only audit log.

Orders keep their history as ``OrderEvent`` rows (``shop.orders.services.record_event``): who
(``shop.actors.Actor.ref``), what (an ``EventKind``), when, and the state change it made.  Every
kind written anywhere is listed here, so the history pages, the API and reports know the full set,
and a misspelt kind fails when it is written instead of being stored.  The farms, inventory and
payouts domains add their kinds here as they start recording events.
"""
from __future__ import annotations

import enum


class EventKind(str, enum.Enum):
    # An order's life, as the shopper's order page shows it.
    PLACED = "placed"
    PAYMENT_STARTED = "payment_started"
    PAYMENT_FAILED = "payment_failed"
    PAID = "paid"
    CANCELLED = "cancelled"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    REFUND_FAILED = "refund_failed"
    #: A second charge of an already paid order went back; the order's own money is untouched.
    DUPLICATE_PAYMENT_REFUNDED = "duplicate_payment_refunded"
    # A farm's part after payment.
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
