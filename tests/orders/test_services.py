"""Order use cases called directly: what they refuse, so callers cannot bypass the refund path."""
import pytest

from shop import db
from shop.errors import Conflict
from shop.orders.services import cancel_order
from shop.orders.states import FarmOrderStatus, OrderStatus
from tests.orders.helpers import given_order, given_paid, given_products, load_order, stock_of


def test_cancel_order_refuses_a_paid_order(app):
    # Given a paid order from two farms
    variants = given_products(app)
    order = given_order(app, variants)
    given_paid(app, order)

    # When something calls cancel_order on it directly
    with app.app_context(), pytest.raises(Conflict) as raised:
        with db.unit_of_work() as s:
            cancel_order(s, order.id, actor="test", reason="direct")

    # Then it is refused with a stable code and nothing changed: still paid, stock still sold
    assert raised.value.code == "order_not_pending"
    after = load_order(app, order.id)
    assert after.status == OrderStatus.PAID
    assert {fo.status for fo in after.farm_orders} == {FarmOrderStatus.PAID}
    assert [stock_of(app, v) for v in variants] == [3, 4]


def test_cancel_order_cancels_a_pending_order_and_returns_its_stock(app):
    variants = given_products(app)
    order = given_order(app, variants)

    with app.app_context(), db.unit_of_work() as s:
        assert cancel_order(s, order.id, actor="test", reason="direct") is True

    assert load_order(app, order.id).status == OrderStatus.CANCELLED
    assert [stock_of(app, v) for v in variants] == [5, 5]
