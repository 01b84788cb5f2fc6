"""Stock under concurrency, over HTTP against gunicorn (several processes, several threads each):
200 buyers for 50 units, and one cart checked out many times at once.  On SQLite and PostgreSQL."""
from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from shop import db
from shop.catalog.models import Product, Variant
from shop.orders.models import Order, StockReservation
from shop.payments.models import Payment
from tests.factories import ProductFactory
from tests.reliability import state
from tests.reliability.harness import all_at_once

BUYERS = 200
UNITS = 50


class StockWatch:
    """Samples a variant's stock from its own connection while buyers run; remembers the lowest."""

    def __init__(self, app, variant_id: int, interval: float = 0.01):
        self.engine = sa.create_engine(app.config["DATABASE_URL"])
        self.variant_id, self.interval = variant_id, interval
        self.samples: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        query = sa.select(Variant.stock).where(Variant.id == self.variant_id)
        while not self._stop.is_set():
            with self.engine.connect() as conn:
                self.samples.append(conn.execute(query).scalar_one())
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(10)
        self.engine.dispose()


@pytest.fixture
def fifty_units(app):
    """Given one product with exactly 50 units in stock (¥88.00 each)."""
    with app.app_context():
        product = ProductFactory(name_zh="延边苹果梨", name_en="Yanbian apple pear",
                                 variants=[{"price_fen": 8800, "stock": UNITS, "weight_g": 1000}])
        db.session().commit()
        return product.id, product.variants[0].id


def test_200_buyers_for_50_units_get_50_orders_and_150_clean_sold_out_answers(app, stack, fifty_units):
    product_id, variant_id = fifty_units
    # Given the shop served by gunicorn with 3 processes × 4 threads
    web = stack.start_web(workers=3, threads=4)
    shop = web.shop

    # And 200 buyers, each with a cart of their own holding one unit
    with ThreadPoolExecutor(max_workers=24) as pool:
        carts = list(pool.map(lambda _i: shop.new_cart((variant_id, 1)), range(BUYERS), timeout=180))
    assert len(set(carts)) == BUYERS

    # When all of them check out at the same moment (stock watched from another connection)
    started = time.monotonic()
    with StockWatch(app, variant_id) as watch:
        answers = all_at_once([lambda t=t, i=i: shop.checkout(t, email=f"buyer{i}@example.com")
                               for i, t in enumerate(carts)], timeout=180)
    elapsed = time.monotonic() - started

    # Then nothing failed on our side: 50 orders placed, 150 sold-out answers, no other outcome
    failures = [a for a in answers if isinstance(a, Exception)]
    assert not failures, failures[:3]
    statuses = sorted({a.status for a in answers})
    assert statuses == [201, 409], [(a.status, a.body[:200]) for a in answers if a.status not in (201, 409)][:5]
    placed = [a for a in answers if a.status == 201]
    refused = [a for a in answers if a.status == 409]
    assert len(placed) == UNITS and len(refused) == BUYERS - UNITS
    assert {a.error_code for a in refused} == {"sold_out"}
    assert all(a.json["payment"]["redirect_url"] for a in placed)
    web.assert_no_server_errors()

    # And while buyers raced, stock only ever went down (nothing was given back twice or taken
    # back by a failed checkout's half-written work); it ends at exactly zero, held by 50 reservations
    assert watch.samples and all(a >= b for a, b in zip(watch.samples, watch.samples[1:]))
    assert state.stock(app, variant_id) == 0
    numbers = {a.json["order"]["number"] for a in placed}
    assert len(numbers) == UNITS
    assert state.count(app, Order) == UNITS
    assert state.scalar(app, sa.select(sa.func.sum(StockReservation.quantity))
                        .where(StockReservation.state == "active")) == UNITS
    assert state.count(app, Payment) == UNITS
    assert state.scalar(app, sa.select(Product.in_stock).where(Product.id == product_id)) is False
    print(f"\n{BUYERS} checkouts at once on {app.config['DATABASE_URL'].split(':')[0]}: {elapsed:.1f} s")


def test_one_cart_checked_out_eight_times_at_once_makes_one_order_and_one_payment(app, stack, two_farms):
    # Given a cart with goods from two farms
    web = stack.start_web(workers=2, threads=4)
    token = web.shop.new_cart((two_farms[0], 2), (two_farms[1], 1))

    # When its checkout is submitted eight times at the same moment
    answers = all_at_once([lambda: web.shop.checkout(token)] * 8, timeout=120)

    # Then one submission placed the order and the others were answered with that same order
    assert not [a for a in answers if isinstance(a, Exception)]
    assert sorted(a.status for a in answers) == [200] * 7 + [201], [(a.status, a.body[:200]) for a in answers]
    assert len({a.json["order"]["number"] for a in answers}) == 1
    # And every answer sends the shopper to the same payment
    assert len({a.json["payment"]["redirect_url"] for a in answers}) == 1
    web.assert_no_server_errors()

    # And the database holds one order, one payment, and the stock was taken once
    [order] = state.rows(app, sa.select(Order))
    assert len(state.payments(app, order.id)) == 1
    assert state.stock(app, two_farms[0]) == 3 and state.stock(app, two_farms[1]) == 4
    assert sorted((r.variant_id, r.quantity) for r in state.reservations(app, order.id)) == \
        sorted([(two_farms[0], 2), (two_farms[1], 1)])
