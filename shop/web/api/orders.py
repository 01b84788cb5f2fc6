"""API v1 orders: ``GET /api/v1/orders/<number>`` for the holder of the order's access token.

The token comes as ``Authorization: Bearer <token>`` (preferred: it stays out of logs) or as
``?token=``.  A missing or wrong token answers 404 like an unknown number, so the API never tells
whether an order exists.  Order answers are private: never stored by a cache.
"""
from __future__ import annotations

from flask import jsonify, request

from shop import db
from shop.access import load_for
from shop.actors import Actor
from shop.i18n import localized
from shop.money import money_json
from shop.orders import queries
from shop.orders.access import ORDER_VIEW
from shop.orders.links import bearer_token
from shop.orders.models import FarmOrder, Order, OrderLine
from shop.web.api import bp
from shop.web.api.serializers import farm_ref


def no_store(response):
    """Mark an answer with personal data as not for caches (also overrides the catalog's caching)."""
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _time(value) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def order_line(line: OrderLine) -> dict:
    """Schema OrderLine: the price snapshot taken at checkout."""
    return {
        "id": line.id,
        "variant_id": line.variant_id,
        "product_id": line.product_id,
        "sku": line.sku,
        "name": localized(line, "product_name"),
        "variant": localized(line, "variant_label"),
        "quantity": line.quantity,
        "refunded_quantity": line.refunded_quantity,
        "unit_price": money_json(line.unit_price_fen),
        "total": money_json(line.line_total_fen),
    }


def farm_order(fo: FarmOrder) -> dict:
    """Schema FarmOrder: one farm's part of the order, shipped on its own."""
    return {
        "farm": farm_ref(fo.farm),
        "status": fo.status.value,
        "goods_total": money_json(fo.goods_fen),
        "shipping": money_json(fo.shipping_fen),
        "total": money_json(fo.total_fen),
        "carrier": fo.carrier or None,
        "tracking_number": fo.tracking_number or None,
        "lines": [order_line(line) for line in fo.lines],
    }


def order_summary(order: Order, *, with_token: bool = False) -> dict:
    """Schema OrderSummary (the checkout answer): number, status, total, and the access token."""
    summary = {"number": order.number, "status": order.status.value,
               "total": money_json(order.total_fen, order.currency)}
    if with_token:
        summary["access_token"] = order.access_token
    return summary


def order_detail(order: Order, page: queries.OrderPage) -> dict:
    """Schema Order: status, per-farm parts with their lines, totals, address and history."""
    payment = None
    if page.payment is not None and page.progress != queries.PaymentProgress.DONE:
        payment = {"status": page.progress,
                   "redirect_url": page.payment.redirect_url or None if page.progress == "open" else None}
    return {
        "number": order.number,
        "status": order.status.value,
        "created_at": _time(order.created_at),
        "paid_at": _time(order.paid_at),
        "reserved_until": _time(order.reserved_until) if order.status.value == "pending_payment" else None,
        "email": order.email,
        "address": {"recipient": order.recipient, "mobile": order.mobile, "province": order.province,
                    "city": order.city, "district": order.district, "street": order.street,
                    "postcode": order.postcode or None},
        "goods_total": money_json(order.goods_fen, order.currency),
        "shipping_total": money_json(order.shipping_fen, order.currency),
        "total": money_json(order.total_fen, order.currency),
        "refunded": money_json(order.refunded_fen, order.currency),
        "farm_orders": [farm_order(fo) for fo in order.farm_orders],
        "lines": [order_line(line) for fo in order.farm_orders for line in fo.lines],
        "payment": payment,
        "events": [{"kind": e.kind, "at": _time(e.created_at)} for e in order.events],
    }


@bp.get("/orders/<number>")
def get_order(number: str):
    token = bearer_token(request.headers.get("Authorization")) or request.args.get("token")
    session = db.session()
    order = load_for(session, Actor.guest(token), ORDER_VIEW, number)
    return no_store(jsonify(order_detail(order, queries.order_page(session, order))))
