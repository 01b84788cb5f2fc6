"""API v1 carts, checkout and orders: the happy path and every kind of bad input."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from shop import db
from shop.cart.models import Cart, CartLine
from shop.catalog.models import ProductStatus, Variant
from shop.orders.models import Order, StockReservation
from shop.outbox.models import OutboxMessage
from shop.payments.models import Payment
from tests.orders.helpers import count, given_products, stock_of

ADDRESS = {"recipient": "张三", "mobile": "+86 138 0013 8000", "province": "浙江省", "city": "宁波市",
           "district": "鄞州区", "street": "天童南路 588 号", "postcode": "315100"}


@pytest.fixture
def products(app) -> list[int]:
    return given_products(app)


def new_cart(client) -> str:
    resp = client.post("/api/v1/carts")
    assert resp.status_code == 201
    return resp.get_json()["token"]


def add(client, token, variant_id, quantity, **extra):
    return client.post(f"/api/v1/carts/{token}/lines", json={"variant_id": variant_id, "quantity": quantity, **extra})


def checkout(client, token, **body):
    return client.post(f"/api/v1/carts/{token}/checkout", json={"email": "buyer@example.com", "address": ADDRESS,
                                                                **body})


def error(resp) -> str:
    body = resp.get_json()
    assert set(body) == {"error"} and isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]["code"]


# --- happy path ------------------------------------------------------------------------------------

def test_cart_to_order_through_the_api(app, client, products):
    # Given a new cart
    resp = client.post("/api/v1/carts")
    token = resp.get_json()["token"]
    assert resp.status_code == 201 and len(token) == 43
    assert resp.headers["Location"] == f"/api/v1/carts/{token}"

    # When two lines are added, one of them twice
    assert add(client, token, products[0], 1).status_code == 200
    assert add(client, token, products[0], 1).status_code == 200
    added = add(client, token, products[1], 1)

    # Then the cart answers grouped by farm, with shipping per farm and totals as {amount, currency}
    cart = client.get(f"/api/v1/carts/{token}", query_string={"lang": "en"})
    assert cart.status_code == 200 and cart.headers["Cache-Control"] == "private, no-store"
    body = cart.get_json()
    assert body == added.get_json() | {"groups": body["groups"]} and body["checked_out"] is False
    first, second = body["groups"]
    assert first["farm"]["name"] == "Changbai Forest Co-op"
    assert [(l["variant_id"], l["quantity"], l["unit_price"], l["total"]) for l in first["lines"]] == [
        (products[0], 2, {"amount": 12800, "currency": "CNY"}, {"amount": 25600, "currency": "CNY"})]
    assert (first["shipping"], second["shipping"]) == ({"amount": 0, "currency": "CNY"},
                                                       {"amount": 1000, "currency": "CNY"})
    assert (body["goods_total"]["amount"], body["shipping_total"]["amount"], body["total"]) == (
        28600, 1000, {"amount": 29600, "currency": "CNY"})
    assert body["item_count"] == 3

    # When it is checked out
    placed = checkout(client, token)

    # Then an order exists (201) with its access token and the payment page to send the shopper to
    assert placed.status_code == 201
    result = placed.get_json()
    order = result["order"]
    assert (order["status"], order["total"]) == ("pending_payment", {"amount": 29600, "currency": "CNY"})
    assert placed.headers["Location"] == f"/api/v1/orders/{order['number']}"
    assert result["payment"]["redirect_url"].startswith("http://localhost/pay/test/cs_test_hb_")
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (3, 4)

    # And the order can be read with its token, as a Bearer header or a query parameter
    for kwargs in ({"headers": {"Authorization": f"Bearer {order['access_token']}"}},
                   {"query_string": {"token": order["access_token"]}}):
        read = client.get(f"/api/v1/orders/{order['number']}", **kwargs)
        assert read.status_code == 200 and read.headers["Cache-Control"] == "private, no-store"
        detail = read.get_json()
        assert (detail["number"], detail["status"], detail["total"]["amount"]) == (order["number"],
                                                                                   "pending_payment", 29600)
        assert [fo["total"]["amount"] for fo in detail["farm_orders"]] == [25600, 4000]
        assert [(l["variant_id"], l["quantity"], l["unit_price"]["amount"]) for l in detail["lines"]] == [
            (products[0], 2, 12800), (products[1], 1, 3000)]
        assert detail["address"]["mobile"] == "13800138000"
        assert detail["payment"] == {"status": "open", "redirect_url": result["payment"]["redirect_url"]}


def test_checking_out_the_same_cart_again_answers_the_same_order(app, client, products):
    token = new_cart(client)
    add(client, token, products[0], 1)
    first = checkout(client, token)

    again = checkout(client, token, email="other@example.com")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert count(app, Order) == count(app, Payment) == count(app, StockReservation) == 1


def test_a_checked_out_cart_takes_no_more_lines(app, client, products):
    token = new_cart(client)
    add(client, token, products[0], 1)
    checkout(client, token)

    resp = add(client, token, products[1], 1)

    assert resp.status_code == 409 and error(resp) == "cart_checked_out"
    assert client.get(f"/api/v1/carts/{token}").get_json()["checked_out"] is True


def test_a_line_added_while_the_cart_is_being_checked_out_is_refused(app, client, products):
    # Given a cart whose checkout is in progress (its transaction holds the cart, not yet committed)
    import threading

    from shop.cart import services as carts
    from shop.checkout.services import place_order
    from tests.orders.helpers import ADDRESS as ADDRESS_DATA

    token = new_cart(client)
    add(client, token, products[0], 1)
    placed, commit = threading.Event(), threading.Event()

    def check_out():
        with app.app_context(), db.unit_of_work() as s:
            place_order(s, carts.get_cart(s, token), email="buyer@example.com", address=ADDRESS_DATA)
            placed.set()
            commit.wait(10)

    checkout_thread = threading.Thread(target=check_out)
    checkout_thread.start()
    assert placed.wait(10)

    # When a line is added meanwhile, and the checkout commits while that request waits
    answers = []
    add_thread = threading.Thread(target=lambda: answers.append(add(app.test_client(), token, products[1], 1)))
    add_thread.start()
    _wait_until_blocked(app)
    commit.set()
    checkout_thread.join(10)
    add_thread.join(10)

    # Then the line is refused (the cart became an order) rather than added and never bought
    assert answers[0].status_code == 409 and error(answers[0]) == "cart_checked_out"
    with app.app_context():
        assert db.session().scalar(sa.select(sa.func.count()).select_from(CartLine)) == 1


def _wait_until_blocked(app, timeout: float = 5.0) -> None:
    """Until another connection waits for a row lock (PostgreSQL); on SQLite, a moment (the second
    writer waits for BEGIN IMMEDIATE, which nothing here can observe)."""
    import time

    with app.app_context():
        session = db.session()
        if session.bind.dialect.name != "postgresql":
            time.sleep(0.3)
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            waiting = session.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"))
            session.rollback()
            if waiting:
                return
            time.sleep(0.02)
        raise AssertionError("the request never waited for the checkout's lock")


def test_prices_and_currencies_sent_by_the_client_are_ignored(app, client, products):
    token = new_cart(client)
    assert add(client, token, products[0], 1, price=1, unit_price={"amount": 1, "currency": "USD"},
               price_fen=1, currency="USD").status_code == 200

    placed = checkout(client, token, total={"amount": 1, "currency": "USD"}, currency="USD", shipping=0,
                      prices={str(products[0]): 1})

    assert placed.get_json()["order"]["total"] == {"amount": 12800, "currency": "CNY"}
    with app.app_context():
        assert db.session().scalars(sa.select(Payment.amount_fen)).one() == 12800


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/api/v1/carts/{token}"),
    ("post", "/api/v1/carts/{token}/lines"),
    ("post", "/api/v1/carts/{token}/checkout"),
])
@pytest.mark.parametrize("token", ["unknown", "x" * 43, "x" * 500, "%00"])
def test_an_unknown_cart_token_is_404(app, client, products, method, path, token):
    resp = getattr(client, method)(path.format(token=token), json={"variant_id": products[0], "quantity": 1,
                                                                  "email": "a@example.com", "address": ADDRESS})
    assert resp.status_code in (404, 400)
    assert error(resp) in ("cart_not_found", "invalid_parameter")
    assert count(app, CartLine) == count(app, Order) == 0


@pytest.mark.parametrize("body", [b"garbage", b"", b"[1, 2]", b'"text"', b"null", b"{", "{\"quantity\": 1}".encode()[:-1],
                                  b"\xff\xfe"])
def test_a_body_that_is_not_a_json_object_is_400(app, client, products, body):
    token = new_cart(client)
    for path in (f"/api/v1/carts/{token}/lines", f"/api/v1/carts/{token}/checkout"):
        resp = client.post(path, data=body, content_type="application/json")
        assert resp.status_code == 400 and error(resp) == "invalid_body"
    assert count(app, CartLine) == count(app, Order) == 0


@pytest.mark.parametrize("quantity", [0, -1, -100, 100, 10**6, 10**30, 1.5, "2", True, None, [1], {"n": 1}])
def test_tampered_quantities_are_400_and_add_nothing(app, client, products, quantity):
    token = new_cart(client)

    resp = add(client, token, products[0], quantity)

    assert resp.status_code == 400 and error(resp) == "invalid_quantity"
    assert count(app, CartLine) == 0


@pytest.mark.parametrize("variant_id", [999999, 0, -1, 2**31, 10**30, "1", None, True, 1.0])
def test_unknown_or_malformed_variants_are_400(app, client, products, variant_id):
    token = new_cart(client)
    resp = add(client, token, variant_id, 1)
    assert resp.status_code == 400 and error(resp) == "unknown_variant"


def test_more_than_the_stock_is_409(app, client, products):
    token = new_cart(client)
    assert add(client, token, products[0], 4).status_code == 200
    resp = add(client, token, products[0], 2)
    assert resp.status_code == 409 and error(resp) == "insufficient_stock"


def test_hidden_products_cannot_be_added(app, client, products):
    with app.app_context():
        variant = db.session().get(Variant, products[0])
        variant.product.status = ProductStatus.HIDDEN
        db.session().commit()
    resp = add(client, new_cart(client), products[0], 1)
    assert resp.status_code == 400 and error(resp) == "unknown_variant"


@pytest.mark.parametrize("body, fields", [
    ({"email": "nope"}, {"email"}),
    ({"email": 42}, {"email"}),
    ({"address": "浙江省宁波市"}, {"recipient", "mobile", "province", "city", "district", "street"}),
    ({"address": None}, {"recipient", "mobile", "province", "city", "district", "street"}),
    ({"address": {**ADDRESS, "mobile": "12345678901"}}, {"mobile"}),
    ({"address": {**ADDRESS, "mobile": 13800138000}}, {"mobile"}),
    ({"address": {**ADDRESS, "postcode": "3151"}}, {"postcode"}),
    ({"address": {**ADDRESS, "street": "a\u0000b"}}, {"street"}),
    ({"address": {**ADDRESS, "recipient": "名" * 41}}, {"recipient"}),
])
def test_bad_email_or_address_is_400_with_field_messages_and_writes_nothing(app, client, products, body, fields):
    token = new_cart(client)
    add(client, token, products[0], 1)

    resp = checkout(client, token, **body)

    assert resp.status_code == 400 and error(resp) == "invalid_input"
    assert set(resp.get_json()["error"]["fields"]) == fields
    assert count(app, Order) == count(app, Payment) == count(app, StockReservation) == 0
    assert stock_of(app, products[0]) == 5


def test_field_messages_follow_the_language(app, client, products):
    token = new_cart(client)
    resp = client.post(f"/api/v1/carts/{token}/checkout?lang=en", json={"email": "x", "address": ADDRESS})
    assert resp.get_json()["error"]["fields"]["email"] == "Enter a valid email address, e.g. name@example.com."


def test_checking_out_an_empty_cart_is_400(app, client):
    resp = checkout(client, new_cart(client))
    assert resp.status_code == 400 and error(resp) == "cart_empty"
    assert count(app, Order) == 0


def test_sold_out_at_checkout_is_409_and_writes_nothing(app, client, products):
    token = new_cart(client)
    add(client, token, products[1], 1)
    add(client, token, products[0], 3)
    with app.app_context():
        db.session().execute(sa.update(Variant).where(Variant.id == products[0]).values(stock=2))
        db.session().commit()

    resp = checkout(client, token)

    assert resp.status_code == 409 and error(resp) == "sold_out"
    assert count(app, Order) == count(app, StockReservation) == count(app, OutboxMessage) == 0
    assert (stock_of(app, products[0]), stock_of(app, products[1])) == (2, 5)


@pytest.mark.parametrize("auth", [
    {},
    {"headers": {"Authorization": "Bearer wrong"}},
    {"headers": {"Authorization": "Basic {token}"}},
    {"headers": {"Authorization": "Bearer"}},
    {"query_string": {"token": "wrong"}},
    {"query_string": {"token": "x" * 10000}},
])
def test_an_order_without_its_token_is_404_like_an_unknown_one(app, client, products, auth):
    token = new_cart(client)
    add(client, token, products[0], 1)
    order = checkout(client, token).get_json()["order"]
    if "headers" in auth:
        auth = {"headers": {k: v.format(token=order["access_token"]) for k, v in auth["headers"].items()}}

    resp = client.get(f"/api/v1/orders/{order['number']}", **auth)
    unknown = client.get("/api/v1/orders/HB0000", **auth)

    assert resp.status_code == unknown.status_code == 404
    assert resp.get_json() == unknown.get_json() == {"error": {"code": "order_not_found",
                                                               "message": resp.get_json()["error"]["message"]}}


@pytest.mark.parametrize("number", ["HB%00", "HB\u0000x", "%E4%B8%AD", "x" * 100])
def test_malformed_order_numbers_are_404(app, client, number):
    resp = client.get(f"/api/v1/orders/{number}", headers={"Authorization": "Bearer x"})
    assert resp.status_code == 404 and error(resp) == "order_not_found"


def test_cart_creation_ignores_any_body(app, client):
    resp = client.post("/api/v1/carts", data=b"garbage", content_type="application/json")
    assert resp.status_code == 201
    with app.app_context():
        assert db.session().scalar(sa.select(sa.func.count()).select_from(Cart)) == 1


# --- the OpenAPI document describes the real answers ----------------------------------------------

def test_real_answers_conform_to_the_document(app, products):
    """Random tokens only ever reach 404s in the schemathesis runs; this walks a real cart through."""
    import schemathesis

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    def call(path, method, expected, excluded=(), **kwargs):
        response = schema[path][method].Case(**kwargs).call_and_validate(excluded_checks=list(excluded))
        assert response.status_code == expected, response.text
        return response.json()

    token = call("/carts", "POST", 201)["token"]
    cart = {"path_parameters": {"token": token}}
    call("/carts/{token}/lines", "POST", 200, body={"variant_id": products[0], "quantity": 2}, **cart)
    call("/carts/{token}/lines", "POST", 200, body={"variant_id": products[1], "quantity": 1}, **cart)
    call("/carts/{token}/lines", "POST", 409, body={"variant_id": products[1], "quantity": 9}, **cart)
    call("/carts/{token}", "GET", 200, query={"lang": "en"}, **cart)
    bad = call("/carts/{token}/checkout", "POST", 400, body={"email": "x", "address": ADDRESS}, **cart)
    assert set(bad["error"]["fields"]) == {"email"}
    placed = call("/carts/{token}/checkout", "POST", 201, body={"email": "a@example.com", "address": ADDRESS}, **cart)
    call("/carts/{token}/checkout", "POST", 200, body={"email": "a@example.com", "address": ADDRESS}, **cart)
    order = placed["order"]
    for lang in ("zh", "en"):
        # Without the token the order is a 404, never a 401/403: whether an order exists is not told.
        call("/orders/{number}", "GET", 200, excluded=[schemathesis.checks.ignored_auth],
             path_parameters={"number": order["number"]}, query={"lang": lang},
             headers={"Authorization": f"Bearer {order['access_token']}"})
    call("/orders/{number}", "GET", 404, path_parameters={"number": order["number"]}, query={"token": "wrong"})
