"""Checkout use cases: place an order from a cart, release reservations that expired.

Stock safety: a reservation takes stock with one conditional statement per variant,
``UPDATE variant SET stock = stock - n WHERE id = :id AND stock >= n``, in variant-id order.  The
statement either takes the stock or changes nothing, so concurrent buyers can never drive stock
below zero (the CHECK constraint is the last line of defence).  On SQLite the caller's unit of work
opens with BEGIN IMMEDIATE, so writers queue; on PostgreSQL the row lock taken by the UPDATE makes a
second buyer wait and then re-check ``stock >= n`` against the committed value.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import Mapping, Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.accounts.addresses import AddressData, validate_address
from shop.accounts.errors import InvalidInput
from shop.accounts.services import normalize_email
from shop.cart.models import Cart, CartLine
from shop.cart import services as carts
from shop.cart.services import CartView, FarmGroup, view_cart
from shop.catalog.models import Product, ProductStatus, Variant
from shop.db import utcnow
from shop.errors import Conflict, DomainError
from shop.orders.models import FarmOrder, Order, OrderEvent, OrderLine, StockReservation
from shop.orders.states import FarmOrderStatus, OrderStatus
from shop.shipping.models import ShippingRule
from shop.shipping.services import quote_shipping

DEFAULT_RESERVATION_TTL = dt.timedelta(minutes=15)


class DeliveryAddress(Protocol):
    recipient: str
    mobile: str
    province: str
    city: str
    district: str
    street: str
    postcode: str


class SoldOut(Conflict):
    """A line cannot be reserved.  ``variant_id`` and both product names let a page say which."""

    def __init__(self, sku: str, available: int, *, variant_id: int | None = None,
                 name_zh: str = "", name_en: str = ""):
        super().__init__("sold_out", "Sorry, %(sku)s has only %(available)s left.", sku=sku, available=available)
        self.sku, self.available = sku, available
        self.variant_id, self.name_zh, self.name_en = variant_id, name_zh, name_en


@dataclass(frozen=True)
class CheckoutResult:
    order: Order
    created: bool  # False when a repeated submission found the order placed the first time


@dataclass(frozen=True)
class FarmQuote:
    """One farm's parcel as checkout would price it now."""

    group: FarmGroup  # the farm and its cart lines (shop.cart.services.view_cart)
    weight_g: int
    shipping_fen: int

    @property
    def goods_fen(self) -> int:
        return self.group.subtotal_fen

    @property
    def total_fen(self) -> int:
        return self.group.subtotal_fen + self.shipping_fen


@dataclass(frozen=True)
class CartQuote:
    """A cart priced for checkout: goods, each farm's shipping and the total, all in fen."""

    cart: CartView
    farms: list[FarmQuote]

    @property
    def goods_fen(self) -> int:
        return sum(f.goods_fen for f in self.farms)

    @property
    def shipping_fen(self) -> int:
        return sum(f.shipping_fen for f in self.farms)

    @property
    def total_fen(self) -> int:
        return self.goods_fen + self.shipping_fen

    @property
    def is_empty(self) -> bool:
        return not self.farms


@dataclass(frozen=True)
class CheckoutDetails:
    """What a shopper types at checkout, checked: a normalised email and delivery address."""

    email: str
    address: AddressData


def shipping_rules(session: Session, farm_ids) -> dict[int, ShippingRule]:
    """The shipping rules of these farms by farm id (a farm without one ships at the default)."""
    ids = list(farm_ids)
    if not ids:
        return {}
    return {r.farm_id: r for r in session.scalars(sa.select(ShippingRule).where(ShippingRule.farm_id.in_(ids)))}


def quote_cart(session: Session, cart: Cart | None) -> CartQuote:
    """The cart as checkout would charge it now: current prices, one shipping fee per farm.

    Uses the same rules and the same ``quote_shipping`` arithmetic as ``place_order``, so the
    checkout page shows exactly what the order will cost (unless prices change in between, in which
    case the order takes the new prices: nothing here is trusted later).  Two queries.
    """
    view = view_cart(session, cart)
    rules = shipping_rules(session, (g.farm.id for g in view.groups))
    farms = []
    for group in view.groups:
        weight = sum(line.variant.weight_g * line.quantity for line in group.lines)
        farms.append(FarmQuote(group=group, weight_g=weight,
                               shipping_fen=quote_shipping(rules.get(group.farm.id), group.subtotal_fen, weight)))
    return CartQuote(cart=view, farms=farms)


def check_checkout_details(email: object, address: Mapping | object) -> CheckoutDetails:
    """Validate the shopper's email and address together; ``InvalidInput`` names every bad field.

    Address fields keep their names (``recipient``, ``mobile``…); the email's is ``email``.  An
    address that is not a mapping (e.g. a JSON string) counts as all fields missing.
    """
    errors: dict[str, str] = {}
    clean_email = None
    try:
        clean_email = normalize_email(email)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    clean_address = None
    try:
        clean_address = validate_address(address if isinstance(address, Mapping) else {})
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if errors:
        raise InvalidInput(errors)
    return CheckoutDetails(email=clean_email, address=clean_address)


#: Draws of an order number before a checkout gives up: with 12 random digits a day, even a million
#: orders a day make a second collision in a row practically impossible.
ORDER_NUMBER_ATTEMPTS = 5


def order_number(now: dt.datetime) -> str:
    """Human-friendly, unguessable-enough order number: HB + date + 12 random digits."""
    return f"HB{now:%Y%m%d}{secrets.randbelow(10**12):012d}"


def _insert_order(session: Session, **columns) -> Order:
    """Insert the order row under a fresh random number, drawing again (in a savepoint) while the
    number is taken; any other integrity error is raised."""
    for attempt in range(1, ORDER_NUMBER_ATTEMPTS + 1):
        order = Order(number=order_number(columns["created_at"]), **columns)
        try:
            with session.begin_nested():
                session.add(order)
                session.flush()
            return order
        except sa.exc.IntegrityError:
            taken = session.scalar(sa.select(sa.exists().where(Order.number == order.number)))
            if not taken or attempt == ORDER_NUMBER_ATTEMPTS:
                raise
    raise AssertionError("unreachable")


def checkout_key(cart: Cart) -> str:
    """One cart checks out once: a second submit of the same cart finds the first order."""
    return hashlib.sha256(f"cart:{cart.token}".encode()).hexdigest()


def find_order_for_cart(session: Session, cart: Cart) -> Order | None:
    return session.scalars(sa.select(Order).where(Order.checkout_key == checkout_key(cart))).one_or_none()


def place_order(session: Session, cart: Cart, *, email: str, address: DeliveryAddress,
                customer_id: int | None = None, locale: str = "zh",
                reservation_ttl: dt.timedelta = DEFAULT_RESERVATION_TTL) -> CheckoutResult:
    """Create the order, its per-farm parts and lines, and reserve stock until payment.

    Idempotent per cart: if this cart already became an order, that order is returned with
    ``created=False``.  Prices, shipping and totals are computed here from the database; nothing a
    client sends about money is used.  Raises ``SoldOut`` (409) when any line cannot be reserved, in
    which case nothing is written.  Also enqueues nothing: the caller sends follow-up work after
    commit (see shop.payments).
    """
    # Lock the cart row first: a second submit of the same cart waits here until the first commits
    # and then finds its order, instead of racing it to the unique checkout_key (PostgreSQL; on
    # SQLite the unit of work's BEGIN IMMEDIATE already serialises the two).
    session.execute(sa.select(Cart.id).where(Cart.id == cart.id).with_for_update())
    existing = find_order_for_cart(session, cart)
    if existing is not None:
        return CheckoutResult(existing, created=False)

    lines = session.scalars(
        sa.select(CartLine).where(CartLine.cart_id == cart.id)
        .options(joinedload(CartLine.variant).joinedload(Variant.product))
        .order_by(CartLine.variant_id)
    ).all()
    if not lines:
        raise DomainError("cart_empty", "Your cart is empty.")
    for line in lines:
        if line.variant.product.status != ProductStatus.ACTIVE:
            raise Conflict("product_unavailable", "%(name)s is no longer for sale.",
                           name=line.variant.product.name_zh)

    now = utcnow()
    # Reserve in variant-id order so two checkouts never wait on each other's rows in a cycle.
    for line in lines:
        taken = session.execute(
            sa.update(Variant).where(Variant.id == line.variant_id, Variant.stock >= line.quantity)
            .values(stock=Variant.stock - line.quantity)
            .execution_options(synchronize_session=False)
        ).rowcount
        session.expire(line.variant, ["stock"])
        if taken != 1:
            available = session.scalar(sa.select(Variant.stock).where(Variant.id == line.variant_id)) or 0
            raise SoldOut(line.variant.sku, available, variant_id=line.variant_id,
                          name_zh=line.variant.product.name_zh, name_en=line.variant.product.name_en)

    by_farm: dict[int, list[CartLine]] = defaultdict(list)
    for line in lines:
        by_farm[line.variant.product.farm_id].append(line)
    rules = shipping_rules(session, by_farm)

    order = _insert_order(
        session, access_token=secrets.token_urlsafe(32), checkout_key=checkout_key(cart),
        customer_id=customer_id, email=email, locale=locale, status=OrderStatus.PENDING_PAYMENT,
        goods_fen=0, shipping_fen=0, total_fen=0,
        recipient=address.recipient, mobile=address.mobile, province=address.province, city=address.city,
        district=address.district, street=address.street, postcode=address.postcode or "",
        reserved_until=now + reservation_ttl, created_at=now,
    )
    for farm_id, farm_lines in sorted(by_farm.items()):
        goods = sum(l.variant.price_fen * l.quantity for l in farm_lines)
        weight = sum(l.variant.weight_g * l.quantity for l in farm_lines)
        shipping = quote_shipping(rules.get(farm_id), goods, weight)
        farm_order = FarmOrder(farm_id=farm_id, status=FarmOrderStatus.PENDING_PAYMENT, goods_fen=goods,
                               shipping_fen=shipping, total_fen=goods + shipping, weight_g=weight)
        order.farm_orders.append(farm_order)
        for l in farm_lines:
            v, p = l.variant, l.variant.product
            farm_order.lines.append(OrderLine(
                order=order, variant_id=v.id, product_id=p.id, sku=v.sku,
                product_name_zh=p.name_zh, product_name_en=p.name_en,
                variant_label_zh=v.label_zh, variant_label_en=v.label_en,
                unit_price_fen=v.price_fen, quantity=l.quantity, weight_g=v.weight_g,
                line_total_fen=v.price_fen * l.quantity))
        order.goods_fen += goods
        order.shipping_fen += shipping
    order.total_fen = order.goods_fen + order.shipping_fen
    session.flush()
    for l in lines:
        session.add(StockReservation(order_id=order.id, variant_id=l.variant_id, quantity=l.quantity,
                                     expires_at=order.reserved_until))
    session.add(OrderEvent(order_id=order.id, kind="placed", to_status=order.status.value,
                           actor=f"customer:{customer_id}" if customer_id else "guest",
                           data={"total_fen": order.total_fen, "farms": sorted(by_farm)}))
    refresh_stock_flags(session, {l.variant.product_id for l in lines})
    carts.mark_checked_out(session, cart)
    session.flush()
    return CheckoutResult(order, created=True)


def refresh_stock_flags(session: Session, product_ids: set[int]) -> None:
    """Keep Product.in_stock (used by listings) true to the variants' stock after it moved."""
    if not product_ids:
        return
    has_stock = sa.exists().where(Variant.product_id == Product.id, Variant.stock > 0)
    session.execute(sa.update(Product).where(Product.id.in_(product_ids)).values(in_stock=has_stock)
                    .execution_options(synchronize_session=False))


def release_reservations(session: Session, order: Order, *, state: str) -> int:
    """Give an order's active reservations back to stock (``state``: released) or keep the stock
    taken for good (``state``: consumed, when the order is paid).  Returns how many were closed.

    Each reservation is closed with a conditional UPDATE on its state, so a second caller (a
    re-delivered task, a racing expiry) closes nothing and returns no stock twice.
    """
    now = utcnow()
    closed = 0
    reservations = session.scalars(
        sa.select(StockReservation).where(StockReservation.order_id == order.id,
                                          StockReservation.state == "active")
        .order_by(StockReservation.variant_id)).all()
    touched: set[int] = set()
    for r in reservations:
        won = session.execute(
            sa.update(StockReservation).where(StockReservation.id == r.id, StockReservation.state == "active")
            .values(state=state, closed_at=now).execution_options(synchronize_session=False)).rowcount
        if won != 1:
            continue
        closed += 1
        if state == "released":
            session.execute(sa.update(Variant).where(Variant.id == r.variant_id)
                            .values(stock=Variant.stock + r.quantity).execution_options(synchronize_session=False))
            touched.add(r.variant_id)
    if touched:
        pids = set(session.scalars(sa.select(Variant.product_id).where(Variant.id.in_(touched))))
        refresh_stock_flags(session, pids)
    session.expire_all()
    return closed


def hold_stock_until(session: Session, order_id: int, until: dt.datetime) -> bool:
    """Keep a pending order's reserved stock until ``until`` (order and active reservations).

    Used when the gateway's checkout session outlives the reservation (Stripe's last at least 30
    minutes): a shopper paying near its end must find the stock still held, not be charged and
    refunded.  Never shortens a hold; returns False (nothing written) for an order that is no
    longer pending or is already held that long.
    """
    order = session.scalar(sa.select(Order).where(Order.id == order_id).with_for_update()
                           .execution_options(populate_existing=True))
    if order is None or order.status != OrderStatus.PENDING_PAYMENT or order.reserved_until is None \
            or order.reserved_until >= until:
        return False
    order.reserved_until = until
    session.execute(sa.update(StockReservation)
                    .where(StockReservation.order_id == order.id, StockReservation.state == "active")
                    .values(expires_at=until).execution_options(synchronize_session=False))
    session.flush()
    return True


def expired_order_ids(session: Session, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Orders still waiting for payment whose reservation time is over (oldest first)."""
    now = now or utcnow()
    return list(session.scalars(
        sa.select(Order.id).where(Order.status == OrderStatus.PENDING_PAYMENT, Order.reserved_until < now)
        .order_by(Order.reserved_until).limit(limit)))
