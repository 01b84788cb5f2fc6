"""Checkout domain: a cart becomes one order with a part per farm, stock is reserved, never oversold."""

import pytest
import sqlalchemy as sa

from shop import db
from shop.cart.models import Cart, CartLine
from shop.catalog.models import Variant
from shop.checkout import services as checkout
from shop.orders import services as orders
from shop.orders.models import StockReservation
from shop.orders.queries import load_order
from shop.orders.states import FarmOrderStatus, OrderStatus
from shop.shipping.models import ShippingMode, ShippingRule
from tests.factories import ProductFactory
from tests.orders.helpers import ADDRESS


def cart_with(session, *pairs):
    cart = Cart(token=f"tok-{len(pairs)}-{pairs[0][0].id}")
    session.add(cart)
    session.flush()
    for variant, qty in pairs:
        session.add(CartLine(cart_id=cart.id, variant_id=variant.id, quantity=qty))
    session.flush()
    return cart


def test_order_has_one_part_per_farm_with_server_computed_totals(session):
    # Given a cart with goods from two farms, one of which charges by weight
    a = ProductFactory(variants=[{"price_fen": 12800, "stock": 5, "weight_g": 500}])
    b = ProductFactory(variants=[{"price_fen": 3000, "stock": 5, "weight_g": 1500}])
    session.add(ShippingRule(farm_id=b.farm_id, mode=ShippingMode.BY_WEIGHT, first_weight_g=1000,
                             first_fee_fen=1200, extra_weight_g=1000, extra_fee_fen=500, free_above_fen=None))
    cart = cart_with(session, (a.variants[0], 1), (b.variants[0], 2))
    session.commit()

    # When it is checked out
    with db.unit_of_work() as s:
        result = checkout.place_order(s, cart, email="buyer@example.com", address=ADDRESS)

    # Then one order with two farm parts, prices and shipping computed on the server
    order = result.order
    assert result.created and order.status == OrderStatus.PENDING_PAYMENT
    parts = {fo.farm_id: fo for fo in order.farm_orders}
    assert parts[a.farm_id].goods_fen == 12800 and parts[a.farm_id].shipping_fen == 0  # default rule: free ≥ ¥99
    assert parts[b.farm_id].goods_fen == 6000 and parts[b.farm_id].shipping_fen == 1200 + 2 * 500  # 3 kg
    assert order.total_fen == 12800 + 6000 + 2200
    # And the stock is taken off while reserved
    assert session.get(Variant, a.variants[0].id).stock == 4
    assert session.get(Variant, b.variants[0].id).stock == 3


def test_second_submit_of_the_same_cart_returns_the_first_order(session):
    p = ProductFactory(variants=[{"stock": 5}])
    cart = cart_with(session, (p.variants[0], 2))
    session.commit()
    with db.unit_of_work() as s:
        first = checkout.place_order(s, cart, email="a@example.com", address=ADDRESS).order
    with db.unit_of_work() as s:
        again = checkout.place_order(s, cart, email="a@example.com", address=ADDRESS)
    assert not again.created and again.order.id == first.id
    assert session.scalar(sa.select(Variant.stock).where(Variant.id == p.variants[0].id)) == 3


def test_sold_out_line_writes_nothing(session):
    ok = ProductFactory(variants=[{"stock": 5}])
    short = ProductFactory(variants=[{"stock": 1}])
    cart = cart_with(session, (ok.variants[0], 1), (short.variants[0], 2))
    session.commit()
    with pytest.raises(checkout.SoldOut) as err:
        with db.unit_of_work() as s:
            checkout.place_order(s, cart, email="a@example.com", address=ADDRESS)
    assert err.value.available == 1
    assert session.scalar(sa.select(Variant.stock).where(Variant.id == ok.variants[0].id)) == 5
    assert session.scalar(sa.select(sa.func.count()).select_from(StockReservation)) == 0


def test_expiry_cancels_and_returns_stock_once(session):
    p = ProductFactory(variants=[{"stock": 3}])
    cart = cart_with(session, (p.variants[0], 3))
    session.commit()
    import datetime as dt
    with db.unit_of_work() as s:
        order = checkout.place_order(s, cart, email="a@example.com", address=ADDRESS,
                                     reservation_ttl=dt.timedelta(seconds=-1)).order
    assert session.scalar(sa.select(Variant.stock).where(Variant.id == p.variants[0].id)) == 0
    with db.unit_of_work() as s:
        assert checkout.expired_order_ids(s) == [order.id]
        assert orders.expire_order(s, order.id) is True
    with db.unit_of_work() as s:
        assert orders.expire_order(s, order.id) is False  # a second run changes nothing
    assert session.scalar(sa.select(Variant.stock).where(Variant.id == p.variants[0].id)) == 3
    order = load_order(session, number=order.number)
    assert order.status == OrderStatus.CANCELLED
    assert {fo.status for fo in order.farm_orders} == {FarmOrderStatus.CANCELLED}
    assert [e.kind for e in order.events] == ["placed", "cancelled", "cancelled"]


def test_order_numbers_are_date_and_twelve_random_digits(session):
    product = ProductFactory(variants=[{"price_fen": 3000, "stock": 5}])
    cart = cart_with(session, (product.variants[0], 1))
    session.commit()

    with db.unit_of_work() as s:
        number = checkout.place_order(s, cart, email="buyer@example.com", address=ADDRESS).order.number

    import re
    assert re.fullmatch(r"HB\d{8}\d{12}", number)


def test_an_order_number_already_taken_is_drawn_again(session, monkeypatch):
    # Given an order that holds number N
    product = ProductFactory(variants=[{"price_fen": 3000, "stock": 5}])
    first = cart_with(session, (product.variants[0], 1))
    second = Cart(token="tok-second")
    session.add(second)
    session.flush()
    session.add(CartLine(cart_id=second.id, variant_id=product.variants[0].id, quantity=2))
    session.commit()
    drawn = iter(["HB20240101000000000001", "HB20240101000000000001", "HB20240101000000000002"])
    monkeypatch.setattr(checkout, "order_number", lambda now: next(drawn))
    with db.unit_of_work() as s:
        checkout.place_order(s, first, email="buyer@example.com", address=ADDRESS)

    # When the next checkout draws N too
    with db.unit_of_work() as s:
        result = checkout.place_order(s, second, email="other@example.com", address=ADDRESS)
        number, lines = result.order.number, [(l.quantity, l.variant_id) for l in result.order.lines]

    # Then it draws again and is placed whole under a fresh number, its stock reserved once
    assert number == "HB20240101000000000002"
    assert lines == [(2, product.variants[0].id)]
    session.expire_all()
    assert session.get(Variant, product.variants[0].id).stock == 2
    assert session.scalar(sa.select(sa.func.count()).select_from(StockReservation)) == 2
