"""Order emails: each cause queues its email once, however often the task runs."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from shop import db
from shop.notifications.models import EmailMessage
from shop.orders import notifications
from shop.orders.actions import request_refund
from shop.outbox.models import OutboxMessage, OutboxStatus
from shop.payments.models import Payment, PaymentStatus
from shop.payments.services import execute_refund, payment_for_checkout
from shop.payments.test_gateway import TestGateway
from tests.orders.helpers import given_order, given_paid, given_products


def emails(app) -> list[EmailMessage]:
    with app.app_context():
        return list(db.session().scalars(sa.select(EmailMessage).order_by(EmailMessage.id)))


def run(app, function, *args):
    """One task body: ``function(session, *args)`` in its own unit of work."""
    with app.app_context(), db.unit_of_work() as s:
        return function(s, *args)


@pytest.fixture
def paid_order(app):
    """A paid order from two farms; only the first farm has a contact address."""
    products = given_products(app, contact_emails=("orders@changbai.example.cn", None))
    order = given_order(app, products)
    given_paid(app, order)
    return order


def test_paid_order_queues_the_confirmation_and_one_email_per_farm_with_an_address_once(app, paid_order):
    # When the task runs twice (a re-delivered message)
    run(app, notifications.queue_order_paid_emails, paid_order.id)
    run(app, notifications.queue_order_paid_emails, paid_order.id)

    # Then exactly two emails exist: the shopper's and the one farm's that has an address
    shopper, farm = emails(app)
    assert (shopper.to_address, farm.to_address) == ("buyer@example.com", "orders@changbai.example.cn")
    assert shopper.dedupe_key == f"order-confirmation:{paid_order.id}"
    # And each has exactly one send task, handed to the broker as soon as the transaction committed
    # (the savepoint each queued email uses must neither publish early nor forget the first email)
    with app.app_context():
        tasks = db.session().scalars(sa.select(OutboxMessage).where(
            OutboxMessage.task_name == "workers.email.send_email_message")).all()
    assert sorted(t.kwargs["email_id"] for t in tasks) == [shopper.id, farm.id]
    assert {t.status for t in tasks} == {OutboxStatus.SENT}


def test_confirmation_is_bilingual_and_carries_the_order_link_with_its_token(app, paid_order):
    run(app, notifications.queue_order_paid_emails, paid_order.id)
    shopper, farm = emails(app)

    assert paid_order.number in shopper.subject and "已付款" in shopper.subject and "is paid" in shopper.subject
    link = f"http://127.0.0.1:5000/orders/{paid_order.number}?token={paid_order.token}"
    assert link in shopper.body_text and link.replace("&", "&amp;") in (shopper.body_html or "")
    for text in ("安图野生松茸", "Antu wild matsutake", "¥296.00", "CN¥296.00", "金美玉", "光明街 88 号"):
        assert text in shopper.body_text
    # The farm sees its own lines and the delivery address, not the other farm's goods
    assert "安图野生松茸" in farm.body_text and "普安红茶" not in farm.body_text
    assert "13800138000" in farm.body_text and paid_order.token not in farm.body_text


def test_order_link_follows_public_url(app, paid_order, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://shop.example.cn/")
    run(app, notifications.queue_order_paid_emails, paid_order.id)
    assert f"https://shop.example.cn/orders/{paid_order.number}?token=" in emails(app)[0].body_text


def test_a_farm_with_a_broken_address_does_not_stop_the_confirmation(app):
    products = given_products(app, contact_emails=("not an address", "tea@puan.example.cn"))
    order = given_order(app, products)
    given_paid(app, order)

    run(app, notifications.queue_order_paid_emails, order.id)

    assert [e.to_address for e in emails(app)] == ["buyer@example.com", "tea@puan.example.cn"]


def test_an_unpaid_order_gets_no_confirmation(app):
    order = given_order(app, given_products(app))
    assert run(app, notifications.queue_order_paid_emails, order.id) == []
    assert run(app, notifications.queue_order_paid_emails, 999999) == []
    assert emails(app) == []


def test_payment_failed_email_once_per_failed_payment(app):
    # Given an order whose payment was declined
    order = given_order(app, given_products(app))
    with app.app_context(), db.unit_of_work() as s:
        payment_for_checkout(s, order.id, "test").status = PaymentStatus.FAILED

    # When the task runs twice
    run(app, notifications.queue_payment_failed_email, order.id)
    run(app, notifications.queue_payment_failed_email, order.id)

    # Then one email, with the link to pay again
    [email] = emails(app)
    assert email.to_address == "buyer@example.com" and "付款未成功" in email.subject
    assert f"/orders/{order.number}?token={order.token}" in email.body_text

    # And a second declined attempt gets its own email
    with app.app_context(), db.unit_of_work() as s:
        payment_for_checkout(s, order.id, "test").status = PaymentStatus.FAILED
    run(app, notifications.queue_payment_failed_email, order.id)
    assert len(emails(app)) == 2


def test_no_payment_failed_email_once_the_order_is_paid(app):
    order = given_order(app, given_products(app))
    with app.app_context(), db.unit_of_work() as s:
        payment_for_checkout(s, order.id, "test").status = PaymentStatus.FAILED
    given_paid(app, order)

    assert run(app, notifications.queue_payment_failed_email, order.id) is None
    assert emails(app) == []


def test_refund_email_once_and_only_after_the_money_went_back(app, paid_order):
    refund_id = run(app, lambda s: request_refund(s, paid_order.id, amount_fen=1000, actor="operator:test",
                                                  reason="late").id)
    assert run(app, notifications.queue_refund_email, refund_id) is None  # still pending

    with app.app_context():
        execute_refund(db.unit_of_work, TestGateway(), refund_id)
    run(app, notifications.queue_refund_email, refund_id)
    run(app, notifications.queue_refund_email, refund_id)

    [email] = emails(app)
    assert email.dedupe_key == f"refund:{refund_id}"
    assert "¥10.00" in email.subject and "CN¥10.00" in email.subject
    assert "累计已退 ¥10.00" in email.body_text and "(订单金额 ¥296.00)".replace("(", "（").replace(")", "）") in email.body_text


def test_reconciler_finds_paid_orders_whose_confirmation_is_missing(app, paid_order):
    now = db.utcnow()
    window = {"paid_before": now + dt.timedelta(minutes=1), "paid_after": now - dt.timedelta(days=1)}

    assert run(app, lambda s: notifications.paid_orders_without_confirmation(s, **window)) == [paid_order.id]
    run(app, notifications.queue_order_paid_emails, paid_order.id)
    assert run(app, lambda s: notifications.paid_orders_without_confirmation(s, **window)) == []
    # Orders paid outside the window are not looked at
    old = {"paid_before": now - dt.timedelta(days=1), "paid_after": now - dt.timedelta(days=3)}
    assert run(app, lambda s: notifications.paid_orders_without_confirmation(s, **old)) == []


def test_templates_render_with_real_values_only(app, paid_order):
    """No template variable may be missing: an undefined one would print as an empty string."""
    run(app, notifications.queue_order_paid_emails, paid_order.id)
    for email in emails(app):
        assert not re.search(r"(?m)^\s*[×:：]\s*$", email.body_text)
        assert "None" not in email.body_text
