"""The embedded test gateway: Stripe-shaped sessions and events without leaving this machine.

``create_checkout_session`` returns an unguessable session id and the URL of the local test payment
page (``/pay/test/<session id>``).  Its Pay and Decline buttons build the event Stripe would send
(``checkout.session.completed`` with ``payment_status: "paid"``, or
``checkout.session.async_payment_failed``), sign it with the webhook secret exactly as Stripe does,
and hand it to the same webhook intake as real Stripe events.
"""
from __future__ import annotations

import json
import re
import secrets
import time

from flask import url_for

from shop.payments.gateway import CheckoutRequest, CheckoutSession, RefundRequest, RefundResult


#: What the ids of this gateway's sessions look like (``token_urlsafe(24)`` is 32 characters).
SESSION_ID = re.compile(r"cs_test_hb_[A-Za-z0-9_-]{32}")


class TestGateway:
    __test__ = False  # not a pytest test class
    name = "test"

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession:
        session_id = "cs_test_hb_" + secrets.token_urlsafe(24)
        return CheckoutSession(id=session_id,
                               url=url_for("payments.test_payment_page", session_id=session_id, _external=True))

    def refund(self, request: RefundRequest) -> RefundResult:
        return RefundResult(id=f"re_test_hb_{request.refund_id}", status="succeeded")


def checkout_session_event(event_type: str, *, session_id: str, order_id: int, order_number: str,
                           payment_id: int, amount_fen: int, currency: str = "CNY",
                           payment_status: str = "paid", payment_intent_id: str | None = None,
                           event_id: str | None = None, created: int | None = None) -> bytes:
    """The JSON body of a Stripe ``checkout.session.*`` event, as bytes ready to sign."""
    created = int(time.time()) if created is None else created
    event = {
        "id": event_id or "evt_test_hb_" + secrets.token_hex(12),
        "object": "event",
        "api_version": "2024-06-20",
        "created": created,
        "livemode": False,
        "type": event_type,
        "data": {"object": {
            "id": session_id,
            "object": "checkout.session",
            "mode": "payment",
            "client_reference_id": order_number,
            "amount_total": amount_fen,
            "currency": currency.lower(),
            "payment_status": payment_status,
            "status": "complete" if event_type != "checkout.session.expired" else "expired",
            "payment_intent": payment_intent_id or f"pi_test_hb_{payment_id}",
            "metadata": {"order_id": str(order_id), "payment_id": str(payment_id)},
        }},
    }
    return json.dumps(event, separators=(",", ":")).encode()


#: The test payment page's two buttons and the event each one sends.
OUTCOMES = {
    "pay": ("checkout.session.completed", "paid"),
    "decline": ("checkout.session.async_payment_failed", "unpaid"),
}


def outcome_event(outcome: str, *, session_id: str, order_id: int, order_number: str, payment_id: int,
                  amount_fen: int, currency: str = "CNY") -> bytes:
    """The event Stripe would send when the shopper pays (``"pay"``) or the payment fails
    (``"decline"``); ``KeyError`` for any other outcome."""
    event_type, payment_status = OUTCOMES[outcome]
    return checkout_session_event(event_type, session_id=session_id, order_id=order_id, order_number=order_number,
                                  payment_id=payment_id, amount_fen=amount_fen, currency=currency,
                                  payment_status=payment_status)
