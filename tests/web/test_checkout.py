"""Checkout pages through the Flask test client (CSRF on), up to the test gateway's payment page.

Rows are set up and checked in their own app context, so each request sees only what was committed.
"""
from __future__ import annotations

import html
import re
import threading

import pytest
import sqlalchemy as sa

from shop import db
from shop.accounts.models import Customer
from shop.cart.models import Cart
from shop.catalog.models import Variant
from shop.money import format_fen
from shop.orders.models import FarmOrder, Order, OrderEvent, OrderLine, StockReservation
from shop.orders.states import OrderStatus
from shop.outbox.models import OutboxMessage
from shop.payments.models import Payment, PaymentStatus
from tests.accounts.factories import AddressFactory, CustomerFactory
from tests.orders.helpers import count, given_products, stock_of

ADDRESS = {"recipient": "张三", "mobile": "138 0013 8000", "province": "浙江省", "city": "宁波市",
           "district": "鄞州区", "street": "天童南路 588 号", "postcode": "315100"}
WRITTEN = (Order, FarmOrder, OrderLine, OrderEvent, StockReservation, Payment, OutboxMessage)


@pytest.fixture
def products(app) -> list[int]:
    return given_products(app)


def fill_cart(client, csrf, *lines) -> str:
    for variant_id, quantity in lines:
        assert client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity,
                                              "csrf_token": csrf}).status_code == 303
    return cart_token(client)


def cart_token(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("cart_token")


def submit(client, csrf, **fields):
    return client.post("/checkout", data={"csrf_token": csrf, "email": "Buyer@Example.com", **ADDRESS, **fields})


def written(app) -> dict[str, int]:
    return {model.__name__: count(app, model) for model in WRITTEN}


NOTHING_WRITTEN = {model.__name__: 0 for model in WRITTEN}


# --- the page --------------------------------------------------------------------------------------

def test_checkout_page_shows_each_farm_with_its_shipping_and_the_total(client, csrf, english, products):
    # Given matsutake (¥128, free shipping above ¥99) ×2 and black tea (¥30, ¥10 shipping) ×1
    fill_cart(client, csrf, (products[0], 2), (products[1], 1))

    # When the shopper opens the checkout
    page = client.get("/checkout")

    # Then both farms are listed with their own shipping, and the total includes it
    assert page.status_code == 200
    text = page.text
    assert "Changbai Forest Co-op" in text and "Pu&#39;an Tea Garden" in text
    assert re.search(r"Shipping</td>\s*<td></td>\s*<td class=\"order-amount\">Free</td>", text)
    assert format_fen(1000, "en") in text
    assert re.search(r'checkout-total">' + re.escape(format_fen(25600 + 3000 + 1000, "en")), text)
    # And the form asks for the email and a Chinese-format address
    for field in ("email", "recipient", "mobile", "province", "city", "district", "street", "postcode"):
        assert f'name="{field}"' in text


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client, english):
    resp = client.get("/checkout")
    assert resp.status_code == 303 and resp.location == "/cart"
    assert "Your cart is empty." in client.get("/cart").text


def test_cart_page_links_to_checkout(client, csrf, products):
    fill_cart(client, csrf, (products[0], 1))
    assert 'href="/checkout"' in client.get("/cart").text


# --- placing the order ------------------------------------------------------------------------------

def test_guest_checkout_places_one_order_per_cart_and_opens_the_test_payment(app, client, csrf, products):
    # Given a cart with goods from two farms
    token = fill_cart(client, csrf, (products[0], 2), (products[1], 1))

    # When the guest submits the form, with made-up prices and currency among the fields
    resp = submit(client, csrf, total="1", total_fen="1", price_fen="1", unit_price="0.01", currency="USD")

    # Then they are sent (303) to the test gateway's payment page
    assert resp.status_code == 303
    assert re.fullmatch(r"http://localhost/pay/test/cs_test_hb_[\w-]+", resp.location)
    # And one order exists, priced by the server, with a part per farm
    with app.app_context():
        s = db.session()
        order = s.scalars(sa.select(Order)).one()
        assert (order.status, order.currency, order.customer_id) == (OrderStatus.PENDING_PAYMENT, "CNY", None)
        assert (order.goods_fen, order.shipping_fen, order.total_fen) == (28600, 1000, 29600)
        assert order.email == "buyer@example.com" and order.mobile == "13800138000"
        assert (order.recipient, order.province, order.city, order.district, order.street, order.postcode) == (
            "张三", "浙江省", "宁波市", "鄞州区", "天童南路 588 号", "315100")
        assert sorted((fo.goods_fen, fo.shipping_fen) for fo in order.farm_orders) == [(3000, 1000), (25600, 0)]
        # And one payment whose checkout session is the page the shopper was sent to
        payment = s.scalars(sa.select(Payment)).one()
        assert payment.amount_fen == 29600 and payment.status == PaymentStatus.PENDING
        assert payment.redirect_url == resp.location and resp.location.endswith(payment.checkout_session_id)
        # And the cart still exists but the browser no longer uses it
        assert s.scalar(sa.select(Cart.id).where(Cart.token == token)) is not None
    assert cart_token(client) is None
    # And the stock is reserved
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (3, 4)
    # And the payment page shows the order
    pay_page = client.get(resp.location)
    assert pay_page.status_code == 200 and format_fen(29600, "zh") in pay_page.text


def test_a_double_submitted_form_makes_one_order_and_one_payment(app, client, csrf, products):
    # Given a filled cart
    token = fill_cart(client, csrf, (products[0], 1))

    # When the form is submitted twice with the same cookie (the second before the first answered)
    first = submit(client, csrf)
    with client.session_transaction() as sess:
        sess["cart_token"] = token
    second = submit(client, csrf)

    # Then both go to the same payment page, and there is one order, one payment, one reservation
    assert first.status_code == second.status_code == 303
    assert first.location == second.location
    assert count(app, Order) == 1 and count(app, Payment) == 1 and count(app, StockReservation) == 1
    assert stock_of(app, products[0]) == 4


def test_two_submits_at_the_same_moment_make_one_order(app, client, csrf, products):
    """The second request waits for the first one's cart lock (PostgreSQL) or write lock (SQLite)."""
    fill_cart(client, csrf, (products[0], 1), (products[1], 1))
    twin = app.test_client()
    twin.set_cookie("session", client.get_cookie("session").value)
    start = threading.Barrier(2)
    answers = {}

    def press(name, browser):
        start.wait()
        answers[name] = submit(browser, csrf)

    threads = [threading.Thread(target=press, args=(name, browser))
               for name, browser in (("first", client), ("second", twin))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers["first"].status_code == answers["second"].status_code == 303
    assert answers["first"].location == answers["second"].location
    assert count(app, Order) == count(app, Payment) == 1 and count(app, StockReservation) == 2
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (4, 4)


def test_sold_out_goes_back_to_the_cart_with_a_message_and_writes_nothing(app, client, csrf, english, products):
    # Given a cart with 3 matsutake, of which another buyer took all but one meanwhile
    fill_cart(client, csrf, (products[0], 3), (products[1], 1))
    with app.app_context():
        db.session().execute(sa.update(Variant).where(Variant.id == products[0]).values(stock=1))
        db.session().commit()

    # When the shopper checks out
    resp = submit(client, csrf)

    # Then they are back at the cart with a message naming the product
    assert resp.status_code == 303 and resp.location == "/cart"
    cart_page = client.get("/cart").text
    assert "Sorry, only 1 of Antu wild matsutake are left. Please change the quantity in your cart." in cart_page
    # And nothing was written, not even the tea's reservation, and the cart is kept
    assert written(app) == NOTHING_WRITTEN
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (1, 5)
    assert cart_token(client) is not None


def test_sold_out_message_in_chinese(app, client, csrf, products):
    fill_cart(client, csrf, (products[0], 2))
    with app.app_context():
        db.session().execute(sa.update(Variant).where(Variant.id == products[0]).values(stock=0))
        db.session().commit()

    assert submit(client, csrf).location == "/cart"
    assert "抱歉，安图野生松茸 刚刚售罄，请将其从购物车中删除。" in client.get("/cart").text


@pytest.mark.parametrize("fields, messages", [
    ({"email": "not-an-email"}, {"email": "Enter a valid email address, e.g. name@example.com."}),
    ({"email": ""}, {"email": "Enter your email address."}),
    ({"mobile": "12345"}, {"mobile": "Enter an 11-digit mainland China mobile number, e.g. 138 0013 8000."}),
    ({"mobile": "+1 415 555 0100"}, {"mobile": "Enter an 11-digit mainland China mobile number, e.g. 138 0013 8000."}),
    ({"postcode": "31510"}, {"postcode": "A postcode has 6 digits; leave it empty if you do not know it."}),
    ({"street": "x", "province": "", "recipient": "a\x00b"}, {
        "street": "Enter the street address (2 to 120 characters).",
        "province": "Enter the province (up to 40 characters).",
        "recipient": "This field contains characters that are not allowed."}),
    ({"city": "市" * 41}, {"city": "Enter the city (up to 40 characters)."}),
])
def test_bad_email_or_address_is_400_with_messages_by_the_fields_and_writes_nothing(
        app, client, csrf, english, products, fields, messages):
    fill_cart(client, csrf, (products[0], 1))

    resp = submit(client, csrf, **fields)

    assert resp.status_code == 400
    errors = dict(re.findall(r'id="f-(\w+)-error">([^<]*)<', resp.text))
    assert {field: html.unescape(msg) for field, msg in errors.items()} == messages
    assert written(app) == NOTHING_WRITTEN
    assert cart_token(client) is not None and stock_of(app, products[0]) == 5


def test_field_messages_are_in_chinese_by_default(client, csrf, products):
    fill_cart(client, csrf, (products[0], 1))
    resp = submit(client, csrf, mobile="110")
    assert resp.status_code == 400
    assert "请填写 11 位中国大陆手机号码" in resp.text


def test_checkout_without_csrf_token_is_refused(app, client, csrf, products):
    fill_cart(client, csrf, (products[0], 1))
    resp = client.post("/checkout", data={"email": "a@example.com", **ADDRESS})
    assert resp.status_code == 400 and written(app) == NOTHING_WRITTEN


# --- signed-in customers -------------------------------------------------------------------------

def sign_in(app, client, *, with_address: bool = True) -> tuple[int, int | None]:
    with app.app_context():
        customer = CustomerFactory(email="meiyu@example.com")
        address = AddressFactory(customer=customer, is_default=True) if with_address else None
        db.session().commit()
        ids = customer.id, address.id if address else None
        nonce = customer.auth_nonce
    with client.session_transaction() as sess:
        sess["customer_id"], sess["auth_nonce"] = ids[0], nonce
    return ids


def test_signed_in_customer_checks_out_with_the_account_email_and_a_saved_address(app, client, csrf, products):
    # Given a signed-in customer with a saved default address
    customer_id, address_id = sign_in(app, client)
    fill_cart(client, csrf, (products[0], 1))

    # Then the checkout page shows the account email (not a field) and offers the saved address
    page = client.get("/checkout").text
    assert "meiyu@example.com" in page and 'name="email"' not in page
    assert f'name="address_id" value="{address_id}" checked' in page

    # When they choose it, even with another email smuggled into the form
    resp = client.post("/checkout", data={"csrf_token": csrf, "address_id": str(address_id),
                                          "email": "someone-else@example.com"})

    # Then the order is theirs, to the account email and the saved address
    assert resp.status_code == 303
    with app.app_context():
        order = db.session().scalars(sa.select(Order)).one()
        assert (order.customer_id, order.email) == (customer_id, "meiyu@example.com")
        assert (order.recipient, order.city, order.postcode) == ("金美玉", "延边朝鲜族自治州", "133000")


def test_signed_in_customer_may_type_a_new_address(app, client, csrf, products):
    sign_in(app, client)
    fill_cart(client, csrf, (products[0], 1))

    resp = client.post("/checkout", data={"csrf_token": csrf, "address_id": "new", **ADDRESS})

    assert resp.status_code == 303
    with app.app_context():
        assert db.session().scalars(sa.select(Order.recipient)).one() == "张三"


@pytest.mark.parametrize("choice, status", [("999999", 404), ("abc", 400), ("99999999999999999999", 400)])
def test_an_address_that_is_not_the_customers_is_refused_and_writes_nothing(app, client, csrf, products,
                                                                           choice, status):
    sign_in(app, client)
    with app.app_context():
        other = AddressFactory(customer=CustomerFactory())
        db.session().commit()
        other_id = other.id
    fill_cart(client, csrf, (products[0], 1))

    for value in (str(other_id), choice):
        resp = client.post("/checkout", data={"csrf_token": csrf, "address_id": value})
        assert resp.status_code == (404 if value == str(other_id) else status)
    assert written(app) == NOTHING_WRITTEN
    assert count(app, Customer) == 2
