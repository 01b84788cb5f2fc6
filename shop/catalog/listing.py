"""The product listing: filters, search, sorting and pagination for ``/products`` and the API.

``ListingQuery.from_args`` turns request arguments into a validated query (or a 400 DomainError);
``list_products`` runs it.  A page costs a fixed number of statements whatever its size (see
``list_products``): product cards come with farm, region, category and photos loaded.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.catalog import search
from shop.catalog.models import Category, Farm, Product, ProductStatus, Region
from shop.errors import DomainError, NotFound

SORTS = ("relevance", "price", "price_desc", "newest")
MAX_PAGE = 100_000  # 2.4 million products at 24 a page; beyond that a page number is a mistake
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL
# Matches are counted up to this many past the page's first product, no further: counting reads a
# row per match, and "1,000+" tells a shopper as much as "23,707" (see ProductPage.total).
COUNT_AHEAD = 1000


def _positive_int(args: Mapping, name: str, default: int, message: str) -> int:
    raw = _text(args, name)
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):
        raise DomainError("invalid_parameter", message, status=400)
    digits = raw.lstrip("0")
    if len(digits) > 18:  # past any use; also spares int() thousands of digits
        return 10**18
    if not digits:
        raise DomainError("invalid_parameter", message, status=400)
    return int(digits)


def _text(args: Mapping, name: str) -> str:
    raw = args.get(name)
    if raw is None:
        return ""
    if "\x00" in str(raw):
        # PostgreSQL cannot even compare text holding a NUL; no argument of ours needs one.
        raise DomainError("invalid_parameter", "Parameters must not contain NUL characters.", status=400)
    return " ".join(str(raw).split())


@dataclass(frozen=True)
class ListingQuery:
    """A validated listing request.  ``sort`` None means the default for the query (see below)."""

    q: str = ""
    region: str | None = None  # region slug
    category: str | None = None  # category slug
    farm: int | None = None  # farm id
    sort: str | None = None
    page: int = 1
    per_page: int = 24

    @classmethod
    def from_args(cls, args: Mapping[str, Any], default_per_page: int = 24, max_per_page: int = 100,
                  max_query_length: int = 100) -> "ListingQuery":
        """Parse request arguments (``q``, ``region``, ``category``, ``farm``, ``sort``, ``page``,
        ``per_page``).  Empty values count as absent; ``per_page`` above ``max_per_page`` is
        clamped.  Raises DomainError (400) for a page or per_page that is not a positive whole
        number, a page above MAX_PAGE, a farm that is not a number, an unknown sort, a NUL
        character anywhere or a query longer than ``max_query_length``.
        """
        page = _positive_int(args, "page", 1, "The page number must be a positive whole number.")
        if page > MAX_PAGE:
            raise DomainError("invalid_parameter", "The page number is too large.", status=400)
        per_page = _positive_int(args, "per_page", default_per_page,
                                 "The number of products per page must be a positive whole number.")
        q = _text(args, "q")
        if len(q) > max_query_length:
            raise DomainError("query_too_long", "The search text is too long (at most %(limit)s characters).",
                              status=400, limit=max_query_length)
        sort = _text(args, "sort") or None
        if sort is not None and sort not in SORTS:
            raise DomainError("invalid_parameter", "Unknown sort order.", status=400)
        farm = None
        if _text(args, "farm"):
            farm = _positive_int(args, "farm", 0, "The farm must be given by its number.")
        return cls(q=q, region=_text(args, "region") or None, category=_text(args, "category") or None,
                   farm=farm, sort=sort, page=page, per_page=min(per_page, max_per_page))

    @property
    def effective_sort(self) -> str:
        """The order used: the asked one, else relevance with a query and "featured" without.

        "featured" (featured first, then newest) is also used for relevance without a query.
        """
        if self.sort == "relevance" or self.sort is None:
            return "relevance" if self.q else "featured"
        return self.sort

    def to_args(self, **changes: Any) -> dict[str, Any]:
        """The non-default arguments of this query (with ``changes``), for links to other pages."""
        query = replace(self, **changes) if changes else self
        args = {"q": query.q, "region": query.region, "category": query.category, "farm": query.farm,
                "sort": query.sort, "page": query.page if query.page != 1 else None}
        return {k: v for k, v in args.items() if v not in (None, "")}


@dataclass(frozen=True)
class ProductPage:
    """One page of products.  ``pages`` is at least 1, even when ``total`` is 0.

    ``total`` is exact up to COUNT_AHEAD products past the page's first one (``offset +
    COUNT_AHEAD``); when more match, it is that number and ``total_is_lower_bound`` is true
    ("1,000+"), and ``pages`` is a lower bound too: the pages after it say how far it goes on.
    """

    items: list[Product]
    total: int
    page: int
    per_page: int
    pages: int
    total_is_lower_bound: bool = False

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_products(session: Session, query: ListingQuery) -> ProductPage:
    """The requested page of active products, with farm, region, category and photos loaded.

    Raises NotFound (404) for an unknown region or category slug or farm id.  With ``q``, products
    matching every search term come first, those with a term in their name before the others, then
    in listing order; when none match, looser matches are tried (see ``search.candidates``).  Every
    order ends with the product id, so pages never overlap.  A page past the last one is empty,
    with the right ``total``.  ``total`` counts at most COUNT_AHEAD past the page (see ProductPage).

    Statements: a search runs one (page and total together), a plain listing two (COUNT, page);
    then one for the page's photos, one per region or category slug given, and for a search one
    or two more for each looser match tried.
    """
    region_id = category_id = None
    if query.region:
        region_id = session.scalar(sa.select(Region.id).where(Region.slug == query.region))
        if region_id is None:
            raise NotFound("unknown_region", "No such region.")
    if query.category:
        category_id = session.scalar(sa.select(Category.id).where(Category.slug == query.category))
        if category_id is None:
            raise NotFound("unknown_category", "No such category.")
    if query.farm is not None and query.farm > MAX_ID:
        raise NotFound("unknown_farm", "No such farm.")
    scope = search.Scope(region_id=region_id, category_id=category_id, farm_id=query.farm)
    sort = query.effective_sort
    offset = (query.page - 1) * query.per_page
    count_limit = offset + COUNT_AHEAD + 1  # one more than we report, to know there are more

    items: list[Product] = []
    counted = 0
    page = {"page_limit": query.per_page, "page_offset": offset}
    if query.q:
        for match in search.candidates(query.q):
            plan = search.plan(session, match, scope, sort, need=offset + query.per_page, count_limit=count_limit)
            rows = session.execute(_search_page(plan.shape), plan.params | page).all()
            if rows:
                items, counted = [product for product, _ in rows], rows[0][1]
                break
            if offset and (counted := session.scalar(_search_count(plan.shape), plan.params)):
                break  # matches, but the page asked for is past the last one
    else:
        listed = _listed(scope)
        counted = _count(session, listed, count_limit)
        if counted > offset:
            items = [product for product, _ in session.execute(_page(listed, sort, None), page)]

    # The farm is checked only when nothing is found, to spare a statement on the common path.
    if counted == 0 and query.farm is not None and session.get(Farm, query.farm) is None:
        raise NotFound("unknown_farm", "No such farm.")
    total = min(counted, count_limit - 1)
    pages = max(1, math.ceil(total / query.per_page))
    return ProductPage(items=items, total=total, page=query.page, per_page=query.per_page, pages=pages,
                       total_is_lower_bound=counted >= count_limit)


def _listed(scope: search.Scope) -> sa.Subquery:
    """Every active product in ``scope``, with the columns ``search.order_by`` reads."""
    where = [Product.status == ProductStatus.ACTIVE]
    if scope.region_id is not None:
        where.append(Product.region_id == scope.region_id)
    if scope.category_id is not None:
        where.append(Product.category_id == scope.category_id)
    if scope.farm_id is not None:
        where.append(Product.farm_id == scope.farm_id)
    return (
        sa.select(Product.id.label("product_id"), Product.featured, Product.price_from_fen, Product.created_at)
        .where(*where)
        .subquery("listed")
    )


def _count(session: Session, listed: sa.Subquery, limit: int) -> int:
    found = sa.select(listed.c.product_id).limit(limit).subquery("found")
    return session.scalar(sa.select(sa.func.count()).select_from(found)) or 0


@functools.lru_cache(maxsize=512)
def _search_page(shape: search.Shape) -> sa.Select:
    ranked, counted = search.statements(shape)
    return _page(ranked, shape.sort, counted)


@functools.lru_cache(maxsize=512)
def _search_count(shape: search.Shape) -> sa.Select:
    return sa.select(search.statements(shape)[1])


def _page(candidates: sa.Subquery, sort: str, total: sa.ScalarSelect | None) -> sa.Select:
    """A page (``page_limit`` and ``page_offset`` parameters) of products with what a product card
    shows and, if given, the ``total`` column.

    The page's ids are chosen inside ``candidates`` before ``product`` is joined, so only the
    products shown are read.
    """
    chosen = (
        sa.select(candidates.c.product_id, *(candidates.c[name] for name, _ in search.SORT_KEYS[sort]
                                             if name != "product_id"))
        .order_by(*search.order_by(sort, candidates.c))
        .limit(sa.bindparam("page_limit", type_=sa.Integer))
        .offset(sa.bindparam("page_offset", type_=sa.Integer))
        .subquery("page")
    )
    return (
        sa.select(Product, (total if total is not None else sa.null()).label("total"))
        .join(chosen, chosen.c.product_id == Product.id)
        .where(Product.status == ProductStatus.ACTIVE)
        .options(joinedload(Product.farm), joinedload(Product.region), joinedload(Product.category),
                 selectinload(Product.photos))
        .order_by(*search.order_by(sort, chosen.c))
    )
