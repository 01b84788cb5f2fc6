"""Cart use cases: the only place that changes carts.

A cart is anonymous and reached by its token (kept in the Flask session by the storefront, handed
to API clients by ``POST /api/v1/carts``).  A cart line holds a variant and a quantity only: prices
and stock are always read from the variant when the cart is shown, never stored from a client.
Stock is checked, not reserved, here; reservation belongs to checkout.

Services flush; the caller's unit of work (``with db.unit_of_work():``) commits or rolls back.  A
refused change raises :class:`shop.errors.DomainError` before anything is written, so after the
caller's rollback the cart is exactly as it was.  Stable error codes:

``invalid_quantity`` (400)
    the quantity is not a whole number in the allowed range (params: ``max``);
``unknown_variant`` (400)
    no such variant, or its product is not on sale;
``insufficient_stock`` (409)
    the resulting line would exceed the variant's stock (params: ``available``, ``in_cart``);
``quantity_limit`` (409)
    the resulting line would exceed ``CART_MAX_QUANTITY`` (params: ``max``, ``in_cart``);
``cart_checked_out`` (409)
    the cart already became an order (``mark_checked_out``): a change would never be bought.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, joinedload

from shop.cart.models import Cart, CartLine
from shop.catalog.models import Farm, Product, ProductStatus, Variant
from shop.db import utcnow
from shop.errors import Conflict, DomainError

CART_MAX_QUANTITY = 99
TOKEN_MAX_LENGTH = 64
# What secrets.token_urlsafe makes; anything else (a NUL from a URL, say, which PostgreSQL would
# refuse with an error) names no cart.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,%d}" % TOKEN_MAX_LENGTH)
# Ids come from forms, URLs and JSON; anything outside a 32-bit key cannot exist (and would make
# PostgreSQL raise "integer out of range" instead of answering "no such row").
_MAX_ID = 2**31 - 1

# Line problems shown on the cart page (and refused later by checkout).
PROBLEM_INSUFFICIENT_STOCK = "insufficient_stock"
PROBLEM_UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class CartLineView:
    variant: Variant
    product: Product
    quantity: int
    unit_price_fen: int
    line_total_fen: int
    available: int
    problem: str | None  # None, PROBLEM_INSUFFICIENT_STOCK or PROBLEM_UNAVAILABLE


@dataclass(frozen=True)
class FarmGroup:
    farm: Farm
    lines: list[CartLineView]
    subtotal_fen: int


@dataclass(frozen=True)
class CartView:
    """A cart as the shopper sees it now: lines grouped by farm, in the order farms were added."""

    token: str | None
    groups: list[FarmGroup] = field(default_factory=list)
    total_fen: int = 0
    item_count: int = 0  # sum of quantities
    has_problems: bool = False

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def lines(self) -> list[CartLineView]:
        return [line for group in self.groups for line in group.lines]


def max_quantity() -> int:
    """The most of one variant a cart may hold (``CART_MAX_QUANTITY`` setting, default 99)."""
    if has_app_context():
        return int(current_app.config.get("CART_MAX_QUANTITY", CART_MAX_QUANTITY))
    return CART_MAX_QUANTITY


def create_cart(session: Session) -> Cart:
    """A new empty cart with an unguessable token (43 URL-safe characters)."""
    cart = Cart(token=secrets.token_urlsafe(32))
    session.add(cart)
    session.flush()
    return cart


def get_cart(session: Session, token: object) -> Cart | None:
    """The cart with this token, or None (also for a malformed token, without a query)."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    return session.scalars(sa.select(Cart).where(Cart.token == token)).one_or_none()


def count_items(session: Session, token: object) -> int:
    """Total quantity in the cart with this token, in one query (0 for no or unknown cart)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        return 0
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(CartLine.quantity), 0))
        .join(Cart, Cart.id == CartLine.cart_id)
        .where(Cart.token == token)
    )
    return int(total or 0)


def add_line(session: Session, cart: Cart, variant_id: object, quantity: object) -> CartLine:
    """Add ``quantity`` (1..max) of a variant; an existing line for it grows by that much.

    Returns the line (variant and product loaded).  Raises DomainError and writes nothing when
    the quantity is invalid, the variant is not on sale, or the line would exceed the stock or
    the per-line maximum.
    """
    limit = max_quantity()
    _check_quantity(quantity, minimum=1, maximum=limit)
    variant = _variant_on_sale(session, variant_id)
    _lock(session, cart)
    line = _find_line(session, cart, variant.id)
    in_cart = line.quantity if line is not None else 0
    wanted = in_cart + quantity
    if wanted > limit:
        raise Conflict("quantity_limit",
                       "You can have at most %(max)s of one item in your cart (%(in_cart)s already).",
                       max=limit, in_cart=in_cart)
    _check_stock(variant, wanted, in_cart, adding=True)
    if line is None:
        line = CartLine(cart_id=cart.id, variant_id=variant.id, quantity=wanted)
        session.add(line)
    else:
        line.quantity = wanted
    session.flush()
    session.expire(cart, ["lines"])
    return line


def set_quantity(session: Session, cart: Cart, variant_id: object, quantity: object) -> CartLine | None:
    """Make the line for this variant hold exactly ``quantity`` (0..max); 0 removes it.

    Creates the line when the cart has none for the variant.  Returns the line, or None when it
    was removed.  Same refusals as :func:`add_line`.
    """
    _check_quantity(quantity, minimum=0, maximum=max_quantity())
    if quantity == 0:
        remove_line(session, cart, variant_id)
        return None
    variant = _variant_on_sale(session, variant_id)
    _lock(session, cart)
    line = _find_line(session, cart, variant.id)
    in_cart = line.quantity if line is not None else 0
    _check_stock(variant, quantity, in_cart, adding=False)
    if line is None:
        line = CartLine(cart_id=cart.id, variant_id=variant.id, quantity=quantity)
        session.add(line)
    else:
        line.quantity = quantity
    session.flush()
    session.expire(cart, ["lines"])
    return line


def remove_line(session: Session, cart: Cart, variant_id: object) -> bool:
    """Remove the line for this variant (even if its product is no longer on sale).

    Idempotent: returns False when there was no such line.
    """
    if not _is_id(variant_id):
        return False
    _lock(session, cart)
    line = _find_line(session, cart, variant_id)
    if line is None:
        return False
    session.delete(line)
    session.flush()
    session.expire(cart, ["lines"])
    return True


def view_cart(session: Session, cart: Cart | None) -> CartView:
    """The cart priced from the variants' current prices and checked against current stock.

    One SQL statement for any number of lines (lines, variants, products, farms and regions
    joined); none for ``cart=None``.  Lines whose product was hidden or whose stock fell below
    the quantity are kept and flagged with ``problem``; they still count in the totals shown.
    """
    if cart is None:
        return CartView(token=None)
    rows = session.execute(
        sa.select(CartLine, Variant, Product, Farm)
        .join(Variant, Variant.id == CartLine.variant_id)
        .join(Product, Product.id == Variant.product_id)
        .join(Farm, Farm.id == Product.farm_id)
        .options(joinedload(Farm.region))
        .where(CartLine.cart_id == cart.id)
        .order_by(CartLine.id)
    ).all()

    by_farm: dict[int, tuple[Farm, list[CartLineView]]] = {}
    for line, variant, product, farm in rows:
        if product.status != ProductStatus.ACTIVE:
            problem = PROBLEM_UNAVAILABLE
        elif variant.stock < line.quantity:
            problem = PROBLEM_INSUFFICIENT_STOCK
        else:
            problem = None
        by_farm.setdefault(farm.id, (farm, []))[1].append(CartLineView(
            variant=variant,
            product=product,
            quantity=line.quantity,
            unit_price_fen=variant.price_fen,
            line_total_fen=variant.price_fen * line.quantity,
            available=variant.stock,
            problem=problem,
        ))

    groups = [FarmGroup(farm=farm, lines=lines, subtotal_fen=sum(l.line_total_fen for l in lines))
              for farm, lines in by_farm.values()]
    return CartView(
        token=cart.token,
        groups=groups,
        total_fen=sum(g.subtotal_fen for g in groups),
        item_count=sum(l.quantity for g in groups for l in g.lines),
        has_problems=any(l.problem for g in groups for l in g.lines),
    )


# --- rules ---------------------------------------------------------------------------------------

def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= _MAX_ID


def _check_quantity(quantity: object, *, minimum: int, maximum: int) -> None:
    # bool is an int in Python; JSON true must not mean 1.
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not minimum <= quantity <= maximum:
        raise DomainError("invalid_quantity",
                          "Quantity must be a whole number from %(min)s to %(max)s.",
                          min=minimum, max=maximum)


def _variant_on_sale(session: Session, variant_id: object) -> Variant:
    variant = session.get(Variant, variant_id, options=[joinedload(Variant.product)]) if _is_id(variant_id) else None
    if variant is None or variant.product.status != ProductStatus.ACTIVE:
        raise DomainError("unknown_variant", "This product is not available.")
    return variant


def _check_stock(variant: Variant, wanted: int, in_cart: int, *, adding: bool) -> None:
    if wanted <= variant.stock:
        return
    if variant.stock <= 0:
        raise Conflict("insufficient_stock", "Sorry, this item is sold out.",
                       available=0, in_cart=in_cart)
    if adding and in_cart:
        raise Conflict("insufficient_stock",
                       "Only %(available)s left in stock, and %(in_cart)s are already in your cart.",
                       available=variant.stock, in_cart=in_cart)
    raise Conflict("insufficient_stock", "Only %(available)s left in stock.",
                   available=variant.stock, in_cart=in_cart)


class CartCheckedOut(Conflict):
    def __init__(self):
        super().__init__("cart_checked_out", "This cart has already been checked out. Start a new cart.")


def _lock(session: Session, cart: Cart) -> None:
    """Touch the cart row, or raise ``CartCheckedOut`` if the cart already became an order.

    Records the activity and, on PostgreSQL, takes the row lock so that concurrent changes to one
    cart run one after the other (SQLite's BEGIN IMMEDIATE already serialises writers).  The
    ``checked_out_at IS NULL`` condition is evaluated under that lock: a checkout committing at the
    same moment makes this statement wait and then match nothing, so no change slips in after it.
    """
    touched = session.execute(sa.update(Cart).where(Cart.id == cart.id, Cart.checked_out_at.is_(None))
                              .values(updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if touched != 1:
        raise CartCheckedOut()


def mark_checked_out(session: Session, cart: Cart) -> None:
    """Freeze the cart: checkout calls this in the unit of work that places the cart's order."""
    session.execute(sa.update(Cart).where(Cart.id == cart.id).values(checked_out_at=utcnow())
                    .execution_options(synchronize_session=False))
    session.expire(cart, ["checked_out_at"])


def is_checked_out(cart: Cart) -> bool:
    return cart.checked_out_at is not None


def _find_line(session: Session, cart: Cart, variant_id: int) -> CartLine | None:
    # populate_existing: read the line as committed now (after the lock), not as cached earlier.
    return session.scalars(
        sa.select(CartLine)
        .where(CartLine.cart_id == cart.id, CartLine.variant_id == variant_id)
        .execution_options(populate_existing=True)
    ).one_or_none()
