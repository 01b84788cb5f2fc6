"""The embedded test gateway's payment page: ``/pay/test/<checkout session id>``.

Only served while ``PAYMENT_GATEWAY`` is ``test`` and the app is not in production (404 otherwise):
its Pay button marks an order paid without money changing hands.  The page shows the order and two
CSRF-protected buttons.  Pressing one builds the event Stripe would send, signs it with the webhook
secret exactly as Stripe does, and hands the bytes to the webhook intake
(``shop.web.webhooks.accept_stripe_event``), so a test payment takes the same path as a real one:
verification, storage once, processing by a worker.  Then the shopper goes to the order page, as
Stripe would send them: with ``paid=1`` (the success URL) after paying, so the page waits for the
worker to confirm.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request

from shop import db
from shop.i18n import gettext as _
from shop.orders.links import order_link
from shop.payments import services as payments, signing, test_gateway
from shop.web.webhooks import accept_stripe_event

bp = Blueprint("payments", __name__)


@bp.before_request
def _only_for_the_test_gateway():
    config = current_app.config
    if config.get("PAYMENT_GATEWAY") != "test" or config.get("ENV") == "production":
        abort(404)


def _order_page(checkout: payments.SimulatedCheckout, **params):
    return redirect(order_link(checkout.order, **params), 303)


@bp.get("/pay/test/<session_id>")
def test_payment_page(session_id: str):
    checkout = payments.find_simulated_checkout(db.session(), session_id)
    return render_template("payments/test_payment.html", checkout=checkout, order=checkout.order,
                           payment=checkout.payment, order_url=order_link(checkout.order))


@bp.post("/pay/test/<session_id>")
def test_payment_outcome(session_id: str):
    outcome = request.form.get("outcome", "")
    if outcome not in test_gateway.OUTCOMES:
        abort(400)
    checkout = payments.find_simulated_checkout(db.session(), session_id)
    if not checkout.open:
        flash(_("This payment is already finished."), "info")
        return _order_page(checkout)
    payment, order = checkout.payment, checkout.order
    body = test_gateway.outcome_event(outcome, session_id=payment.checkout_session_id, order_id=order.id,
                                      order_number=order.number, payment_id=payment.id,
                                      amount_fen=payment.amount_fen, currency=payment.currency)
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    header = signing.signature_header(secret, body) if secret else None
    accept_stripe_event(body, header)
    if outcome == "pay":
        # Where Stripe sends the shopper after paying (the session's success_url).
        return _order_page(checkout, paid=1)
    flash(_("The payment was declined. You can try again from your order."), "error")
    return _order_page(checkout)
