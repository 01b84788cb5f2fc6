"""The payment gateway interface and the choice of implementation by ``SHOP_PAYMENT_GATEWAY``.

Two implementations share it: ``stripe`` (Stripe-hosted Checkout; shop/payments/stripe_gateway.py
is the only module that imports the ``stripe`` package) and ``test`` (the embedded default: a local
payment page that produces Stripe-shaped, Stripe-signed events).  Both deliver their outcome as
webhook events to ``POST /webhooks/stripe``, so everything after the redirect is one code path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask import Flask, current_app


class GatewayError(Exception):
    """The gateway refused or could not be reached; nothing was charged by this call.

    ``retryable`` is True for failures that may pass later (connection trouble, rate limits, the
    gateway's own 5xx); a refusal of the request itself (invalid parameters, nothing left to
    refund) is not, and sending the same request again will not help.
    """

    def __init__(self, message: str, *, retryable: bool = False):
        super().__init__(message)
        self.retryable = retryable


@dataclass(frozen=True)
class CheckoutLine:
    name: str
    unit_amount_fen: int
    quantity: int


@dataclass(frozen=True)
class CheckoutRequest:
    payment_id: int
    order_id: int
    order_number: str
    amount_fen: int
    currency: str
    email: str
    locale: str
    lines: list[CheckoutLine]
    success_url: str
    cancel_url: str
    expires_at: int  # unix time
    metadata: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str:
        # Derived from our ids: a retried create (timeout, double click) returns the same session.
        return f"hb-checkout-payment-{self.payment_id}"


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


@dataclass(frozen=True)
class RefundRequest:
    refund_id: int
    payment_intent_id: str
    amount_fen: int
    reason: str = "requested_by_customer"

    @property
    def idempotency_key(self) -> str:
        return f"hb-refund-{self.refund_id}"


@dataclass(frozen=True)
class RefundResult:
    id: str
    status: str  # "succeeded" | "pending" | "failed"


class PaymentGateway(Protocol):
    name: str

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession: ...

    def refund(self, request: RefundRequest) -> RefundResult: ...


def get_gateway(app: Flask | None = None) -> PaymentGateway:
    app = app or current_app
    gateway = app.extensions.get("shop_payment_gateway")
    if gateway is None:
        gateway = build_gateway(app)
        app.extensions["shop_payment_gateway"] = gateway
    return gateway


def build_gateway(app: Flask) -> PaymentGateway:
    name = app.config.get("PAYMENT_GATEWAY", "test")
    if name == "stripe":
        from shop.payments.stripe_gateway import StripeGateway

        return StripeGateway(secret_key=app.config["STRIPE_SECRET_KEY"], api_base=app.config.get("STRIPE_API_BASE"))
    if name == "test":
        from shop.payments.test_gateway import TestGateway

        return TestGateway()
    raise ValueError(f"unknown SHOP_PAYMENT_GATEWAY {name!r} (use 'stripe' or 'test')")
