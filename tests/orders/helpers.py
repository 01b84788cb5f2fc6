"""Given steps shared by the order tests: orders placed and paid through the real use cases.

Everything is committed in its own unit of work, so requests made afterwards see it as in production.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from shop import db
from shop.accounts.addresses import AddressData
from shop.cart import services as carts
from shop.checkout.services import place_order
from shop.orders.models import Order
from shop.orders.services import mark_order_paid
from shop.payments.models import Payment, PaymentStatus
from shop.payments.services import payment_for_checkout
from tests.factories import FarmFactory, ProductFactory

ADDRESS = AddressData(recipient="金美玉", mobile="13800138000", province="吉林省", city="延边朝鲜族自治州",
                      district="延吉市", street="光明街 88 号 2 单元 301 室", postcode="133000")


@dataclass(frozen=True)
class PlacedOrder:
    id: int
    number: str
    token: str
    variant_ids: list[int]  # one per farm, in farm order
    line_ids: list[int]
    total_fen: int


def given_products(app, *, stock: int = 5, contact_emails=(None, None)) -> list[int]:
    """Two farms with one product each: 松茸 ¥128.00 (ships free) and 红茶 ¥30.00 (+¥10 shipping)."""
    with app.app_context():
        a = FarmFactory(name_zh="长白山林下合作社", name_en="Changbai Forest Co-op", contact_email=contact_emails[0])
        b = FarmFactory(name_zh="普安茶园", name_en="Pu'an Tea Garden", contact_email=contact_emails[1])
        p = ProductFactory(farm=a, name_zh="安图野生松茸", name_en="Antu wild matsutake",
                           variants=[{"price_fen": 12800, "stock": stock, "weight_g": 250}])
        q = ProductFactory(farm=b, name_zh="普安红茶", name_en="Pu'an black tea",
                           variants=[{"price_fen": 3000, "stock": stock, "weight_g": 500}])
        db.session().commit()
        return [p.variants[0].id, q.variants[0].id]


def given_order(app, variant_ids: list[int], *, quantities=None, customer_id: int | None = None,
                email: str = "buyer@example.com", created_at: dt.datetime | None = None) -> PlacedOrder:
    """A cart with ``quantities`` (default 2 and 1) of the variants, checked out."""
    quantities = quantities or [2, 1][:len(variant_ids)]
    with app.app_context():
        with db.unit_of_work() as s:
            cart = carts.create_cart(s)
            for variant_id, quantity in zip(variant_ids, quantities):
                carts.add_line(s, cart, variant_id, quantity)
        with db.unit_of_work() as s:
            order = place_order(s, cart, email=email, address=ADDRESS, customer_id=customer_id).order
            if created_at is not None:
                order.created_at = created_at
            line_ids = [line.id for fo in order.farm_orders for line in fo.lines]
        return PlacedOrder(order.id, order.number, order.access_token, list(variant_ids), line_ids, order.total_fen)


def given_paid(app, order: PlacedOrder) -> int:
    """The order paid through the test gateway (payment succeeded, order marked paid); the payment id."""
    with app.app_context(), db.unit_of_work() as s:
        payment = payment_for_checkout(s, order.id, "test")
        payment.status = PaymentStatus.SUCCEEDED
        payment.payment_intent_id = f"pi_test_{payment.id}"
        payment.succeeded_at = db.utcnow()
        mark_order_paid(s, order.id, actor="test", payment_ref="evt_test")
        return payment.id


def load_order(app, order_id: int) -> Order:
    with app.app_context():
        s = db.session()
        order = s.get(Order, order_id)
        order.farm_orders, order.lines  # loaded while the session is open  # noqa: B018
        for fo in order.farm_orders:
            fo.lines  # noqa: B018
        return order


def count(app, model) -> int:
    with app.app_context():
        return db.session().scalar(sa.select(sa.func.count()).select_from(model))


def stock_of(app, variant_id: int) -> int:
    from shop.catalog.models import Variant

    with app.app_context():
        return db.session().scalar(sa.select(Variant.stock).where(Variant.id == variant_id))


def payments_of(app, order_id: int) -> list[Payment]:
    with app.app_context():
        return list(db.session().scalars(sa.select(Payment).where(Payment.order_id == order_id)))
