"""API v1: the read-only catalog for mobile and mini-program clients, described by openapi.json.

Views parse the request, call one catalog loader and serialize (shop.web.api.serializers).  Errors
come out as ``{"error": {"code", "message"}}`` through shop.web.errors, like everywhere under /api/.
"""
from __future__ import annotations

import functools
from pathlib import Path

from flask import current_app, g, jsonify, request
from flask import session as browser_session

from shop import db
from shop.catalog import queries
from shop.catalog.listing import ListingQuery, list_products
from shop.errors import DomainError
from shop.i18n import SUPPORTED
from shop.web.api import bp, serializers

OPENAPI_PATH = Path(__file__).with_name("openapi.json")
# Catalog answers may be a minute stale in any cache: prices and stock are checked again at checkout.
CACHE_MAX_AGE = 60
# Ids are 32-bit INTEGER columns; larger numbers cannot name a row (and SQLite's driver cannot even
# bind them), so the route itself does not match them: a plain 404.
MAX_ID = 2**31 - 1


@bp.before_request
def _choose_locale():
    """``?lang=``, else Accept-Language, else the default: never the browser session.

    The app-wide hook (shop.i18n) remembers ``?lang=`` in the cookie session for shoppers' pages;
    an API answer must not depend on, or change, what a browser did before, and a cacheable
    response must not set a cookie.  This hook runs after the app-wide one, so it overrides the
    locale and drops the session write (nothing else has touched the session at this point).
    """
    browser_session.modified = False
    best = request.accept_languages.best_match(SUPPORTED + ("zh-CN", "zh-Hans", "en-US", "en-GB"))
    g.locale = best.split("-")[0] if best else current_app.config.get("DEFAULT_LOCALE", "zh")
    asked = request.args.get("lang", "").strip()
    if asked in SUPPORTED:
        g.locale = asked
    elif asked:  # blank counts as absent, as for every other parameter
        raise DomainError("invalid_parameter", "Unknown language: use zh or en.")


@bp.before_request
def _refuse_nul_characters():
    # No parameter of ours can hold a NUL, and PostgreSQL will not even compare text with one.
    if any("\x00" in value for values in request.args.listvalues() for value in values):
        raise DomainError("invalid_parameter", "Parameters must not contain NUL characters.")


@bp.after_request
def _cache_headers(response):
    # An answer that set its own Cache-Control (carts, orders: private, no-store) keeps it.
    if response.status_code == 200 and request.method in ("GET", "HEAD") and "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = CACHE_MAX_AGE
        response.vary.add("Accept-Language")
    return response


@bp.get("/products")
def products():
    config = current_app.config
    query = ListingQuery.from_args(
        request.args,
        default_per_page=config["PRODUCTS_PER_PAGE"],
        max_per_page=config["API_MAX_PER_PAGE"],
        max_query_length=config["MAX_QUERY_LENGTH"],
    )
    return jsonify(serializers.product_page(list_products(db.session(), query)))


@bp.get(f"/products/<int(max={MAX_ID}):product_id>")
def product(product_id: int):
    return jsonify(serializers.product_detail(queries.get_product_detail(db.session(), product_id)))


@bp.get("/regions")
def regions():
    db_session = db.session()
    counts = queries.region_product_counts(db_session)
    return jsonify({"items": [serializers.region(r, counts.get(r.id, 0))
                              for r in queries.list_regions(db_session)]})


@functools.cache
def _openapi_document() -> bytes:
    return OPENAPI_PATH.read_bytes()


@bp.get("/openapi.json")
def openapi_document():
    return current_app.response_class(_openapi_document(), mimetype="application/json")
