"""Order pages: ``/orders/<number>`` (owner or ``?token=``), pay and cancel buttons, ``/account/orders``.

Access is decided by ``shop.orders.access.ORDER_VIEW`` (through ``shop.access.load_for``): the
signed-in customer who placed the order, or anyone with the order's access token (the link in the confirmation email).  Everyone else
gets the same 404 as for a number that does not exist.  The token travels in the URL of GET pages
and in a hidden field of the POST forms; pages carrying it are never cached and send no Referer
to other sites.
"""
from __future__ import annotations

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for

from shop import db
from shop.access import load_for
from shop.errors import Conflict
from shop.i18n import gettext as _
from shop.orders import queries
from shop.orders.access import ORDER_VIEW, recorded_actor
from shop.orders.actions import CancelOutcome, cancel_before_shipping
from shop.orders.links import TOKEN_MAX_LENGTH
from shop.orders.models import Order
from shop.web.accounts.auth import current_actor, current_customer, login_required
from shop.web.checkout import redirect_to_payment

bp = Blueprint("orders", __name__)

ORDERS_PER_PAGE = 10
#: Seconds between reloads of an order page waiting for the payment confirmation.
CONFIRMING_REFRESH_SECONDS = 4

ORDER_STATUS_WORDS = {
    "pending_payment": "Waiting for payment",
    "paid": "Paid",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "partly_refunded": "Partly refunded",
    "refunded": "Refunded",
}
FARM_STATUS_WORDS = {
    "pending_payment": "Waiting for payment",
    "paid": "Waiting for the farm",
    "accepted": "Being packed",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "completed": "Completed",
    "cancelled": "Cancelled",
    "refunded": "Refunded",
}
EVENT_WORDS = {
    "placed": "Order placed",
    "payment_started": "Payment started",
    "payment_failed": "Payment failed",
    "paid": "Payment received",
    "cancelled": "Order cancelled",
    "refund_requested": "Refund requested",
    "refunded": "Refund made",
    "refund_failed": "Refund failed",
    "accepted": "Accepted by the farm",
    "shipped": "Shipped",
    "delivered": "Delivered",
    "completed": "Completed",
}
#: Per-farm events that only repeat the order's own event (every farm is paid when the order is).
_ECHOED_FARM_EVENTS = {"paid", "cancelled", "refunded"}


def _token() -> str | None:
    token = request.values.get("token")
    return token if token and len(token) <= TOKEN_MAX_LENGTH else None


def _viewable_order(number: str) -> Order:
    return load_for(db.session(), current_actor(_token()), ORDER_VIEW, number)


def _order_url(order: Order, **params) -> str:
    """This order's page, keeping the token when the visitor came with one."""
    token = _token()
    return url_for("orders.order_detail", number=order.number, **({"token": token} if token else {}), **params)


def _private(response):
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def timeline(order: Order) -> list[dict]:
    """The order's events in words, oldest first (farm events name their farm)."""
    farms = {fo.id: fo.farm for fo in order.farm_orders}
    items = []
    for event in order.events:
        if event.farm_order_id is not None and event.kind in _ECHOED_FARM_EVENTS:
            continue
        if event.kind not in EVENT_WORDS:
            continue
        items.append({"at": event.created_at, "what": EVENT_WORDS[event.kind],
                      "farm": farms.get(event.farm_order_id)})
    return items


@bp.get("/orders/<number>")
def order_detail(number: str):
    order = _viewable_order(number)
    returned = request.args.get("paid") == "1"
    page = queries.order_page(db.session(), order, returned_from_payment=returned)
    refresh = CONFIRMING_REFRESH_SECONDS if page.progress == queries.PaymentProgress.CONFIRMING else None
    refresh_url = _order_url(order, **({"paid": 1} if returned else {}))
    html = render_template("orders/detail.html", page=page, order=order, token=_token(), timeline=timeline(order),
                           status_words=ORDER_STATUS_WORDS, farm_status_words=FARM_STATUS_WORDS,
                           refresh=refresh, refresh_url=refresh_url)
    response = make_response(html)
    if refresh:
        # The meta refresh in the page does the same; the header also works where the page is cached.
        response.headers["Refresh"] = f"{refresh}; url={refresh_url}"
    return _private(response)


@bp.post("/orders/<number>/pay")
def pay_order(number: str):
    order = _viewable_order(number)
    return _private(redirect_to_payment(order))


@bp.post("/orders/<number>/cancel")
def cancel_order(number: str):
    order = _viewable_order(number)
    actor = recorded_actor(current_actor(), order)
    try:
        with db.unit_of_work() as s:
            outcome = cancel_before_shipping(s, order.id, actor=actor.ref)
    except Conflict as exc:
        flash(_(exc.message, **exc.params), "error")
        return _private(redirect(_order_url(order), 303))
    if outcome == CancelOutcome.CANCELLED:
        flash(_("Your order was cancelled."), "success")
    elif outcome == CancelOutcome.REFUND_REQUESTED:
        flash(_("Your order was cancelled. The full amount is being refunded to the way you paid."), "success")
    return _private(redirect(_order_url(order), 303))


@bp.get("/account/orders")
@login_required
def my_orders():
    page = request.args.get("page", 1, type=int)
    listing = queries.customer_orders(db.session(), current_customer().id, page=page, per_page=ORDERS_PER_PAGE)
    html = render_template("orders/list.html", listing=listing, status_words=ORDER_STATUS_WORDS)
    return _private(make_response(html))
