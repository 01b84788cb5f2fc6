"""Sending the shopper to pay: open (or re-use) the order's checkout session at the gateway.

Three steps, because the gateway is a network call that must not run inside a database transaction
(on SQLite that would hold the write lock for its whole length):

1. one unit of work finds or creates the order's open payment row (``payment_for_checkout``, under
   the order's row lock, so two submits share one row) and builds the gateway request;
2. the gateway call, outside any transaction, with an idempotency key derived from the payment id,
   so a repeated call returns the same Stripe session;
3. a second unit of work attaches the session to the payment (the first one attached wins) and,
   for Stripe, holds the order's stock for as long as that session can be paid.

A payment that already has a session is re-used without calling the gateway.
"""
from __future__ import annotations

import datetime as dt
from typing import Callable, ContextManager

from sqlalchemy.orm import Session

from shop.checkout.services import hold_stock_until
from shop.errors import DomainError
from shop.orders.models import Order
from shop.payments.gateway import GatewayError, PaymentGateway
from shop.payments.models import Payment
from shop.payments.services import attach_checkout_session, checkout_request, payment_for_checkout


class PaymentUnavailable(DomainError):
    """The gateway could not open a payment; the order is kept and can be paid later."""

    status = 503

    def __init__(self):
        super().__init__("payment_unavailable",
                         "We could not reach the payment service. Your order is saved: please try to pay again "
                         "in a moment.")


def start_payment(session_factory: Callable[[], ContextManager[Session]], gateway: PaymentGateway, order_id: int, *,
                  success_url: str, cancel_url: str) -> Payment:
    """The order's open payment with its ``redirect_url`` (where to send the shopper).

    ``session_factory`` gives one unit of work (``shop.db.unit_of_work``).  Raises
    ``Conflict("order_not_payable")`` when the order no longer waits for payment, and
    ``PaymentUnavailable`` (503) when the gateway fails; in both cases the order is unchanged.
    """
    with session_factory() as session:
        payment = payment_for_checkout(session, order_id, gateway.name)
        if payment.redirect_url:
            return payment
        order = session.get(Order, order_id)
        request = checkout_request(order, payment, success_url=success_url, cancel_url=cancel_url)
    try:
        checkout = gateway.create_checkout_session(request)
    except GatewayError as exc:
        raise PaymentUnavailable() from exc
    with session_factory() as session:
        payment = attach_checkout_session(session, request.payment_id, checkout)
        if gateway.name == "stripe":
            # The session can be paid until it expires (30 minutes at least, beyond our TTL).
            hold_stock_until(session, order_id, dt.datetime.fromtimestamp(request.expires_at, dt.timezone.utc))
        return payment
