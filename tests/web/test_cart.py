"""The shopper's cart pages through the Flask test client, with CSRF protection switched on.

Rows are set up and checked in their own app context (``database``), never inside the request's,
so each request sees only what was committed, as in production.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import flask
import pytest
import sqlalchemy as sa
from flask import render_template_string

from shop import db
from shop.cart import services
from shop.cart.models import Cart, CartLine
from shop.catalog.models import ProductStatus
from shop.money import format_fen
from tests.factories import FarmFactory, ProductFactory

TOKEN_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@contextmanager
def database(app):
    """Given/then steps in their own app context; whatever they create is committed."""
    with app.app_context():
        s = db.session()
        yield s
        s.commit()


def given_variant(app, **spec) -> int:
    with database(app):
        product = ProductFactory(name_en="Matsutake", name_zh="松茸",
                                 variants=[{"price_fen": 12800, "stock": 10, **spec}])
        return product.variants[0].id


def cart_token(client) -> str | None:
    with client.session_transaction() as sess:
        return sess.get("cart_token")


def lines_of(app, client) -> dict[int, int]:
    """Then: the session cart's lines as committed, {variant_id: quantity} ({} when no cart)."""
    token = cart_token(client)
    with database(app) as s:
        return dict(s.execute(sa.select(CartLine.variant_id, CartLine.quantity)
                              .join(Cart, Cart.id == CartLine.cart_id).where(Cart.token == token)).all())


def add(client, csrf, variant_id, quantity, **extra):
    return client.post("/cart/add", data={"variant_id": variant_id, "quantity": quantity,
                                          "csrf_token": csrf, **extra})


# --- show ----------------------------------------------------------------------------------------

def test_empty_cart_invites_to_browse_without_touching_cart_tables(client, english, count_queries):
    with count_queries() as queries:
        resp = client.get("/cart")

    assert resp.status_code == 200
    assert "Your cart is empty." in resp.text
    assert 'href="/products"' in resp.text
    assert not [q for q in queries.statements if "cart" in q.lower()]


def test_cart_page_groups_lines_by_farm_with_subtotals_and_total(app, client, csrf):
    with database(app):
        farms = [FarmFactory(name_zh=name) for name in ("延边参场", "普安茶场", "兴义油坊")]
        ginseng = ProductFactory(farm=farms[0], variants=[{"price_fen": 12800}, {"price_fen": 25600}])
        tea = ProductFactory(farm=farms[1], variants=[{"price_fen": 6800}])
        oil = ProductFactory(farm=farms[2], variants=[{"price_fen": 15050}])
        wanted = [(tea.variants[0].id, 3), (ginseng.variants[0].id, 2), (oil.variants[0].id, 1),
                  (ginseng.variants[1].id, 1)]
    for variant_id, quantity in wanted:
        assert add(client, csrf, variant_id, quantity).status_code == 303

    page = client.get("/cart").text

    farm_order = [page.index(name) for name in ("普安茶场", "延边参场", "兴义油坊")]
    assert farm_order == sorted(farm_order)
    subtotals = re.findall(r'class="cart-subtotal">[^<]*<strong>([^<]+)</strong>', page)
    assert subtotals == [format_fen(20400, "zh"), format_fen(51200, "zh"), format_fen(15050, "zh")]
    assert re.search(r'class="cart-total">[^<]*<strong>([^<]+)</strong>', page).group(1) == format_fen(86650, "zh")
    assert "共 7 件" in page


def test_get_cart_costs_the_same_few_statements_for_any_number_of_farms(app, client, csrf, count_queries):
    one = given_variant(app)
    add(client, csrf, one, 1)
    with count_queries() as small:
        assert client.get("/cart").status_code == 200

    with database(app):
        more = [ProductFactory(farm=FarmFactory(), variants=[{}, {}]) for _ in range(3)]
        ids = [v.id for p in more for v in p.variants]
    for variant_id in ids:
        add(client, csrf, variant_id, 2)
    with count_queries() as large:
        page = client.get("/cart").text

    assert page.count('class="cart-farm"') == 4
    assert large.count == small.count
    # The cart itself: find it by token, then one joined statement for lines, variants,
    # products and farms; the header count reuses the page's total.
    assert len([q for q in large.statements if "cart" in q.lower()]) == 2


def test_header_count_needs_no_query_without_a_cart_and_one_with(app, client, csrf, count_queries):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 3)
    token = cart_token(client)

    with app.test_request_context("/"), count_queries() as none:
        assert render_template_string("{{ cart_count }}") == "0"
    with app.test_request_context("/"), count_queries() as one:
        flask.session["cart_token"] = token
        assert render_template_string("{{ cart_count }}|{{ cart_count }}") == "3|3"

    assert none.count == 0
    assert one.count == 1


def test_names_from_the_catalog_are_escaped(app, client, csrf):
    with database(app):
        product = ProductFactory(name_zh="<script>alert(1)</script>", variants=[{}])
        variant_id = product.variants[0].id
    add(client, csrf, variant_id, 1)

    page = client.get("/cart").text

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- add -----------------------------------------------------------------------------------------

def test_add_creates_the_cart_and_says_so_once(app, client, csrf, english):
    variant_id = given_variant(app)

    resp = add(client, csrf, variant_id, 2)

    assert resp.status_code == 303 and resp.location == "/cart"
    assert lines_of(app, client) == {variant_id: 2}
    page = client.get("/cart").text
    assert page.count("Added Matsutake to your cart.") == 1
    assert format_fen(25600, "en") in page
    assert "Added Matsutake" not in client.get("/cart").text  # a flash is shown once


def test_adding_the_same_variant_again_grows_the_line(app, client, csrf):
    variant_id = given_variant(app)

    add(client, csrf, variant_id, 2)
    add(client, csrf, variant_id, 3)

    assert lines_of(app, client) == {variant_id: 5}


@pytest.mark.parametrize("next_url, expected", [
    ("/products/7?lang=en", "/products/7?lang=en"),
    ("//evil.example/steal", "/cart"),
    ("https://evil.example/", "/cart"),
    ("/\\evil.example", "/cart"),
    ("javascript:alert(1)", "/cart"),
    ("", "/cart"),
])
def test_add_returns_only_to_same_site_paths(app, client, csrf, next_url, expected):
    variant_id = given_variant(app)

    resp = add(client, csrf, variant_id, 1, next=next_url)

    assert resp.status_code == 303 and resp.location == expected


@pytest.mark.parametrize("quantity", ["0", "-1", "1000", "abc", "", "1.5", None])
def test_add_refuses_a_bad_quantity_with_a_400_and_keeps_the_cart(app, client, csrf, english, quantity):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 1)
    data = {"variant_id": variant_id, "csrf_token": csrf}
    if quantity is not None:
        data["quantity"] = quantity

    resp = client.post("/cart/add", data=data)

    assert resp.status_code == 400
    assert "Quantity must be a whole number from 1 to 99." in resp.text
    assert lines_of(app, client) == {variant_id: 1}


def test_bad_quantity_message_is_in_chinese_by_default(app, client, csrf):
    variant_id = given_variant(app)

    resp = add(client, csrf, variant_id, "abc")

    assert resp.status_code == 400
    assert "数量必须是 1 到 99 之间的整数。" in resp.text
    assert cart_token(client) is None


@pytest.mark.parametrize("variant_id", ["999999", "abc", "", "99999999999999999999", None])
def test_add_refuses_a_variant_that_does_not_exist(app, client, csrf, english, variant_id):
    given_variant(app)
    data = {"quantity": "1", "csrf_token": csrf}
    if variant_id is not None:
        data["variant_id"] = variant_id

    resp = client.post("/cart/add", data=data)

    assert resp.status_code == 400
    assert "This product is not available." in resp.text
    assert cart_token(client) is None


def test_add_refuses_a_hidden_product(app, client, csrf):
    with database(app):
        product = ProductFactory(status=ProductStatus.HIDDEN, variants=[{}])
        variant_id = product.variants[0].id

    assert add(client, csrf, variant_id, 1).status_code == 400
    assert lines_of(app, client) == {}


def test_more_than_in_stock_is_flashed_with_the_available_count(app, client, csrf, english):
    variant_id = given_variant(app, stock=3)

    resp = add(client, csrf, variant_id, 5, next="/products/1")

    assert resp.status_code == 303 and resp.location == "/products/1"
    assert cart_token(client) is None  # the refused first add left no cart behind
    assert "Only 3 left in stock." in client.get("/cart").text


def test_more_than_in_stock_counts_what_is_already_in_the_cart(app, client, csrf):
    variant_id = given_variant(app, stock=3)
    add(client, csrf, variant_id, 2)

    resp = add(client, csrf, variant_id, 2)

    assert resp.status_code == 303 and resp.location == "/cart"
    assert lines_of(app, client) == {variant_id: 2}
    assert "库存仅剩 3 件，您的购物车里已有 2 件。" in client.get("/cart").text


# --- CSRF ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "forged-token"])
def test_posts_without_a_valid_csrf_token_are_400_and_change_nothing(app, client, csrf, english, token):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 2)
    data = {} if token is None else {"csrf_token": token}

    responses = [
        client.post("/cart/add", data={"variant_id": variant_id, "quantity": "1", **data}),
        client.post(f"/cart/lines/{variant_id}", data={"quantity": "5", **data}),
        client.post(f"/cart/lines/{variant_id}/remove", data=data),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400]
    assert "Your form has expired or was not sent from this site." in responses[0].text
    assert lines_of(app, client) == {variant_id: 2}


# --- change and remove ---------------------------------------------------------------------------

def test_change_and_remove_through_the_forms_on_the_cart_page(app, client, csrf, english):
    variant_id = given_variant(app, stock=6)
    add(client, csrf, variant_id, 1)
    page = client.get("/cart").text
    assert f'action="/cart/lines/{variant_id}"' in page
    assert f'action="/cart/lines/{variant_id}/remove"' in page
    page_token = TOKEN_FIELD.search(page).group(1)

    resp = client.post(f"/cart/lines/{variant_id}", data={"quantity": "4", "csrf_token": page_token})
    assert resp.status_code == 303 and resp.location == "/cart"
    assert lines_of(app, client) == {variant_id: 4}
    assert "Your cart was updated." in client.get("/cart").text

    resp = client.post(f"/cart/lines/{variant_id}/remove", data={"csrf_token": page_token})
    assert resp.status_code == 303
    assert lines_of(app, client) == {}
    page = client.get("/cart").text
    assert "The item was removed from your cart." in page and "Your cart is empty." in page


def test_changing_to_zero_removes_the_line(app, client, csrf):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 2)

    client.post(f"/cart/lines/{variant_id}", data={"quantity": "0", "csrf_token": csrf})

    assert lines_of(app, client) == {}


@pytest.mark.parametrize("quantity, status", [("-1", 400), ("1000", 400), ("abc", 400), ("", 400), ("7", 303)])
def test_changing_to_a_bad_quantity_or_above_stock_keeps_the_line(app, client, csrf, english, quantity, status):
    variant_id = given_variant(app, stock=6)
    add(client, csrf, variant_id, 2)

    resp = client.post(f"/cart/lines/{variant_id}", data={"quantity": quantity, "csrf_token": csrf})

    assert resp.status_code == status
    assert lines_of(app, client) == {variant_id: 2}
    if status == 303:
        assert "Only 6 left in stock." in client.get("/cart").text


@pytest.mark.parametrize("path, status", [
    ("/cart/lines/999999", 400),  # a well-formed id of no variant: the cart service refuses it
    ("/cart/lines/99999999999999999999", 404),  # past any database id: no such URL
])
def test_changing_a_variant_that_does_not_exist_is_refused(app, client, csrf, path, status):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 2)

    resp = client.post(path, data={"quantity": "1", "csrf_token": csrf})

    assert resp.status_code == status
    assert lines_of(app, client) == {variant_id: 2}


def test_removing_without_a_cart_is_harmless(app, client, csrf):
    resp = client.post("/cart/lines/12/remove", data={"csrf_token": csrf})

    assert resp.status_code == 303 and resp.location == "/cart"
    assert cart_token(client) is None


def test_a_line_whose_product_was_hidden_is_flagged_and_can_be_removed(app, client, csrf, english):
    variant_id = given_variant(app)
    add(client, csrf, variant_id, 2)
    with database(app) as s:
        s.get(CartLine, s.scalar(sa.select(CartLine.id))).variant.product.status = ProductStatus.HIDDEN

    page = client.get("/cart").text
    assert "This product is no longer on sale. Please remove it." in page
    assert "cart-line-problem" in page

    client.post(f"/cart/lines/{variant_id}/remove", data={"csrf_token": csrf})
    assert lines_of(app, client) == {}


def test_a_forgotten_cart_token_gets_a_new_cart_on_the_next_add(app, client, csrf):
    variant_id = given_variant(app)
    with client.session_transaction() as sess:
        sess["cart_token"] = "a-cart-that-no-longer-exists"

    assert client.get("/cart").status_code == 200
    add(client, csrf, variant_id, 1)

    assert cart_token(client) != "a-cart-that-no-longer-exists"
    assert lines_of(app, client) == {variant_id: 1}
    with database(app) as s:
        assert services.count_items(s, cart_token(client)) == 1


def test_a_cart_that_became_an_order_takes_no_more_lines(app, client, csrf, english):
    # Given a cart in this browser that was checked out (say in another tab, before this one noticed)
    from shop.checkout.services import place_order
    from tests.orders.helpers import ADDRESS

    variant_id = given_variant(app, stock=5)
    add(client, csrf, variant_id, 1)
    token = cart_token(client)
    with app.app_context():
        with db.unit_of_work() as s:
            place_order(s, services.get_cart(s, token), email="a@example.com", address=ADDRESS)

    # When another item is added to it
    resp = add(client, csrf, variant_id, 1)

    # Then it is refused with a message, the order's cart is unchanged, and the browser forgets it
    assert resp.status_code == 303
    assert "This cart has already been checked out." in client.get("/cart").text
    with app.app_context():
        cart = services.get_cart(db.session(), token)
        assert [(l.variant_id, l.quantity) for l in cart.lines] == [(variant_id, 1)]
    assert cart_token(client) is None
