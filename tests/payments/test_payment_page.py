"""The embedded test gateway's page /pay/test/<session id>: shows the order, and its Pay and Decline
buttons send Stripe-signed events through the webhook intake."""
import re

import pytest
import sqlalchemy as sa

from shop.orders.models import Order
from shop.orders.states import OrderStatus
from shop.outbox.models import OutboxMessage
from shop.payments import signing
from shop.payments.models import Payment, PaymentStatus, WebhookEvent
from tests.factories import ProductFactory
from tests.payments.conftest import count, fresh

PROCESS = "workers.payments.process_webhook_event"


@pytest.fixture
def purchase(session, buy):
    honey = ProductFactory(name_zh="椴树蜜", name_en="Linden honey", variants=[{"price_fen": 6800, "stock": 9}])
    session.commit()
    return buy((honey.variants[0], 2))


def page_of(purchase) -> str:
    return f"/pay/test/{purchase.payment.checkout_session_id}"


def test_the_page_shows_the_order_amount_lines_and_both_buttons(client, purchase):
    response = client.get(page_of(purchase))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert purchase.order.number in html
    assert "椴树蜜" in html and "¥136.00" in html  # 2 × ¥68, shipping free above ¥99
    assert html.count('name="csrf_token"') == 2
    assert 'value="pay"' in html and 'value="decline"' in html


def test_the_page_speaks_english_too(client, purchase):
    html = client.get(page_of(purchase) + "?lang=en").get_data(as_text=True)
    assert "Linden honey" in html and "Test payment" in html and "Decline" in html


@pytest.mark.parametrize("session_id", ["cs_test_hb_unknown", "x" * 300, "%00", "../orders"])
def test_an_unknown_session_is_404(client, purchase, session_id):
    assert client.get(f"/pay/test/{session_id}").status_code == 404


def test_the_page_does_not_exist_with_the_stripe_gateway_or_in_production(app, client, purchase, monkeypatch):
    monkeypatch.setitem(app.config, "PAYMENT_GATEWAY", "stripe")
    assert client.get(page_of(purchase)).status_code == 404
    monkeypatch.setitem(app.config, "PAYMENT_GATEWAY", "test")
    monkeypatch.setitem(app.config, "ENV", "production")
    assert client.get(page_of(purchase)).status_code == 404


def test_pay_sends_a_signed_event_through_the_webhook_intake(app, session, client, csrf, purchase, run_tasks,
                                                              monkeypatch):
    # Given the intake's signature check, watched
    checked = []
    real_verify = signing.verify_signature
    monkeypatch.setattr(signing, "verify_signature", lambda *a, **k: checked.append(a[2]) or real_verify(*a, **k))

    # When the shopper presses Pay
    response = client.post(page_of(purchase), data={"outcome": "pay", "csrf_token": csrf})

    # Then they go to the order page, as Stripe's success URL would take them
    assert response.status_code == 303
    assert re.search(rf"/orders/{purchase.order.number}\?token=[^&]+&paid=1$", response.location)
    # And a Stripe-signed checkout.session.completed went through the same verification and was stored
    assert len(checked) == 1 and checked[0].startswith("t=")
    event = session.scalars(sa.select(WebhookEvent)).one()
    assert event.type == "checkout.session.completed"
    assert event.payload["data"]["object"]["id"] == purchase.payment.checkout_session_id
    assert count(session, OutboxMessage, OutboxMessage.task_name == PROCESS) == 1
    # And once the worker processed it, the order is paid
    run_tasks(("workers.payments.process_webhook_event",))
    assert session.get(Order, purchase.order.id).status == OrderStatus.PAID


def test_decline_fails_the_payment_and_the_order_can_be_paid_later(session, client, csrf, purchase, run_tasks):
    response = client.post(page_of(purchase), data={"outcome": "decline", "csrf_token": csrf})
    assert response.status_code == 303 and "paid=1" not in response.location
    run_tasks(("workers.payments.process_webhook_event",))
    fresh(session)
    assert session.get(Payment, purchase.payment.id).status == PaymentStatus.FAILED
    assert session.get(Order, purchase.order.id).status == OrderStatus.PENDING_PAYMENT

    # And the finished payment's page offers no buttons; a replayed form sends nothing
    html = client.get(page_of(purchase)).get_data(as_text=True)
    assert 'value="pay"' not in html
    again = client.post(page_of(purchase), data={"outcome": "pay", "csrf_token": csrf})
    assert again.status_code == 303
    assert count(session, WebhookEvent) == 1


def test_posts_without_csrf_or_with_a_made_up_outcome_are_refused(session, client, csrf, purchase):
    assert client.post(page_of(purchase), data={"outcome": "pay"}).status_code == 400
    assert client.post(page_of(purchase), data={"outcome": "refund", "csrf_token": csrf}).status_code == 400
    assert client.post("/pay/test/cs_nope", data={"outcome": "pay", "csrf_token": csrf}).status_code == 404
    assert count(session, WebhookEvent) == 0


def test_without_a_webhook_secret_pay_fails_closed(app, session, client, csrf, purchase, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)
    assert client.post(page_of(purchase), data={"outcome": "pay", "csrf_token": csrf}).status_code == 503
    assert count(session, WebhookEvent) == 0
