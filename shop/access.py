"""Load-and-authorise: one helper that loads an object *through* an actor's rights.

Like flaskr's ``get_post``: a view asks for "the order HB… as this actor may see it" and gets the
object or a ``NotFound``, identical to the answer for an object that does not exist, so an
outsider cannot even learn that it exists.  Each domain declares what an actor may do with its
objects as ``Policy`` values next to its queries (``shop.orders.access``; the farms, inventory and
payouts domains add theirs), and every view, API endpoint and CLI command loads through
``load_for``: there is no second way to reach an object.

    order = load_for(db.session(), actor, ORDER_VIEW, number)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Generic, TypeVar

from sqlalchemy.orm import Session

from shop.actors import Actor
from shop.errors import NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class Policy(Generic[T]):
    """How to find one kind of object by its public key, and who may reach it.

    ``load(session, key)`` returns the object or None (it must not raise for a malformed key: a
    junk key names no object).  ``allows(actor, obj)`` decides; it must not query.  ``not_found``
    is the error code of the 404 (``"order_not_found"``…), ``message`` its English text.
    """

    name: str
    load: Callable[[Session, Any], T | None]
    allows: Callable[[Actor, T], bool]
    not_found: str
    message: str = "Not found"


def load_for(session: Session, actor: Actor, policy: Policy[T], key: Any) -> T:
    """The object ``policy`` finds under ``key``, if ``actor`` may reach it; ``NotFound`` otherwise.

    Missing and forbidden look the same to the caller (404), on purpose.
    """
    obj = policy.load(session, key)
    if obj is None or not policy.allows(actor, obj):
        raise NotFound(policy.not_found, policy.message)
    return obj
