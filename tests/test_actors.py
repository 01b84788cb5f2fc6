"""Actors as the audit log records them, and the event kinds it accepts."""
from __future__ import annotations

import pytest

from shop.actors import Actor, ActorKind
from shop.audit import EventKind


@pytest.mark.parametrize("actor, ref", [
    (Actor.shopper(3), "customer:3"), (Actor.guest("secret-token"), "guest"), (Actor.operator("li"), "operator:li"),
    (Actor.farm_member(7, 5), "farm_member:7@farm:5"), (Actor.agent(9, 5), "agent:9@farm:5"),
    (Actor.system(), "system"), (Actor.system("payouts"), "system:payouts"), (Actor.gateway("stripe"), "stripe"),
])
def test_each_kind_of_actor_has_a_stable_reference(actor, ref):
    assert actor.ref == ref == str(actor)


def test_a_token_is_never_part_of_the_reference_the_repr_or_equality():
    with_token, without = Actor.guest("secret-token"), Actor.guest()
    assert "secret-token" not in repr(with_token) + with_token.ref
    assert with_token == without


def test_farm_rights_hold_only_for_the_actors_own_farm():
    assert Actor.farm_member(7, 5).acts_for_farm(5) and Actor.agent(9, 5).acts_for_farm(5)
    assert not Actor.farm_member(7, 5).acts_for_farm(6)
    assert not Actor.operator("li").acts_for_farm(5) and not Actor.shopper(5).acts_for_farm(5)
    assert Actor.shopper(3).is_customer(3) and not Actor.shopper(3).is_customer(None)
    assert not Actor.guest().is_customer(None) and Actor(ActorKind.OPERATOR, name="li").is_operator


def test_record_event_refuses_a_kind_that_is_not_listed(app):
    from shop import db
    from shop.orders.services import record_event
    from tests.orders.helpers import given_order, given_products, load_order

    order = load_order(app, given_order(app, given_products(app)).id)
    with app.app_context():
        with pytest.raises(ValueError):
            record_event(db.session(), order, "payed", actor=Actor.system())
        record_event(db.session(), order, EventKind.PAID.value, actor=Actor.operator("li"))
