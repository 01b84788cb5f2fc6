"""The Stripe gateway through the real ``stripe`` SDK, against local servers only.

- Checkout Sessions go to ``stripe_stub`` (localstripe has none): the parameters and the
  idempotency key the SDK sends are asserted as Stripe would receive them.
- Refunds go to localstripe (a separate process on 127.0.0.1, started here) for a PaymentIntent
  created and confirmed there; localstripe ignores ``Idempotency-Key``, so key reuse is checked
  against the stub, which replays like Stripe.
- localstripe's own signed webhooks are accepted by our endpoint.
"""
from __future__ import annotations

import datetime as dt
import importlib.util
import json
import socket
from pathlib import Path
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
import stripe

from shop import db
from shop.checkout.services import expired_order_ids
from shop.db import utcnow
from shop.orders.models import Order, StockReservation
from shop.payments import services as payments, signing
from shop.payments.gateway import GatewayError, RefundRequest
from shop.payments.models import Payment, Refund, RefundStatus, WebhookEvent, WebhookEventStatus
from shop.payments.stripe_gateway import StripeGateway
from shop.shipping.models import ShippingMode, ShippingRule
from tests.conftest import skip_or_fail
from tests.factories import ProductFactory
from tests.payments.conftest import fresh, session_event
from tests.payments.stripe_stub import StripeStub

API_KEY = "sk_test_harvestbridge"


# --- servers -------------------------------------------------------------------------------------

LOOPBACK_ONLY = Path(__file__).resolve().parents[1] / "support" / "loopback_only.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe(tmp_path_factory):
    """localstripe's server (GPL, so only ever run as its own process), on a free local port."""
    if importlib.util.find_spec("localstripe") is None:
        skip_or_fail("localstripe is not installed (pip install -e '.[dev]')")
    port = _free_port()
    folder = tmp_path_factory.mktemp("localstripe")
    log_path = folder / "localstripe.log"
    with open(log_path, "wb") as log:
        # localstripe binds every interface; the shim keeps it on loopback.
        process = subprocess.Popen([sys.executable, str(LOOPBACK_ONLY), "localstripe", "--port", str(port), "--from-scratch"],
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=folder)
    deadline = time.monotonic() + 20
    while True:
        if process.poll() is not None:
            pytest.fail(f"localstripe exited early:\n{log_path.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"localstripe did not listen on port {port}:\n{log_path.read_text()}")
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    process.terminate()  # aiohttp waits for idle keep-alive connections; it holds nothing we need
    try:
        process.wait(timeout=2)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def stripe_stub():
    stub = StripeStub().start()
    yield stub
    stub.stop()


def confirmed_payment_intent(api_base: str, amount_fen: int) -> str:
    """A card PaymentIntent created and confirmed in localstripe; returns its id."""
    client = stripe.StripeClient(API_KEY, base_addresses={"api": api_base})
    method = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2030, "cvc": "123"}})
    intent = client.v1.payment_intents.create({"amount": amount_fen, "currency": "cny",
                                               "payment_method": method.id, "confirm": True})
    assert intent.status == "succeeded"
    return intent.id


# --- Checkout Sessions (stub) --------------------------------------------------------------------

@pytest.fixture
def two_farm_cart(session):
    mushrooms = ProductFactory(variants=[{"price_fen": 12800, "stock": 5}])
    tea = ProductFactory(variants=[{"price_fen": 3000, "stock": 5, "weight_g": 250}])
    session.add(ShippingRule(farm_id=tea.farm_id, mode=ShippingMode.FLAT, flat_fee_fen=800, free_above_fen=None))
    session.commit()
    return (mushrooms.variants[0], 1), (tea.variants[0], 2)


def test_a_checkout_session_is_created_with_stripes_parameters_and_our_key(session, buy, stripe_stub, two_farm_cart):
    # Given the Stripe gateway pointed at a Stripe-shaped server
    gateway = StripeGateway(API_KEY, api_base=stripe_stub.url, max_network_retries=0)

    # When a shopper checks out a basket from two farms
    purchase = buy(*two_farm_cart, gateway=gateway)

    # Then one Checkout Session was requested, authenticated with our key
    [request] = stripe_stub.posts_to("/v1/checkout/sessions")
    assert request.authorization == f"Bearer {API_KEY}"
    p, order, payment = request.params, purchase.order, purchase.payment
    # And its parameters are Stripe's: payment mode, CNY, amounts in fen, card + Alipay + WeChat Pay
    assert p["mode"] == "payment"
    assert [p[f"payment_method_types[{i}]"] for i in range(3)] == ["card", "alipay", "wechat_pay"]
    assert p["payment_method_options[wechat_pay][client]"] == "web"
    items = [(p[f"line_items[{i}][price_data][currency]"], p[f"line_items[{i}][price_data][unit_amount]"],
              p[f"line_items[{i}][quantity]"]) for i in range(3)]
    assert items == [("cny", "12800", "1"), ("cny", "3000", "2"), ("cny", "800", "1")]  # the last: tea farm's shipping
    assert sum(int(a) * int(q) for _c, a, q in items) == order.total_fen == payment.amount_fen
    # And it points back at our order
    assert p["client_reference_id"] == order.number
    assert p["metadata[order_id]"] == str(order.id) and p["metadata[payment_id]"] == str(payment.id)
    assert p["payment_intent_data[transfer_group]"] == f"order-{order.number}"
    assert p["customer_email"] == "shopper@example.com"
    assert int(p["expires_at"]) >= int(time.time()) + 30 * 60  # Stripe's minimum session life
    # And the idempotency key is derived from our payment's id
    assert request.idempotency_key == f"hb-checkout-payment-{payment.id}"
    # And the payment now carries the session Stripe returned
    assert payment.checkout_session_id.startswith("cs_test_") and payment.redirect_url.startswith(stripe_stub.url)


def test_a_retried_create_sends_the_same_key_and_gets_the_same_session(session, buy, stripe_stub, two_farm_cart):
    # Given a server that fails the first attempt with a 500
    stripe_stub.fail_next = [500]
    gateway = StripeGateway(API_KEY, api_base=stripe_stub.url, max_network_retries=2)
    purchase = buy(*two_farm_cart, gateway=gateway)

    # Then the SDK retried with the same key, and got the session
    attempts = stripe_stub.posts_to("/v1/checkout/sessions")
    key = f"hb-checkout-payment-{purchase.payment.id}"
    assert [a.idempotency_key for a in attempts] == [key, key]
    first_session = purchase.payment.checkout_session_id

    # When our side asks again for the same payment (a double click, a retried request)
    with db.unit_of_work() as s:
        payment = payments.payment_for_checkout(s, purchase.order.id, "stripe")
        again = payments.checkout_request(purchase.order, payment, success_url="http://localhost/ok",
                                          cancel_url="http://localhost/cancel")
    created = gateway.create_checkout_session(again)

    # Then the same payment and key are used, and Stripe's replay returns the same session
    assert payment.id == purchase.payment.id
    assert stripe_stub.requests[-1].idempotency_key == key and stripe_stub.requests[-1].replayed
    assert created.id == first_session


def test_stripe_outages_are_retryable_and_refusals_are_not(stripe_stub):
    request = RefundRequest(refund_id=5, payment_intent_id="pi_123", amount_fen=100)
    stripe_stub.fail_next = [503, 503]
    with pytest.raises(GatewayError) as outage:
        StripeGateway(API_KEY, api_base=stripe_stub.url, max_network_retries=1).refund(request)
    assert outage.value.retryable

    unreachable = StripeGateway(API_KEY, api_base=f"http://127.0.0.1:{_free_port()}", max_network_retries=0, timeout=2)
    with pytest.raises(GatewayError) as down:
        unreachable.refund(request)
    assert down.value.retryable and "could not reach" in str(down.value)


# --- Refunds (localstripe, and the stub for idempotency) ------------------------------------------

def test_a_refund_goes_to_stripe_against_the_payment_intent(app, session, buy, deliver, run_tasks, localstripe):
    # Given an order paid through a PaymentIntent that exists (in localstripe)
    product = ProductFactory(variants=[{"price_fen": 12800, "stock": 5}])
    session.commit()
    purchase = buy((product.variants[0], 1))
    intent_id = confirmed_payment_intent(localstripe, purchase.payment.amount_fen)
    deliver(session_event(purchase, "checkout.session.completed", payment_intent_id=intent_id))
    run_tasks(("workers.payments.process_webhook_event",))

    # When an operator refunds ¥50 and the refund is sent through the Stripe gateway
    with db.unit_of_work() as s:
        refund_id = payments.create_refund(s, purchase.order.id, amount_fen=5000, actor="operator:test",
                                           reason="one box damaged").id
    gateway = StripeGateway(API_KEY, api_base=localstripe, max_network_retries=0)
    assert payments.execute_refund(db.unit_of_work, gateway, refund_id) == "refunded"

    # Then Stripe holds a ¥50 refund of that PaymentIntent, tagged with our refund id
    fresh(session)
    refund = session.get(Refund, refund_id)
    assert refund.status == RefundStatus.SUCCEEDED and refund.gateway_refund_id.startswith("re_")
    remote = stripe.StripeClient(API_KEY, base_addresses={"api": localstripe}).v1.refunds.retrieve(refund.gateway_refund_id)
    assert (remote.amount, remote.payment_intent, remote.status) == (5000, intent_id, "succeeded")
    assert remote.metadata["refund_id"] == str(refund_id) and remote.metadata["reason"] == "one box damaged"
    assert session.get(Payment, purchase.payment.id).refunded_fen == 5000


def test_a_refund_of_an_unknown_payment_intent_is_a_refusal(localstripe):
    gateway = StripeGateway(API_KEY, api_base=localstripe, max_network_retries=0)
    with pytest.raises(GatewayError) as refused:
        gateway.refund(RefundRequest(refund_id=9, payment_intent_id="pi_doesnotexist", amount_fen=100))
    assert not refused.value.retryable


def test_the_same_refund_sent_twice_is_one_refund_at_stripe(stripe_stub):
    # localstripe ignores Idempotency-Key, so this runs against the stub, which replays like Stripe
    gateway = StripeGateway(API_KEY, api_base=stripe_stub.url, max_network_retries=0)
    request = RefundRequest(refund_id=42, payment_intent_id="pi_abc", amount_fen=2500)
    first, second = gateway.refund(request), gateway.refund(request)
    assert first == second and first.status == "succeeded"
    sent = stripe_stub.posts_to("/v1/refunds")
    assert [r.idempotency_key for r in sent] == ["hb-refund-42", "hb-refund-42"]
    assert [r.replayed for r in sent] == [False, True]
    assert sent[0].params["amount"] == "2500" and sent[0].params["payment_intent"] == "pi_abc"


# --- Webhooks signed by localstripe ---------------------------------------------------------------

class _Receiver:
    """Records the webhook deliveries localstripe makes (raw body and signature header)."""

    def __init__(self):
        self.deliveries: list[tuple[bytes, str]] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.deliveries.append((body, self.headers.get("Stripe-Signature")))
                receiver.arrived.set()
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_events_signed_by_localstripe_are_accepted_by_our_endpoint(app, session, client, localstripe):
    # Given localstripe sending its events, signed with our webhook secret, to a local receiver
    secret = app.config["STRIPE_WEBHOOK_SECRET"]
    receiver = _Receiver()
    try:
        register = urllib.request.Request(
            f"{localstripe}/_config/webhooks/harvest-bridge", method="POST",
            data=json.dumps({"url": receiver.url, "secret": secret, "events": ["payment_intent.succeeded"]}).encode(),
            headers={"Content-Type": "application/json"})
        urllib.request.urlopen(register, timeout=5).close()

        # When a payment succeeds there
        confirmed_payment_intent(localstripe, 9900)
        assert receiver.arrived.wait(timeout=10), "localstripe sent no webhook"
    finally:
        receiver.close()

    # Then its signature verifies with ours, over the raw bytes it sent
    body, header = receiver.deliveries[0]
    assert signing.verify_signature(secret, body, header)
    # And our endpoint stores the event (a type we do not act on: ignored)
    response = client.post("/webhooks/stripe", data=body,
                           headers={"Stripe-Signature": header, "Content-Type": "application/json"})
    assert response.status_code == 200
    fresh(session)
    event = session.scalars(sa.select(WebhookEvent)).one()
    assert event.type == "payment_intent.succeeded" and event.status == WebhookEventStatus.IGNORED


def test_a_stripe_session_holds_the_stock_as_long_as_it_can_be_paid(session, buy, stripe_stub, two_farm_cart):
    # Given the Stripe gateway, whose sessions live at least 30 minutes, and a 15-minute reservation
    gateway = StripeGateway(API_KEY, api_base=stripe_stub.url, max_network_retries=0)

    # When a shopper checks out and is sent to a Checkout Session
    purchase = buy(*two_farm_cart, gateway=gateway)

    # Then the order and its reservations are held until the session expires, not 15 minutes
    [request] = stripe_stub.posts_to("/v1/checkout/sessions")
    session_expires = dt.datetime.fromtimestamp(int(request.params["expires_at"]), dt.timezone.utc)
    session.expire_all()
    order = session.get(Order, purchase.order.id)
    assert order.reserved_until == session_expires
    assert {r.expires_at for r in session.scalars(sa.select(StockReservation)
                                                  .where(StockReservation.order_id == order.id))} == {session_expires}
    # And the reservation expiry does not cancel it at minute 20
    assert order.id not in expired_order_ids(session, utcnow() + dt.timedelta(minutes=20))


def test_the_test_gateway_keeps_the_reservation_ttl(session, buy, two_farm_cart):
    before = utcnow()
    purchase = buy(*two_farm_cart, ttl=dt.timedelta(minutes=15))

    session.expire_all()
    order = session.get(Order, purchase.order.id)
    assert before + dt.timedelta(minutes=15) <= order.reserved_until <= utcnow() + dt.timedelta(minutes=15)
    assert {r.expires_at for r in session.scalars(sa.select(StockReservation))} == {order.reserved_until}
