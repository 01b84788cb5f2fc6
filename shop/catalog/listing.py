"""The product listing: filters, search, sorting and pagination for ``/products`` and the API.

``ListingQuery.from_args`` turns request arguments into a validated query (or a 400 DomainError);
``list_products`` runs it.  A page costs a fixed number of statements whatever its size: one COUNT,
one SELECT of the page with farm, region and category joined, one SELECT of the page's photos
(plus one lookup per region/category slug filter, and one more COUNT each time a search falls back
to a looser match).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.catalog import search
from shop.catalog.models import Category, Farm, Product, ProductStatus, Region
from shop.errors import DomainError, NotFound

SORTS = ("relevance", "price", "price_desc", "newest")


def _positive_int(args: Mapping, name: str, default: int, message: str) -> int:
    raw = args.get(name)
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise DomainError("invalid_parameter", message, status=400) from None
    if value < 1:
        raise DomainError("invalid_parameter", message, status=400)
    return value


def _text(args: Mapping, name: str) -> str:
    raw = args.get(name)
    return " ".join(str(raw).split()) if raw is not None else ""


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
        number, a farm that is not a number, an unknown sort or a query longer than
        ``max_query_length``.
        """
        page = _positive_int(args, "page", 1, "The page number must be a positive whole number.")
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
    """One page of products.  ``pages`` is at least 1, even when ``total`` is 0."""

    items: list[Product]
    total: int
    page: int
    per_page: int
    pages: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def list_products(session: Session, query: ListingQuery) -> ProductPage:
    """The requested page of active products, with farm, region, category and photos loaded.

    Raises NotFound (404) for an unknown region or category slug or farm id.  With ``q``, products
    matching every search term come first by relevance; when none do, names containing the
    query words, and then products matching any term.  Ties and other sorts end with the id, so
    the order is stable from page to page.
    """
    where: list[sa.ColumnElement[bool]] = [Product.status == ProductStatus.ACTIVE]
    if query.region:
        region_id = session.scalar(sa.select(Region.id).where(Region.slug == query.region))
        if region_id is None:
            raise NotFound("unknown_region", "No such region.")
        where.append(Product.region_id == region_id)
    if query.category:
        category_id = session.scalar(sa.select(Category.id).where(Category.slug == query.category))
        if category_id is None:
            raise NotFound("unknown_category", "No such category.")
        where.append(Product.category_id == category_id)
    if query.farm is not None:
        # Checked only when nothing is found, to spare a statement on the common path.
        where.append(Product.farm_id == query.farm)

    ranked: sa.Subquery | None = None
    total = 0
    if query.q:
        for match in search.matches(session, query.q):
            ranked = match.ranked
            conditions = where + ([match.condition] if match.condition is not None else [])
            total = _count(session, conditions, ranked)
            if total:
                where = conditions
                break
    else:
        total = _count(session, where, None)

    if total == 0 and query.farm is not None and session.get(Farm, query.farm) is None:
        raise NotFound("unknown_farm", "No such farm.")

    pages = max(1, math.ceil(total / query.per_page))
    if total == 0 or query.page > pages:
        return ProductPage(items=[], total=total, page=query.page, per_page=query.per_page, pages=pages)

    stmt = sa.select(Product)
    if ranked is not None:
        stmt = stmt.join(ranked, ranked.c.product_id == Product.id)
    stmt = (
        stmt.where(*where)
        .options(joinedload(Product.farm), joinedload(Product.region), joinedload(Product.category),
                 selectinload(Product.photos))
        .order_by(*_order(query.effective_sort, ranked))
        .limit(query.per_page)
        .offset((query.page - 1) * query.per_page)
    )
    items = list(session.scalars(stmt).unique())
    return ProductPage(items=items, total=total, page=query.page, per_page=query.per_page, pages=pages)


def _count(session: Session, where: list[sa.ColumnElement[bool]], ranked: sa.Subquery | None) -> int:
    stmt = sa.select(sa.func.count()).select_from(Product)
    if ranked is not None:
        stmt = stmt.join(ranked, ranked.c.product_id == Product.id)
    return session.scalar(stmt.where(*where)) or 0


def _order(sort: str, ranked: sa.Subquery | None) -> list[sa.ColumnElement]:
    if sort == "price":
        return [Product.price_from_fen.asc(), Product.id.asc()]
    if sort == "price_desc":
        return [Product.price_from_fen.desc(), Product.id.desc()]
    if sort == "newest":
        return [Product.created_at.desc(), Product.id.desc()]
    if sort == "relevance" and ranked is not None:
        return [ranked.c.score.desc(), Product.featured.desc(), Product.id.desc()]
    # "featured", and relevance for a substring match (which has no score)
    return [Product.featured.desc(), Product.created_at.desc(), Product.id.desc()]
