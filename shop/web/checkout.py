"""Checkout pages: ``GET /checkout`` (summary, email, delivery address) and ``POST /checkout``.

POST validates the email and address (``check_checkout_details``), places the order in one unit of
work (``place_order``: idempotent per cart, so a double-submitted form finds the first order), drops
the cart from the browser session and sends the shopper to pay (``start_payment``: the gateway is
called outside any transaction, and an open payment is re-used).  Every amount comes from the
server; price, currency or total fields in the form are never read.
"""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for

from shop import db
from shop.accounts import services as accounts
from shop.accounts.addresses import FIELDS as ADDRESS_FIELDS, clean_text
from shop.accounts.errors import InvalidInput
from shop.cart import services as carts
from shop.checkout import services as checkout
from shop.checkout.payment import PaymentUnavailable, start_payment
from shop.errors import Conflict, DomainError
from shop.i18n import get_locale, gettext as _
from shop.orders.links import order_link
from shop.orders.models import Order
from shop.payments.gateway import get_gateway
from shop.web.accounts.auth import current_customer
from shop.web.storefront.cart_views import CART_TOKEN_KEY

bp = Blueprint("checkout", __name__)

#: Cart problems that send the shopper back to the cart page with a message.
_BACK_TO_CART = {"cart_empty", "product_unavailable"}
ID_MAX = 2**31 - 1


def _session_cart():
    return carts.get_cart(db.session(), session.get(CART_TOKEN_KEY))


def _form_defaults(customer, addresses) -> dict[str, str]:
    if customer is None or not addresses:
        return {}
    first = addresses[0]  # the default address comes first
    return {"address_id": str(first.id)}


def _render(quote, form: dict, errors: dict, status: int = 200, message: str | None = None, addresses=None):
    customer = current_customer()
    if addresses is None:
        addresses = accounts.list_addresses(db.session(), customer) if customer else []
    return render_template("checkout/checkout.html", quote=quote, form=form, errors=errors, customer=customer,
                           addresses=addresses, message=message), status


@bp.get("/checkout")
def checkout_page():
    quote = checkout.quote_cart(db.session(), _session_cart())
    if quote.is_empty:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("storefront.cart"), 303)
    customer = current_customer()
    addresses = accounts.list_addresses(db.session(), customer) if customer else []
    return _render(quote, _form_defaults(customer, addresses), {}, addresses=addresses)


def _chosen_address(customer) -> dict | object:
    """The address fields to check: a saved address of the signed-in customer, or the typed one."""
    choice = clean_text(request.form.get("address_id"))
    if customer is not None and choice and choice != "new":
        if not choice.isdigit() or not 0 < int(choice) <= ID_MAX:
            raise DomainError("invalid_address_choice", "Choose one of your saved addresses.")
        saved = accounts.get_address(db.session(), customer, int(choice))
        return {field: getattr(saved, field) or "" for field in ADDRESS_FIELDS}
    return {field: request.form.get(field) for field in ADDRESS_FIELDS}


def _kept_form() -> dict[str, str]:
    """What the shopper typed, to show again next to the error messages."""
    fields = ("email", "address_id", *ADDRESS_FIELDS)
    return {field: clean_text(request.form.get(field))[:200] for field in fields}


def _sold_out_message(exc: checkout.SoldOut) -> str:
    name = (exc.name_zh if get_locale() == "zh" else exc.name_en) or exc.name_zh or exc.sku
    if exc.available <= 0:
        return _("Sorry, %(name)s has just sold out. Please remove it from your cart.", name=name)
    return _("Sorry, only %(available)s of %(name)s are left. Please change the quantity in your cart.",
             name=name, available=exc.available)


@bp.post("/checkout")
def place_order():
    customer = current_customer()
    cart = _session_cart()
    if cart is None:
        flash(_("Your cart is empty."), "error")
        return redirect(url_for("storefront.cart"), 303)
    email = customer.email if customer is not None else request.form.get("email")
    try:
        details = checkout.check_checkout_details(email, _chosen_address(customer))
    except InvalidInput as exc:
        quote = checkout.quote_cart(db.session(), cart)
        return _render(quote, _kept_form(), exc.translated(), 400, _("Please correct the marked fields."))

    ttl = dt.timedelta(seconds=int(current_app.config.get("RESERVATION_TTL_SECONDS", 900)))
    try:
        with db.unit_of_work() as s:
            result = checkout.place_order(s, cart, email=details.email, address=details.address,
                                          customer_id=customer.id if customer else None, locale=get_locale(),
                                          reservation_ttl=ttl)
    except checkout.SoldOut as exc:
        flash(_sold_out_message(exc), "error")
        return redirect(url_for("storefront.cart"), 303)
    except DomainError as exc:
        if exc.code not in _BACK_TO_CART:
            raise
        flash(_(exc.message, **exc.params), "error")
        return redirect(url_for("storefront.cart"), 303)
    # The cart became an order: the next "add to cart" starts a new one.
    session.pop(CART_TOKEN_KEY, None)
    return redirect_to_payment(result.order)


def redirect_to_payment(order: Order):
    """Send the shopper to the order's payment page (303), or back to the order with a message
    when it cannot be paid now."""
    try:
        payment = start_payment(db.unit_of_work, get_gateway(), order.id,
                                success_url=order_link(order, paid=1), cancel_url=order_link(order))
    except PaymentUnavailable as exc:
        flash(_(exc.message), "error")
        return redirect(order_link(order), 303)
    except Conflict:
        # Paid or cancelled meanwhile (e.g. a form submitted again later): the order page says which.
        return redirect(order_link(order), 303)
    return redirect(payment.redirect_url, 303)
