"""Who may reach an order: the policies ``shop.access.load_for`` loads orders through.

- ``ORDER_VIEW``: the signed-in customer who placed the order, or anyone holding its access token
  (the link in the confirmation email, compared in constant time); everyone else gets the same
  404 as for a number that does not exist.
- ``ORDER_OPERATE``: operators (the ``flask orders`` commands, later the operator console).
"""
from __future__ import annotations

from shop.access import Policy
from shop.actors import Actor
from shop.orders.links import token_matches
from shop.orders.models import Order
from shop.orders.queries import load_order


def _may_view(actor: Actor, order: Order) -> bool:
    return actor.is_customer(order.customer_id) or token_matches(order, actor.token)


def _load_by_number(session, number) -> Order | None:
    return load_order(session, number=number)


ORDER_VIEW: Policy[Order] = Policy("order", _load_by_number, _may_view, "order_not_found", "Order not found")
ORDER_OPERATE: Policy[Order] = Policy("order", _load_by_number, lambda actor, order: actor.is_operator,
                                      "order_not_found", "Order not found")


def recorded_actor(actor: Actor, order: Order) -> Actor:
    """The actor an order's history records for a shopper's action on it: the customer when it is
    their own order, otherwise a guest (someone who came with the order's link)."""
    return actor if actor.is_customer(order.customer_id) else Actor.guest()
