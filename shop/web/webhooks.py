"""Gateway webhooks: ``POST /webhooks/stripe``.

Stripe (and the embedded test gateway, through the same function) posts signed events here.  The
view verifies the signature over the raw body, stores the event once and answers at once; a
worker applies it (``workers.payments.process_webhook_event``).  Answers are JSON:

- 200 ``{"received": true}``: stored now, or stored by an earlier delivery of the same event;
- 400: unsigned, wrongly signed, stale (over ``WEBHOOK_TOLERANCE_SECONDS``), or not an event;
- 413: a body over ``MAX_CONTENT_LENGTH``;
- 503: no webhook secret configured, so nothing can be trusted (fail closed; Stripe retries).

Nothing is written for a refused request.  CSRF does not apply: the signature is the proof of origin.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from shop import db
from shop.payments import services as payments
from shop.web import csrf

bp = Blueprint("webhooks", __name__)
csrf.exempt(bp)


def accept_stripe_event(raw_body: bytes, signature_header: str | None) -> payments.Intake:
    """Verify a Stripe-signed event and store it once, queueing its processing after commit.

    The single intake for gateway events: the webhook view and the test gateway's payment page
    both call it, so both gateways go through the same verification.  Raises the domain errors of
    ``shop.payments.services.verify_webhook`` (503 without a secret, 400 for anything unverified).
    """
    config = current_app.config
    # Verified before the unit of work begins: a forged request never takes the write lock.
    event = payments.verify_webhook(raw_body, signature_header, secret=config.get("STRIPE_WEBHOOK_SECRET"),
                                    tolerance=config.get("WEBHOOK_TOLERANCE_SECONDS", 300))
    with db.unit_of_work() as session:
        return payments.record_webhook_event(session, event, gateway="stripe")


@bp.post("/webhooks/stripe")
def stripe_webhook():
    # The raw bytes, as signed: never re-serialised JSON.  Not cached, as nothing else reads them.
    raw_body = request.get_data(cache=False)
    accept_stripe_event(raw_body, request.headers.get("Stripe-Signature"))
    return jsonify({"received": True})
