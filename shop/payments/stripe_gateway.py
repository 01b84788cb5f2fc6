"""Stripe, through the official SDK.  The only module in the project that imports ``stripe``."""
from __future__ import annotations

import stripe

from shop.payments.gateway import CheckoutRequest, CheckoutSession, GatewayError, RefundRequest, RefundResult

# Stripe-hosted Checkout offers these for CNY; WeChat Pay needs its client option on Checkout.
PAYMENT_METHOD_TYPES = ["card", "alipay", "wechat_pay"]


class StripeGateway:
    name = "stripe"

    def __init__(self, secret_key: str | None, api_base: str | None = None, max_network_retries: int = 2,
                 timeout: float = 20):
        if not secret_key:
            raise GatewayError("STRIPE_SECRET_KEY is not set")
        addresses = {"api": api_base} if api_base else None
        # The SDK's own timeout is 80 s per attempt; ours keeps a web request or a task bounded (the
        # SDK's retries reuse our idempotency key, so a retried create cannot charge twice).
        self.client = stripe.StripeClient(secret_key, base_addresses=addresses,
                                          max_network_retries=max_network_retries,
                                          http_client=stripe.new_default_http_client(timeout=timeout))

    def create_checkout_session(self, request: CheckoutRequest) -> CheckoutSession:
        params = {
            "mode": "payment",
            "client_reference_id": request.order_number,
            "customer_email": request.email,
            "locale": "zh" if request.locale == "zh" else "en",
            "payment_method_types": PAYMENT_METHOD_TYPES,
            "payment_method_options": {"wechat_pay": {"client": "web"}},
            "line_items": [
                {"quantity": line.quantity,
                 "price_data": {"currency": request.currency.lower(), "unit_amount": line.unit_amount_fen,
                                "product_data": {"name": line.name}}}
                for line in request.lines
            ],
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "expires_at": request.expires_at,
            "metadata": {"order_id": str(request.order_id), "payment_id": str(request.payment_id),
                         **request.metadata},
            "payment_intent_data": {
                "transfer_group": f"order-{request.order_number}",
                "metadata": {"order_id": str(request.order_id), "payment_id": str(request.payment_id)},
            },
        }
        try:
            session = self.client.v1.checkout.sessions.create(
                params, options={"idempotency_key": request.idempotency_key})
        except stripe.StripeError as exc:
            raise _gateway_error("the checkout session", exc) from exc
        return CheckoutSession(id=session.id, url=session.url)

    def refund(self, request: RefundRequest) -> RefundResult:
        try:
            # Our reason goes into metadata: Stripe's own ``reason`` is a fixed list meant for
            # fraud and dispute reporting, which our reasons (a late payment, a duplicate
            # payment, an operator's refund) do not map onto faithfully.
            refund = self.client.v1.refunds.create(
                {"payment_intent": request.payment_intent_id, "amount": request.amount_fen,
                 "metadata": {"refund_id": str(request.refund_id), "reason": request.reason}},
                options={"idempotency_key": request.idempotency_key})
        except stripe.StripeError as exc:
            raise _gateway_error("the refund", exc) from exc
        return RefundResult(id=refund.id, status=refund.status or "pending")


# Failures worth trying again with the same idempotency key: the request may not have arrived, or
# Stripe asked us to slow down or failed on its side.
_RETRYABLE = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError)


def _gateway_error(what: str, exc: stripe.StripeError) -> GatewayError:
    retryable = isinstance(exc, _RETRYABLE) or (exc.http_status or 0) >= 500
    verb = "could not reach Stripe for" if isinstance(exc, stripe.APIConnectionError) else "Stripe refused"
    return GatewayError(f"{verb} {what}: {exc.user_message or exc}", retryable=retryable)
