"""Who is signed in: the signed session cookie, rotated at login and logout.

The cookie holds ``customer_id`` and the customer's ``auth_nonce``.  A cookie whose nonce no
longer matches the database (password changed, "log out everywhere") is treated as signed out.
Other views call ``current_customer()`` (one query per request at most, cached on ``g``) and
decorate pages that need an account with ``@login_required``.
"""
from __future__ import annotations

import functools

from flask import current_app, g, redirect, request, session, url_for
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.local import LocalProxy

from shop import db
from shop.actors import Actor
from shop.web import safe_next_url  # noqa: F401  (re-exported for the account views)
from shop.accounts import services
from shop.accounts.models import Customer

SESSION_CUSTOMER_ID = "customer_id"
SESSION_AUTH_NONCE = "auth_nonce"
# Everything else in the session (the CSRF token included) is dropped when someone signs in or out.
KEPT_AT_LOGIN = ("cart_token", "lang")
KEPT_AT_LOGOUT = ("lang",)


def _reset_session(keep: tuple[str, ...]) -> None:
    kept = {key: session[key] for key in keep if key in session}
    session.clear()
    session.update(kept)
    # Flask-WTF caches this request's CSRF token on g; a page rendered after the reset must get
    # a token for the new session, not the old one.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def start_session(customer: Customer) -> None:
    """Sign ``customer`` in on this browser with a fresh session (keeping cart and language)."""
    _reset_session(KEPT_AT_LOGIN)
    session[SESSION_CUSTOMER_ID] = customer.id
    session[SESSION_AUTH_NONCE] = customer.auth_nonce
    g.signed_in_customer = customer


def refresh_session_nonce(customer: Customer) -> None:
    """Keep this browser signed in after the customer's nonce changed (e.g. a password change)."""
    session[SESSION_AUTH_NONCE] = customer.auth_nonce


def end_session() -> None:
    """Sign out on this browser: drop everything but the language choice."""
    _reset_session(KEPT_AT_LOGOUT)
    g.signed_in_customer = None


def forget_cached_customer() -> None:
    # g belongs to the app context, which a request reuses when one is already pushed (tests,
    # CLI scripts); the signed-in customer belongs to the request.
    g.pop("signed_in_customer", None)


def current_customer() -> Customer | None:
    """The signed-in customer of this request, or None.  At most one query per request."""
    if "signed_in_customer" in g:
        return g.signed_in_customer
    customer = None
    if SESSION_CUSTOMER_ID in session:
        customer = services.load_signed_in_customer(
            db.session(), session.get(SESSION_CUSTOMER_ID), session.get(SESSION_AUTH_NONCE))
        if customer is None:
            # A stale cookie (account gone, or signed out everywhere): forget the sign-in only.
            session.pop(SESSION_CUSTOMER_ID, None)
            session.pop(SESSION_AUTH_NONCE, None)
    g.signed_in_customer = customer
    return customer


def current_actor(token: str | None = None) -> Actor:
    """Who this request acts as: the signed-in customer, or a guest; either may hold an order's
    access ``token`` (from a link), which ``shop.orders.access`` accepts for that order only."""
    customer = current_customer()
    return Actor.shopper(customer.id, token=token) if customer is not None else Actor.guest(token)


def login_required(view):
    """Send signed-out visitors to ``/login?next=<this page>`` (for GET; else without next)."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if current_customer() is None:
            target = None
            if request.method in {"GET", "HEAD"}:
                target = request.full_path.rstrip("?") if request.query_string else request.path
            return redirect(url_for("accounts.login", next=target))
        return view(*args, **kwargs)

    return wrapped


def _customer_for_templates() -> Customer | None:
    try:
        return current_customer()
    except SQLAlchemyError:
        # The error page of a database failure must still render.
        return None


def template_context() -> dict:
    """``current_customer`` in every template, loaded only if the template looks at it."""
    return {"current_customer": LocalProxy(_customer_for_templates)}
