"""Checkout throughput on PostgreSQL: the JSON API under gunicorn against a raw loop of the same SQL.

Both runs start from the same kind of batch, made beforehand and not timed: carts holding one unit
of a Yanbian product and one of a Qianxinan product (so each order has two farm parts), and a stock
of the first product of 90 % of the carts, so the last tenth of the checkouts meet a sold-out answer.

- **API**: ``POST /api/v1/carts/<token>/checkout`` from ``clients`` client threads against
  the shop under gunicorn, i.e. everything a shopper's checkout costs: parsing and validation,
  ``place_order`` (cart lock, conditional stock UPDATEs, order, farm orders, lines, reservations,
  event), then ``start_payment`` (payment row and the test gateway's session, two more
  transactions) and the JSON answer.
- **Raw SQL**: the same statements in the same three transactions with psycopg from ``connections``
  threads (as many as gunicorn has workers), without Flask, SQLAlchemy or HTTP.

Afterwards the database is checked per batch: the units ordered plus the stock left must equal the
stock at the start, and the stock must not be negative; ``oversold`` counts units sold beyond it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import queue
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field

import psycopg
import sqlalchemy as sa
from flask import Flask
from psycopg.types.json import Json
from sqlalchemy.engine import make_url

from bench.load import percentile
from shop import db
from shop.cart.models import Cart, CartLine
from shop.catalog.models import Category, Farm, Product, Region, Variant
from shop.catalog.services import refresh_product
from shop.orders.models import OrderLine
from shop.shipping.services import quote_shipping

ADDRESS = {"recipient": "王小明", "mobile": "13800138000", "province": "浙江省", "city": "宁波市",
           "district": "鄞州区", "street": "钱湖北路 1 号 3 幢 502 室", "postcode": "315100"}
SOLD_OUT_SHARE = 0.1


@dataclass
class Batch:
    """Carts ready to check out, and the stock they compete for."""

    label: str
    variant_ids: list[int]
    product_ids: list[int]
    carts: list[tuple[int, str]]  # (id, token)
    stock: int  # of variant_ids[0] at the start


@dataclass
class CheckoutRun:
    label: str
    concurrency: int
    attempts: int
    placed: int
    sold_out: int
    other: dict[str, int]
    seconds: float
    p50_ms: float
    p99_ms: float
    stock_start: int = 0
    stock_left: int = 0
    units_ordered: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Checkouts answered per second (placed or sold out: both are complete checkouts)."""
        return (self.placed + self.sold_out) / self.seconds if self.seconds else 0.0

    @property
    def oversold(self) -> int:
        return max(0, self.units_ordered - self.stock_start) + max(0, -self.stock_left)

    @property
    def consistent(self) -> bool:
        return self.stock_start - self.stock_left == self.units_ordered

    def as_dict(self) -> dict:
        return asdict(self) | {"per_second": round(self.per_second, 1), "oversold": self.oversold,
                               "consistent": self.consistent}


# --- the batch ---------------------------------------------------------------------------------------

def prepare_batch(app: Flask, label: str, carts: int) -> Batch:
    """Two farms' products and ``carts`` carts holding one unit of each (bulk-inserted)."""
    stock = carts - int(carts * SOLD_OUT_SHARE)
    tag = secrets.token_hex(4)
    with app.app_context(), db.unit_of_work() as s:
        category = s.scalar(sa.select(Category).where(Category.slug == "bench-orders"))
        if category is None:
            category = Category(slug="bench-orders", name_zh="基准", name_en="Benchmark")
            s.add(category)
        products = []
        for slug, region_zh, farm_zh, product_zh, price, weight, units in (
                ("yanbian", "延边", "安图林下合作社", "长白山野生松茸", 16800, 250, stock),
                ("qianxinan", "黔西南", "普安茶园", "普安红茶", 6800, 100, carts * 2)):
            region = s.scalar(sa.select(Region).where(Region.slug == f"bench-{slug}"))
            if region is None:
                region = Region(slug=f"bench-{slug}", name_zh=region_zh, name_en=slug.title())
                s.add(region)
            farm = Farm(region=region, name_zh=f"{farm_zh} {tag}", name_en=f"Bench farm {tag}", verified=True)
            product = Product(farm=farm, region=region, category=category, name_zh=product_zh, name_en=product_zh)
            product.variants.append(Variant(sku=f"BENCH-{label}-{slug}-{tag}", label_zh="一份", label_en="one",
                                            weight_g=weight, price_fen=price, stock=units))
            s.add(product)
            products.append(product)
        s.flush()
        for product in products:
            refresh_product(s, product)
        variant_ids = [p.variants[0].id for p in products]
        product_ids = [p.id for p in products]
        now = db.utcnow()
        tokens = [secrets.token_urlsafe(32) for _ in range(carts)]
        ids = s.scalars(sa.insert(Cart).returning(Cart.id, sort_by_parameter_order=True),
                        [{"token": t, "created_at": now, "updated_at": now} for t in tokens]).all()
        s.execute(sa.insert(CartLine), [{"cart_id": i, "variant_id": v, "quantity": 1, "added_at": now}
                                        for i in ids for v in variant_ids])
    return Batch(label=label, variant_ids=variant_ids, product_ids=product_ids, carts=list(zip(ids, tokens)),
                 stock=stock)


def settle(app: Flask, batch: Batch, run: CheckoutRun) -> CheckoutRun:
    """Fill in what the database says about the batch's stock after the run."""
    first = batch.variant_ids[0]
    with app.app_context():
        s = db.session()
        run.stock_start = batch.stock
        run.stock_left = s.scalar(sa.select(Variant.stock).where(Variant.id == first))
        run.units_ordered = s.scalar(sa.select(sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
                                     .where(OrderLine.variant_id == first))
    if run.placed != run.units_ordered:
        run.notes.append(f"{run.placed} checkouts answered as placed but {run.units_ordered} units ordered")
    return run


def _summary(label: str, concurrency: int, outcomes: list[tuple[str, float]], seconds: float) -> CheckoutRun:
    counts: dict[str, int] = {}
    for outcome, _ in outcomes:
        counts[outcome] = counts.get(outcome, 0) + 1
    ms = [t * 1000 for _, t in outcomes] or [0.0]
    placed, sold_out = counts.pop("placed", 0), counts.pop("sold_out", 0)
    return CheckoutRun(label=label, concurrency=concurrency, attempts=len(outcomes), placed=placed, sold_out=sold_out,
                       other=counts, seconds=seconds, p50_ms=percentile(ms, 50), p99_ms=percentile(ms, 99))


def _run_threads(work, items: list, threads: int):
    """A shared queue of ``items`` and a thread body running ``work(state, item) -> outcome`` on them.

    Returns ``(outcomes, start, loop)``: the list the threads fill with ``(outcome, seconds)``, the
    barrier they pass once their connection is open, and ``loop(make_state)`` to start threads on.
    """
    todo: queue.SimpleQueue = queue.SimpleQueue()
    for item in items:
        todo.put(item)
    outcomes: list[tuple[str, float]] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def loop(make_state):
        state = make_state()
        mine = []
        start.wait()
        try:
            while True:
                try:
                    item = todo.get_nowait()
                except queue.Empty:
                    break
                t0 = time.perf_counter()
                try:
                    outcome = work(state, item)
                except Exception as exc:  # noqa: BLE001 - counted, not fatal
                    outcome = f"error {type(exc).__name__}"
                mine.append((outcome, time.perf_counter() - t0))
        finally:
            close = getattr(state, "close", None)
            if close:
                close()
        with lock:
            outcomes.extend(mine)

    return outcomes, start, loop


# --- through the API ---------------------------------------------------------------------------------

def run_api(base_url: str, batch: Batch, clients: int) -> CheckoutRun:
    """Check every cart of ``batch`` out through the JSON API from ``clients`` connections."""
    host, port = base_url.split("//", 1)[1].split(":")
    body_of = {token: json.dumps({"email": f"bench{cid}@example.com", "address": ADDRESS}, ensure_ascii=False).encode()
               for cid, token in batch.carts}

    def work(conn: http.client.HTTPConnection, cart) -> str:
        _cid, token = cart
        conn.request("POST", f"/api/v1/carts/{token}/checkout", body=body_of[token],
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        if response.status == 201:
            return "placed"
        if response.status == 409 and b'"sold_out"' in data:
            return "sold_out"
        return f"HTTP {response.status}"

    outcomes, start, loop = _run_threads(work, batch.carts, clients)
    threads = [threading.Thread(target=loop, args=(lambda: http.client.HTTPConnection(host, int(port), timeout=60),))
               for _ in range(clients)]
    return _timed(threads, start, outcomes, f"JSON API checkout (gunicorn, {clients} clients)", clients)


def _timed(threads, start, outcomes, label: str, concurrency: int) -> CheckoutRun:
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return _summary(label, concurrency, outcomes, time.perf_counter() - began)


# --- the same SQL, by hand -----------------------------------------------------------------------------

LINES_SQL = """
SELECT cl.variant_id, cl.quantity, v.price_fen, v.weight_g, v.sku, v.label_zh, v.label_en,
       p.id, p.farm_id, p.name_zh, p.name_en, p.status
FROM cart_line cl JOIN variant v ON v.id = cl.variant_id JOIN product p ON p.id = v.product_id
WHERE cl.cart_id = %s ORDER BY cl.variant_id"""
ORDER_SQL = """
INSERT INTO shop_order (number, access_token, checkout_key, customer_id, email, locale, status, currency,
    goods_fen, shipping_fen, total_fen, refunded_fen, recipient, mobile, province, city, district, street,
    postcode, reserved_until, created_at, updated_at)
VALUES (%s, %s, %s, NULL, %s, 'zh', 'pending_payment', 'CNY', %s, %s, %s, 0, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
RETURNING id"""
FARM_ORDER_SQL = """
INSERT INTO farm_order (order_id, farm_id, status, goods_fen, shipping_fen, total_fen, weight_g, refunded_fen,
    carrier, tracking_number, updated_at)
VALUES (%s, %s, 'pending_payment', %s, %s, %s, %s, 0, '', '', %s) RETURNING id"""
LINE_SQL = """
INSERT INTO order_line (order_id, farm_order_id, variant_id, product_id, sku, product_name_zh, product_name_en,
    variant_label_zh, variant_label_en, unit_price_fen, quantity, weight_g, line_total_fen, refunded_quantity)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0)"""
EVENT_SQL = """
INSERT INTO order_event (order_id, farm_order_id, kind, from_status, to_status, actor, data, created_at)
VALUES (%s, NULL, %s, '', %s, %s, %s, %s)"""
RESERVATION_SQL = """
INSERT INTO stock_reservation (order_id, variant_id, quantity, state, expires_at, created_at)
VALUES (%s, %s, %s, 'active', %s, %s)"""
IN_STOCK_SQL = """
UPDATE product SET in_stock = EXISTS (SELECT 1 FROM variant WHERE variant.product_id = product.id AND variant.stock > 0),
    updated_at = %s WHERE product.id = ANY(%s)"""


def _naive_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def raw_checkout(conn: psycopg.Connection, cart_id: int, token: str) -> str:
    """One checkout in plain SQL: the statements and transactions of place_order and start_payment."""
    now = _naive_utc()
    key = hashlib.sha256(f"cart:{token}".encode()).hexdigest()
    with conn.transaction():
        conn.execute("SELECT id FROM cart WHERE id = %s FOR UPDATE", (cart_id,))
        if conn.execute("SELECT id FROM shop_order WHERE checkout_key = %s", (key,)).fetchone():
            return "repeat"
        lines = conn.execute(LINES_SQL, (cart_id,)).fetchall()
        for variant_id, qty, *_rest in lines:
            taken = conn.execute("UPDATE variant SET stock = stock - %s WHERE id = %s AND stock >= %s",
                                 (qty, variant_id, qty)).rowcount
            if taken != 1:
                conn.execute("SELECT stock FROM variant WHERE id = %s", (variant_id,))
                raise _SoldOut()
        farms: dict[int, list] = {}
        for line in lines:
            farms.setdefault(line[8], []).append(line)
        conn.execute("SELECT farm_id, mode, flat_fee_fen, first_weight_g, first_fee_fen, extra_weight_g, "
                     "extra_fee_fen, free_above_fen FROM shipping_rule WHERE farm_id = ANY(%s)", (list(farms),))
        parts = []
        for farm_id, farm_lines in sorted(farms.items()):
            goods = sum(l[2] * l[1] for l in farm_lines)
            weight = sum(l[3] * l[1] for l in farm_lines)
            parts.append((farm_id, farm_lines, goods, quote_shipping(None, goods, weight), weight))
        goods_total = sum(p[2] for p in parts)
        shipping_total = sum(p[3] for p in parts)
        total = goods_total + shipping_total
        a = ADDRESS
        order_id = conn.execute(ORDER_SQL, (
            f"HB{now:%Y%m%d}{secrets.randbelow(10**8):08d}", secrets.token_urlsafe(32), key,
            f"bench{cart_id}@example.com", goods_total, shipping_total, total, a["recipient"], a["mobile"],
            a["province"], a["city"], a["district"], a["street"], a["postcode"],
            now + dt.timedelta(minutes=15), now, now)).fetchone()[0]
        for farm_id, farm_lines, goods, shipping, weight in parts:
            farm_order_id = conn.execute(FARM_ORDER_SQL, (order_id, farm_id, goods, shipping, goods + shipping,
                                                          weight, now)).fetchone()[0]
            for variant_id, qty, price, weight_g, sku, label_zh, label_en, product_id, _f, name_zh, name_en, _s \
                    in farm_lines:
                conn.execute(LINE_SQL, (order_id, farm_order_id, variant_id, product_id, sku, name_zh, name_en,
                                        label_zh, label_en, price, qty, weight_g, price * qty))
        conn.execute(EVENT_SQL, (order_id, "placed", "pending_payment", "guest",
                                 Json({"total_fen": total, "farms": sorted(farms)}), now))
        for variant_id, qty, *_rest in lines:
            conn.execute(RESERVATION_SQL, (order_id, variant_id, qty, now + dt.timedelta(minutes=15), now))
        conn.execute(IN_STOCK_SQL, (now, sorted({l[7] for l in lines})))
    with conn.transaction():  # start_payment, first unit of work: the payment row under the order's lock
        conn.execute("SELECT id, status, total_fen FROM shop_order WHERE id = %s FOR UPDATE", (order_id,))
        conn.execute("SELECT id FROM farm_order WHERE order_id = %s", (order_id,))
        conn.execute("SELECT id FROM payment WHERE order_id = %s AND gateway = 'test' "
                     "AND status IN ('pending', 'processing') ORDER BY id DESC LIMIT 1", (order_id,))
        payment_id = conn.execute(
            "INSERT INTO payment (order_id, gateway, status, amount_fen, currency, refunded_fen, redirect_url, "
            "created_at, updated_at) VALUES (%s, 'test', 'pending', %s, 'CNY', 0, '', %s, %s) RETURNING id",
            (order_id, total, now, now)).fetchone()[0]
        conn.execute(EVENT_SQL, (order_id, "payment_started", "", "system",
                                 Json({"payment_id": payment_id, "gateway": "test"}), now))
    session_id = "cs_test_hb_" + secrets.token_urlsafe(24)
    with conn.transaction():  # second unit of work: attach the gateway's session
        conn.execute("SELECT id, checkout_session_id FROM payment WHERE id = %s FOR UPDATE", (payment_id,))
        conn.execute("UPDATE payment SET checkout_session_id = %s, redirect_url = %s, updated_at = %s WHERE id = %s",
                     (session_id, f"http://127.0.0.1/pay/test/{session_id}", now, payment_id))
    return "placed"


class _SoldOut(Exception):
    pass


def run_raw(database_url: str, batch: Batch, connections: int) -> CheckoutRun:
    """Check every cart of ``batch`` out with ``raw_checkout`` from ``connections`` threads."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)

    def work(conn: psycopg.Connection, cart) -> str:
        try:
            return raw_checkout(conn, *cart)
        except _SoldOut:
            return "sold_out"

    outcomes, start, loop = _run_threads(work, batch.carts, connections)
    threads = [threading.Thread(target=loop, args=(lambda: psycopg.connect(dsn, autocommit=True),))
               for _ in range(connections)]
    return _timed(threads, start, outcomes, f"raw SQL loop (psycopg, {connections} connections)", connections)
