"""Order pages: who may see an order, what the page shows, pay now, cancel, the customer's order list."""
from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_datetime

from shop import db
from shop.money import format_fen
from shop.orders.models import FarmOrder, Order, OrderEvent
from shop.orders.states import FarmOrderStatus, OrderStatus
from shop.payments.models import Payment, Refund, RefundStatus, WebhookEvent
from shop.payments.services import execute_refund, process_webhook_event
from shop.payments.test_gateway import TestGateway
from tests.accounts.factories import CustomerFactory
from tests.orders.helpers import count, given_order, given_paid, given_products, load_order, payments_of, stock_of


@pytest.fixture
def products(app) -> list[int]:
    return given_products(app)


def customer(app, email: str = "meiyu@example.com") -> int:
    with app.app_context():
        c = CustomerFactory(email=email)
        db.session().commit()
        return c.id


def sign_in(app, client, customer_id: int) -> None:
    with app.app_context():
        from shop.accounts.models import Customer

        nonce = db.session().get(Customer, customer_id).auth_nonce
    with client.session_transaction() as sess:
        sess["customer_id"], sess["auth_nonce"] = customer_id, nonce


# --- who may see it -----------------------------------------------------------------------------

def test_a_guest_sees_the_order_with_its_token(app, client, products):
    order = given_order(app, products)

    resp = client.get(f"/orders/{order.number}?token={order.token}")

    assert resp.status_code == 200 and order.number in resp.text
    # The token is in the URL: the page is not cached and not sent on as a Referer
    assert resp.headers["Cache-Control"] == "private, no-store"
    assert resp.headers["Referrer-Policy"] == "same-origin"


def test_the_customer_who_placed_it_sees_it_without_a_token(app, client, products):
    owner = customer(app)
    order = given_order(app, products, customer_id=owner)
    sign_in(app, client, owner)

    assert client.get(f"/orders/{order.number}").status_code == 200


@pytest.mark.parametrize("query", ["", "?token=", "?token=wrong", "?token=" + "x" * 43, "?token=" + "x" * 5000])
def test_without_the_right_token_the_order_does_not_exist(app, client, products, query):
    order = given_order(app, products)

    resp = client.get(f"/orders/{order.number}{query}")
    unknown = client.get(f"/orders/HB000000000000{query}")

    # Then the answer is the same 404 as for a number that does not exist (the number only appears
    # in the page's own links, e.g. the language switch)
    assert resp.status_code == unknown.status_code == 404
    assert resp.text.replace(order.number, "N") == unknown.text.replace("HB000000000000", "N")
    assert "金美玉" not in resp.text and "order-farm" not in resp.text


@pytest.mark.parametrize("path", ["/orders/HB%00", "/orders/%E4%B8%AD", "/orders/" + "9" * 200])
def test_malformed_numbers_are_404(client, path):
    assert client.get(path + "?token=x").status_code == 404


def test_another_customer_cannot_see_the_order(app, client, products):
    order = given_order(app, products, customer_id=customer(app))
    sign_in(app, client, customer(app, "other@example.com"))

    assert client.get(f"/orders/{order.number}").status_code == 404


def test_another_orders_token_does_not_open_this_one(app, client, products):
    first, second = given_order(app, products), given_order(app, products)
    assert client.get(f"/orders/{first.number}?token={second.token}").status_code == 404


def test_pay_and_cancel_need_the_same_access(app, client, csrf, products):
    order = given_order(app, products)

    for action in ("pay", "cancel"):
        resp = client.post(f"/orders/{order.number}/{action}", data={"csrf_token": csrf, "token": "wrong"})
        assert resp.status_code == 404
    assert load_order(app, order.id).status == OrderStatus.PENDING_PAYMENT
    assert payments_of(app, order.id) == []


# --- what the page shows ----------------------------------------------------------------------------

def test_page_shows_status_farms_lines_totals_address_and_a_timeline_in_shanghai_time(app, client, english, products):
    # Given an order placed at 16:30 UTC (00:30 the next day in Shanghai)
    order = given_order(app, products)
    placed = dt.datetime(2024, 5, 1, 16, 30, tzinfo=dt.timezone.utc)
    with app.app_context():
        db.session().execute(sa.update(OrderEvent).where(OrderEvent.order_id == order.id).values(created_at=placed))
        db.session().commit()

    page = client.get(f"/orders/{order.number}?token={order.token}").text

    assert "Status: <strong>Waiting for payment</strong>" in page
    assert "Changbai Forest Co-op" in page and "Pu&#39;an Tea Garden" in page
    assert "Antu wild matsutake" in page and "Pu&#39;an black tea" in page
    for fen in (25600, 3000, 1000, 29600):
        assert format_fen(fen, "en") in page
    assert "金美玉" in page and "光明街 88 号 2 单元 301 室" in page and "13800138000" in page
    shanghai = format_datetime(placed.astimezone(ZoneInfo("Asia/Shanghai")), "short", locale="en_US")
    assert "00:30" in shanghai or "12:30" in shanghai
    assert re.search(re.escape(shanghai) + r"</time>\s*Order placed", page)
    assert "Pay now" in page and "Cancel order" in page


def test_page_is_in_chinese_by_default(app, client, products):
    order = given_order(app, products)
    page = client.get(f"/orders/{order.number}?token={order.token}").text
    assert "待付款" in page and "立即支付" in page and "安图野生松茸" in page and format_fen(29600, "zh") in page


# --- paying ----------------------------------------------------------------------------------------

def test_pay_now_reuses_the_open_payment(app, client, csrf, products):
    order = given_order(app, products)

    first = client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})
    again = client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})

    assert first.status_code == again.status_code == 303
    assert first.location == again.location and "/pay/test/" in first.location
    assert len(payments_of(app, order.id)) == 1


def test_after_paying_the_page_says_the_payment_is_being_confirmed_until_the_event_is_processed(
        app, client, csrf, english, products):
    # Given an order whose shopper pressed Pay on the test payment page
    order = given_order(app, products)
    pay = client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})
    back = client.post(pay.location, data={"csrf_token": csrf, "outcome": "pay"})
    assert back.status_code in (302, 303)

    # When the shopper lands on the order page before the worker processed the event
    waiting = client.get(back.location)

    # Then it says the payment is being confirmed, and refreshes itself
    assert "We are confirming your payment." in waiting.text
    assert re.search(r'<meta http-equiv="refresh" content="\d+;url=/orders/' + order.number, waiting.text)
    assert waiting.headers["Refresh"].startswith(("3;", "4;", "5;"))
    assert "Pay now" not in waiting.text and "Cancel order" not in waiting.text

    # When the event is processed
    with app.app_context(), db.unit_of_work() as s:
        event_id = s.scalar(sa.select(WebhookEvent.id))
        assert process_webhook_event(s, event_id) == "order paid"

    # Then the page shows the order paid, without refreshing
    paid = client.get(back.location)
    assert "Status: <strong>Paid</strong>" in paid.text
    assert "http-equiv" not in paid.text and "Refresh" not in paid.headers
    assert "Cancel and refund" in paid.text


def test_returning_from_the_gateway_counts_as_confirming(app, client, csrf, english, products):
    order = given_order(app, products)
    client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})

    page = client.get(f"/orders/{order.number}?token={order.token}&paid=1")

    assert "We are confirming your payment." in page.text
    assert "paid=1" in page.headers["Refresh"]


def test_a_declined_payment_can_be_tried_again_with_a_new_payment(app, client, csrf, english, products):
    order = given_order(app, products)
    pay = client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})
    back = client.post(pay.location, data={"csrf_token": csrf, "outcome": "decline"})
    with app.app_context(), db.unit_of_work() as s:
        process_webhook_event(s, s.scalar(sa.select(WebhookEvent.id)))

    page = client.get(back.location)
    retry = client.post(f"/orders/{order.number}/pay", data={"csrf_token": csrf, "token": order.token})

    assert "Your last payment did not go through" in page.text and "Pay now" in page.text
    assert retry.status_code == 303 and retry.location != pay.location
    assert len(payments_of(app, order.id)) == 2


# --- cancelling ------------------------------------------------------------------------------------

def test_cancelling_an_unpaid_order_returns_the_stock(app, client, csrf, english, products):
    order = given_order(app, products, quantities=[3, 2])
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (2, 3)

    resp = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf, "token": order.token})

    assert resp.status_code == 303 and resp.location == f"/orders/{order.number}?token={order.token}"
    page = client.get(resp.location).text
    assert "Your order was cancelled." in page and "Status: <strong>Cancelled</strong>" in page
    assert "Cancel order" not in page and "Pay now" not in page
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)
    # And a second click changes nothing
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf, "token": order.token})
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)


def test_cancelling_a_paid_order_refunds_it_in_full_and_returns_the_stock(app, client, csrf, english, products):
    # Given a paid order
    owner = customer(app)
    order = given_order(app, products, customer_id=owner)
    given_paid(app, order)
    sign_in(app, client, owner)

    # When its customer cancels it before anything shipped
    resp = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf})

    # Then a full refund is queued, returning every line
    assert resp.status_code == 303
    assert "The full amount is being refunded" in client.get(resp.location).text
    with app.app_context():
        refund = db.session().scalars(sa.select(Refund)).one()
        assert (refund.amount_fen, refund.status) == (order.total_fen, RefundStatus.PENDING)
    # And a second click queues no second refund
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf})
    assert count(app, Refund) == 1

    # When the refund task runs
    with app.app_context():
        assert execute_refund(db.unit_of_work, TestGateway(), refund.id) == "refunded"

    # Then the order is refunded and the stock is back
    done = load_order(app, order.id)
    assert (done.status, done.refunded_fen) == (OrderStatus.REFUNDED, order.total_fen)
    assert {fo.status for fo in done.farm_orders} == {FarmOrderStatus.REFUNDED}
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (5, 5)
    page = client.get(f"/orders/{order.number}").text
    assert "Status: <strong>Refunded</strong>" in page and "Cancel" not in page


def test_a_shipped_order_cannot_be_cancelled(app, client, csrf, english, products):
    order = given_order(app, products)
    given_paid(app, order)
    with app.app_context():
        db.session().execute(sa.update(FarmOrder).where(FarmOrder.order_id == order.id)
                             .values(status=FarmOrderStatus.SHIPPED))
        db.session().commit()

    page = client.get(f"/orders/{order.number}?token={order.token}").text
    resp = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf, "token": order.token})

    assert "Cancel" not in page
    assert resp.status_code == 303
    assert "already shipped" in client.get(resp.location).text
    assert count(app, Refund) == 0


# --- the customer's orders -------------------------------------------------------------------------

def test_my_orders_needs_an_account(client):
    resp = client.get("/account/orders")
    assert resp.status_code == 302 and resp.location.startswith("/login?next=")


def test_my_orders_lists_only_mine_newest_first_ten_a_page(app, client, english):
    products = given_products(app, stock=20)
    owner = customer(app)
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    mine = [given_order(app, products[:1], quantities=[1], customer_id=owner, created_at=start + dt.timedelta(days=i))
            for i in range(12)]
    someone_elses = given_order(app, products[:1], quantities=[1], customer_id=customer(app, "x@example.com"))
    sign_in(app, client, owner)

    first = client.get("/account/orders").text
    second = client.get("/account/orders?page=2").text

    numbers = lambda text: re.findall(r'class="order-card-number" href="/orders/(\w+)"', text)  # noqa: E731
    assert numbers(first) == [o.number for o in reversed(mine)][:10]
    assert numbers(second) == [mine[1].number, mine[0].number]
    assert someone_elses.number not in first + second
    assert "Page 1 of 2" in first
    # Out-of-range and malformed pages are clamped, not errors
    assert numbers(client.get("/account/orders?page=99").text) == numbers(second)
    assert numbers(client.get("/account/orders?page=abc").text) == numbers(first)
    assert numbers(client.get("/account/orders?page=-3").text) == numbers(first)


def test_my_orders_when_there_are_none(app, client, english):
    sign_in(app, client, customer(app))
    page = client.get("/account/orders")
    assert page.status_code == 200 and "You have not placed an order yet." in page.text
    assert count(app, Order) == count(app, Payment) == 0
