"""Loading an order through an actor's rights: the owner, the link's token, an operator; else 404."""
from __future__ import annotations

import pytest

from shop import db
from shop.access import load_for
from shop.actors import Actor
from shop.errors import NotFound
from shop.orders.access import ORDER_OPERATE, ORDER_VIEW, recorded_actor
from tests.accounts.factories import CustomerFactory
from tests.orders.helpers import given_order, given_products


@pytest.fixture
def placed(app):
    """Given an order placed by a signed-in customer (and a second customer who did not place it)."""
    with app.app_context():
        owner, stranger = CustomerFactory(), CustomerFactory()
        db.session().commit()
        ids = owner.id, stranger.id
    order = given_order(app, given_products(app), customer_id=ids[0])
    return order, ids


@pytest.mark.parametrize("who, sees", [
    ("owner", True), ("owner with a wrong token", True), ("guest with the token", True),
    ("stranger with the token", True), ("guest", False), ("guest with a wrong token", False),
    ("stranger", False), ("operator", False),
])
def test_who_may_view_an_order(app, placed, who, sees):
    order, (owner_id, stranger_id) = placed
    actor = {
        "owner": Actor.shopper(owner_id), "owner with a wrong token": Actor.shopper(owner_id, token="x" * 43),
        "guest with the token": Actor.guest(order.token), "stranger with the token": Actor.shopper(stranger_id, order.token),
        "guest": Actor.guest(), "guest with a wrong token": Actor.guest(order.token[:-1] + "x"),
        "stranger": Actor.shopper(stranger_id), "operator": Actor.operator("li"),
    }[who]
    with app.app_context():
        if sees:
            assert load_for(db.session(), actor, ORDER_VIEW, order.number).id == order.id
        else:
            with pytest.raises(NotFound) as info:
                load_for(db.session(), actor, ORDER_VIEW, order.number)
            assert (info.value.code, info.value.status) == ("order_not_found", 404)


def test_only_operators_operate_on_orders(app, placed):
    order, (owner_id, _stranger) = placed
    with app.app_context():
        assert load_for(db.session(), Actor.operator("li"), ORDER_OPERATE, order.number).id == order.id
        for actor in (Actor.shopper(owner_id, order.token), Actor.guest(order.token), Actor.system()):
            with pytest.raises(NotFound):
                load_for(db.session(), actor, ORDER_OPERATE, order.number)


@pytest.mark.parametrize("number", ["HB-no-such-order", "", "HB\x00", "x" * 33, None, 17])
def test_a_junk_or_unknown_number_is_the_same_404_and_costs_at_most_one_query(app, placed, count_queries, number):
    with app.app_context(), count_queries() as n:
        with pytest.raises(NotFound) as info:
            load_for(db.session(), Actor.operator("li"), ORDER_OPERATE, number)
    assert info.value.code == "order_not_found"
    assert n.count <= 1


def test_the_history_records_the_customer_only_for_their_own_order(app, placed):
    order, (owner_id, stranger_id) = placed
    with app.app_context():
        loaded = load_for(db.session(), Actor.guest(order.token), ORDER_VIEW, order.number)
        assert recorded_actor(Actor.shopper(owner_id), loaded).ref == f"customer:{owner_id}"
        assert recorded_actor(Actor.shopper(stranger_id, order.token), loaded).ref == "guest"
