"""Guest access to an order: the link in the confirmation email and the API's bearer token.

The ``token`` is the order's own ``access_token``: 32 random bytes (``secrets.token_urlsafe``) made
at checkout and stored with the order.  We use it as is rather than signing something with
itsdangerous because:

- it already is an unguessable capability (256 bits), so an HMAC over it adds no strength;
- one secret serves the email link, the payment return page and the API's ``Authorization: Bearer``;
- it does not depend on ``SECRET_KEY``: rotating the app key does not break links already mailed,
  and one order's access can be revoked by giving it a new token, without touching any other.

The order is looked up by its number first and the token compared in constant time
(``hmac.compare_digest``), so neither the database index nor the comparison tells an attacker how
much of a guessed token was right.  Pages answer 404 for a wrong token, exactly as for a wrong
number, so nothing reveals that an order exists.
"""
from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for

from shop.orders.models import Order

#: Tokens made by ``secrets.token_urlsafe(32)`` are 43 characters; anything much longer is not one.
TOKEN_MAX_LENGTH = 64
DEVELOPMENT_URL = "http://127.0.0.1:5000"


def token_matches(order: Order, token: object) -> bool:
    """True if ``token`` is this order's access token (constant-time comparison)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        return False
    return hmac.compare_digest(token.encode(), order.access_token.encode())


def bearer_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


def order_link(order: Order, **params) -> str:
    """The absolute address of the order's page with its access token: what a guest bookmarks.

    Inside a request it follows the request's host; in a worker (emails) it uses ``PUBLIC_URL``
    (``SHOP_PUBLIC_URL``), which a production deployment must set.
    """
    values = {"number": order.number, "token": order.access_token, **params}
    if has_request_context():
        return url_for("orders.order_detail", _external=True, **values)
    base = current_app.config.get("PUBLIC_URL")
    if not base:
        if current_app.config.get("ENV") == "production":
            raise RuntimeError("SHOP_PUBLIC_URL must be set in production so emails can link to the shop")
        base = DEVELOPMENT_URL
    parts = urlsplit(base.rstrip("/"))
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme or "https")
    return adapter.build("orders.order_detail", values, force_external=True)
