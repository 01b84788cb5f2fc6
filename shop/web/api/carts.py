"""API v1 carts and checkout: create a cart, add lines, read it priced, check it out.

The cart token is the only credential (43 random characters, made by ``POST /api/v1/carts``); an
unknown token answers 404.  Bodies are JSON objects; anything else is a 400.  Prices, currencies
and totals are always the server's: such fields in a request body are ignored.  Checkout is
idempotent per cart: repeating it answers 200 with the same order (and its open payment, or a new
one after a declined payment) instead of placing a second order.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, g, jsonify, request, url_for

from shop import db
from shop.accounts.errors import InvalidInput
from shop.cart import services as carts
from shop.cart.models import Cart
from shop.checkout import services as checkout
from shop.checkout.payment import start_payment
from shop.errors import DomainError, NotFound
from shop.i18n import gettext as _, localized
from shop.money import money_json
from shop.orders.links import order_link
from shop.orders.states import OrderStatus
from shop.payments.gateway import get_gateway
from shop.web.api import bp
from shop.web.api.orders import no_store, order_summary
from shop.web.api.serializers import farm_ref
from shop.web.errors import error_response


def _json_object() -> dict:
    """The request body as a JSON object, or a 400 ``invalid_body``."""
    try:
        body = request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly nested JSON: json.loads gives up with this, not ValueError
        body = None
    if not isinstance(body, dict):
        raise DomainError("invalid_body", "The request body must be a JSON object.")
    return body


def _cart(session, token: str) -> Cart:
    cart = carts.get_cart(session, token)
    if cart is None:
        raise NotFound("cart_not_found", "Cart not found")
    return cart


def cart_json(quote: checkout.CartQuote, *, checked_out: bool) -> dict:
    """Schema Cart: lines grouped by farm, each farm's shipping, and the totals."""
    view = quote.cart
    return {
        "token": view.token,
        "checked_out": checked_out,
        "groups": [{
            "farm": farm_ref(farm.group.farm),
            "lines": [{
                "variant_id": line.variant.id,
                "product_id": line.product.id,
                "name": localized(line.product, "name"),
                "variant": localized(line.variant, "label"),
                "quantity": line.quantity,
                "available": line.available,
                "problem": line.problem,
                "unit_price": money_json(line.unit_price_fen),
                "total": money_json(line.line_total_fen),
            } for line in farm.group.lines],
            "goods_total": money_json(farm.goods_fen),
            "shipping": money_json(farm.shipping_fen),
            "total": money_json(farm.total_fen),
        } for farm in quote.farms],
        "item_count": view.item_count,
        "has_problems": view.has_problems,
        "goods_total": money_json(quote.goods_fen),
        "shipping_total": money_json(quote.shipping_fen),
        "total": money_json(quote.total_fen),
    }


def _cart_answer(session, cart: Cart, status: int = 200):
    quote = checkout.quote_cart(session, cart)
    checked_out = carts.is_checked_out(cart)
    response = no_store(jsonify(cart_json(quote, checked_out=checked_out)))
    response.status_code = status
    return response


@bp.post("/carts")
def create_cart():
    with db.unit_of_work() as s:
        cart = carts.create_cart(s)
    response = no_store(jsonify({"token": cart.token}))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_cart", token=cart.token)
    return response


@bp.get("/carts/<token>")
def get_cart(token: str):
    session = db.session()
    return _cart_answer(session, _cart(session, token))


@bp.post("/carts/<token>/lines")
def add_cart_line(token: str):
    body = _json_object()
    with db.unit_of_work() as s:
        cart = _cart(s, token)
        carts.add_line(s, cart, body.get("variant_id"), body.get("quantity"))
    return _cart_answer(db.session(), cart)


@bp.post("/carts/<token>/checkout")
def checkout_cart(token: str):
    body = _json_object()
    cart = _cart(db.session(), token)
    try:
        details = checkout.check_checkout_details(body.get("email"), body.get("address"))
    except InvalidInput as exc:
        response, status = error_response(400, exc.code, _(exc.message))
        payload = response.get_json()
        payload["error"]["fields"] = exc.translated()
        return jsonify(payload), status
    ttl = dt.timedelta(seconds=int(current_app.config.get("RESERVATION_TTL_SECONDS", 900)))
    with db.unit_of_work() as s:
        result = checkout.place_order(s, cart, email=details.email, address=details.address,
                                      locale=g.get("locale") or "zh", reservation_ttl=ttl)
    order = result.order
    payment = None
    if order.status == OrderStatus.PENDING_PAYMENT:
        opened = start_payment(db.unit_of_work, get_gateway(), order.id,
                               success_url=order_link(order, paid=1), cancel_url=order_link(order))
        payment = {"redirect_url": opened.redirect_url}
    response = no_store(jsonify({"order": order_summary(order, with_token=True), "payment": payment}))
    response.status_code = 201 if result.created else 200
    response.headers["Location"] = url_for("api.get_order", number=order.number)
    return response
