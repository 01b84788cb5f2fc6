"""Shoppers' catalog pages: home, regional pavilions, farms, the product listing and product pages.

Views stay thin: parse the request, call the catalog's read-side loaders, render.  Each page runs a
small fixed number of SQL statements (asserted in tests/web/test_storefront.py).
"""
from __future__ import annotations

import functools
from decimal import Decimal
from urllib.parse import quote, urlencode

from babel.numbers import format_decimal
from flask import current_app, g, render_template, request, send_from_directory
from markupsafe import Markup

from shop import db
from shop.catalog import queries
from shop.catalog.listing import ListingQuery, list_products
from shop.errors import DomainError
from shop.i18n import babel_locale, get_locale, gettext as _
from shop.money import format_fen
from shop.web.storefront import bp

# Longer query strings are refused with 400 before any work: no page of ours needs more, and a
# 10 KB query string must not reach the database or be echoed back into every link of the page.
MAX_QUERY_STRING_BYTES = 2048
# Photos are written once under a path that changes when the image does, so browsers may keep them.
MEDIA_MAX_AGE = 365 * 24 * 3600
LOW_STOCK = 5
FEATURED_ON_HOME = 8
PRODUCTS_ON_REGION_PAGE = 12
PRODUCTS_ON_FARM_PAGE = 24


@bp.before_request
def _refuse_oversized_query_string():
    if len(request.query_string) > MAX_QUERY_STRING_BYTES:
        raise DomainError("query_string_too_long", "This web address is too long.", status=400)


@bp.app_context_processor
def _layout_helpers():
    return {
        "nav_regions": nav_regions,
        "url_with": url_with,
        "gettext_in": gettext_in,
        "price_from_html": price_from_html,
        "LOW_STOCK": LOW_STOCK,
    }


@bp.app_template_filter("weight")
def format_weight(grams: int) -> str:
    """Net weight for people: ``500 g`` / ``500克``, ``2.5 kg`` / ``2.5千克`` from 1 kg up."""
    if grams >= 1000:
        return _("%(kg)s kg", kg=format_decimal(Decimal(grams) / 1000, locale=babel_locale()))
    return _("%(g)s g", g=format_decimal(grams, locale=babel_locale()))


def price_from_html(fen: int) -> Markup:
    """``from <strong class="price">¥98.00</strong>`` in the request's language, for product cards."""
    return _price_from_html(fen, get_locale(), _("from %(price)s"))


@functools.lru_cache(maxsize=4096)
def _price_from_html(fen: int, locale: str, pattern: str) -> Markup:
    # Babel's currency formatting is the costliest part of a card, and a listing shows the same
    # few hundred prices over and over; the text depends only on these three arguments.
    amount = Markup('<strong class="price">%s</strong>') % format_fen(fen, locale)
    return Markup(pattern) % {"price": amount}


def gettext_in(locale: str, msgid: str) -> str:
    """``msgid`` in the given language, whatever the request's (for the bilingual error page)."""
    if locale == "zh":
        return current_app.extensions["shop_i18n"].get(msgid) or msgid
    return msgid


def nav_regions():
    """The pavilions for the header: reuses the regions a view already loaded, else one statement."""
    if "nav_regions" not in g:
        g.nav_regions = queries.list_regions(db.session())
    return g.nav_regions


def url_with(**changes) -> str:
    """The current path and query string with some parameters replaced (``None`` removes one).

    Used by the language switch and pagination so the shopper's filters survive the click.
    """
    path = quote(request.script_root + request.path)
    if len(request.query_string) > MAX_QUERY_STRING_BYTES:
        args = {}  # rendering the 400 page for an oversized query: don't echo it back
    else:
        args = {key: request.args.getlist(key) for key in request.args}
    for key, value in changes.items():
        if value is None or value == "":
            args.pop(key, None)
        else:
            args[key] = [value]
    pairs = [(key, v) for key, values in args.items() for v in values if v != ""]
    return path + ("?" + urlencode(pairs) if pairs else "")


@bp.get("/")
def home():
    session = db.session()
    g.nav_regions = regions = queries.list_regions(session)
    return render_template(
        "storefront/home.html",
        regions=regions,
        region_counts=queries.region_product_counts(session),
        featured=queries.featured_products(session, limit=FEATURED_ON_HOME),
        categories=queries.list_categories(session),
    )


@bp.get("/regions/<slug>")
def region(slug: str):
    session = db.session()
    region = queries.get_region_by_slug(session, slug)
    return render_template(
        "storefront/region.html",
        region=region,
        farms=queries.region_farms(session, region.id),
        products=queries.region_products(session, region.id, limit=PRODUCTS_ON_REGION_PAGE),
    )


@bp.get("/farms/<int:farm_id>")
def farm(farm_id: int):
    session = db.session()
    farm = queries.get_farm(session, farm_id)
    return render_template(
        "storefront/farm.html",
        farm=farm,
        products=queries.farm_products(session, farm.id, limit=PRODUCTS_ON_FARM_PAGE),
    )


@bp.get("/products")
def products():
    query = ListingQuery.from_args(request.args)
    session = db.session()
    result = list_products(session, query)
    g.nav_regions = regions = queries.list_regions(session)
    return render_template(
        "storefront/products.html",
        query=query,
        result=result,
        regions=regions,
        categories=queries.list_categories(session),
    )


@bp.get("/products/<int:product_id>")
def product(product_id: int):
    session = db.session()
    product = queries.get_product_detail(session, product_id)
    return render_template(
        "storefront/product.html",
        product=product,
        more=queries.more_from_farm(session, product),
    )


@bp.get("/media/<path:filename>")
def media(filename: str):
    """Uploaded and generated images under MEDIA_DIR; paths outside it are refused (404)."""
    response = send_from_directory(current_app.config["MEDIA_DIR"], filename, max_age=MEDIA_MAX_AGE)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response
