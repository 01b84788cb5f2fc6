"""The shopper's cart pages: show, add, change, remove.  Thin: parse, one cart service call, redirect.

The cart's token lives in the Flask session under ``cart_token``; the cart is created by the first
successful add.  Every POST is CSRF-checked by the app's CSRFProtect before it gets here.
Refusals the shopper can act on (not enough stock, per-line limit) are flashed and redirect back;
malformed input (quantity 0/-1/1000/"abc", unknown variant) is a 400 page from shop.web.errors.
"""
from __future__ import annotations

from typing import Callable

from flask import (current_app, flash, g, get_flashed_messages, has_request_context, redirect, render_template,
                   request, session, url_for)
from sqlalchemy.exc import SQLAlchemyError

from shop import db
from shop.cart import services
from shop.cart.models import Cart
from shop.errors import DomainError
from shop.i18n import gettext as _, localized
from shop.web import safe_next_url
from shop.web.storefront import bp

CART_TOKEN_KEY = "cart_token"
# Refusals shown as a message on the page the shopper came from; other DomainErrors become 400s.
_FLASHED_CODES = {"insufficient_stock", "quantity_limit", "cart_checked_out"}


@bp.get("/cart")
def cart():
    view = services.view_cart(db.session(), _current_cart())
    _request_memo()["cart_count"] = view.item_count  # the header count needs no second query here
    return render_template("storefront/cart.html", cart=view, max_quantity=services.max_quantity())


@bp.post("/cart/add")
def cart_add():
    variant_id = request.form.get("variant_id", type=int)
    quantity = request.form.get("quantity", type=int)
    target = safe_next_url(request.form.get("next")) or url_for(".cart")

    def change(s, cart: Cart):
        line = services.add_line(s, cart, variant_id, quantity)
        return _("Added %(name)s to your cart.", name=localized(line.variant.product, "name"))

    return _change_cart(change, target, create=True)


@bp.post("/cart/lines/<int:variant_id>")
def cart_update(variant_id: int):
    quantity = request.form.get("quantity", type=int)

    def change(s, cart: Cart):
        line = services.set_quantity(s, cart, variant_id, quantity)
        return _("Your cart was updated.") if line is not None else _("The item was removed from your cart.")

    return _change_cart(change, url_for(".cart"), create=True)


@bp.post("/cart/lines/<int:variant_id>/remove")
def cart_remove(variant_id: int):
    def change(s, cart: Cart):
        services.remove_line(s, cart, variant_id)
        return _("The item was removed from your cart.")

    return _change_cart(change, url_for(".cart"), create=False)


@bp.app_context_processor
def _cart_context():
    # Templates are also rendered outside requests (emails in workers): no session there.
    return {"cart_count": _cart_count() if has_request_context() else 0, "take_flashes": take_flashes}


def _current_cart() -> Cart | None:
    return services.get_cart(db.session(), session.get(CART_TOKEN_KEY))


def _change_cart(change: Callable, target: str, *, create: bool):
    """Run ``change(session, cart)`` in one unit of work and redirect (303) to ``target``."""
    try:
        with db.unit_of_work() as s:
            cart = _current_cart()
            if cart is None and not create:
                return redirect(target, 303)
            cart = cart or services.create_cart(s)
            message = change(s, cart)
    except DomainError as exc:
        if exc.code not in _FLASHED_CODES:
            raise
        if exc.code == "cart_checked_out":
            session.pop(CART_TOKEN_KEY, None)  # the next add starts a new cart
        flash(_(exc.message, **exc.params), "error")
        return redirect(target, 303)
    # Only a committed cart is remembered (a refused first add leaves no cart behind).
    session[CART_TOKEN_KEY] = cart.token
    flash(message, "success")
    return redirect(target, 303)


def _cart_count() -> int:
    """Items in the session's cart: no query without a cart token, one cheap query with one."""
    memo = _request_memo()
    if "cart_count" not in memo:
        token = session.get(CART_TOKEN_KEY)
        count = 0
        if token:
            try:
                count = services.count_items(db.session(), token)
            except SQLAlchemyError:
                # Error pages render through here too; a broken database must not break them.
                current_app.logger.warning("cart count unavailable", exc_info=True)
        memo["cart_count"] = count
    return memo["cart_count"]


def take_flashes() -> list[tuple[str, str]]:
    """Flashed (category, message) pairs, handed out once per request.

    Both the cart page and the shared layout may include ``storefront/_flashes.html``; whichever
    renders first shows the messages, so they never appear twice.
    """
    memo = _request_memo()
    if memo.get("flashes_taken"):
        return []
    memo["flashes_taken"] = True
    return get_flashed_messages(with_categories=True)


def _request_memo() -> dict:
    """Values computed once per request.  Kept on ``g`` but keyed by the request, because ``g``
    belongs to the app context, which a test or a script may keep open across several requests."""
    current = request._get_current_object()
    memo = g.get("_cart_request_memo")
    if memo is None or memo[0] is not current:
        memo = (current, {})
        g._cart_request_memo = memo
    return memo[1]
