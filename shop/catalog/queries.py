"""Read-side catalog loaders for the storefront and the API.

Every loader issues a small, fixed number of SQL statements whatever the number of rows: the
relationships a page shows are eager-loaded here (joined for many-to-one, select-in for lists), so
templates never trigger lazy loads.  Only active products are visible to shoppers; asking for a
missing or hidden one raises :class:`shop.errors.NotFound` (404 on the web and in the API).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from shop.catalog.models import Category, Farm, Product, ProductStatus, Region
from shop.errors import NotFound


def card_options() -> tuple:
    """Loader options for a product card: farm, region and photos, in two statements in all."""
    return (
        joinedload(Product.farm),
        joinedload(Product.region),
        selectinload(Product.photos),
    )


def _active_products() -> sa.Select:
    return sa.select(Product).where(Product.status == ProductStatus.ACTIVE)


def list_regions(session: Session) -> list[Region]:
    """All regions (the pavilions) in display order."""
    return list(session.scalars(sa.select(Region).order_by(Region.position, Region.id)))


def get_region_by_slug(session: Session, slug: str) -> Region:
    """The region with this slug, or NotFound."""
    region = session.scalars(sa.select(Region).where(Region.slug == slug)).one_or_none()
    if region is None:
        raise NotFound("region_not_found", "Region not found")
    return region


def list_categories(session: Session) -> list[Category]:
    """All categories in display order."""
    return list(session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def get_farm(session: Session, farm_id: int) -> Farm:
    """The farm with its region loaded, or NotFound."""
    farm = session.scalars(
        sa.select(Farm).options(joinedload(Farm.region)).where(Farm.id == farm_id)
    ).one_or_none()
    if farm is None:
        raise NotFound("farm_not_found", "Farm not found")
    return farm


def get_product_detail(session: Session, product_id: int) -> Product:
    """An active product with variants, photos, farm, region and category loaded, or NotFound.

    Three statements: the product with its many-to-one relations joined, then variants and photos.
    """
    product = session.scalars(
        _active_products()
        .options(
            joinedload(Product.farm),
            joinedload(Product.region),
            joinedload(Product.category),
            selectinload(Product.variants),
            selectinload(Product.photos),
        )
        .where(Product.id == product_id)
    ).one_or_none()
    if product is None:
        raise NotFound("product_not_found", "Product not found")
    return product


def featured_products(session: Session, limit: int = 8) -> list[Product]:
    """Featured products for the home page, in stock first, then newest."""
    stmt = (
        _active_products()
        .options(*card_options())
        .where(Product.featured.is_(True))
        .order_by(Product.in_stock.desc(), Product.created_at.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True)
class ProductSample:
    """Some of a set of products plus how many there are in all (for "see all N" links)."""

    items: list[Product]
    total: int


def _sample(session: Session, where: sa.ColumnElement, limit: int) -> ProductSample:
    stmt = (
        _active_products()
        .options(*card_options())
        .where(where)
        .order_by(Product.in_stock.desc(), Product.featured.desc(), Product.id.desc())
        .limit(limit)
    )
    items = list(session.scalars(stmt))
    if len(items) < limit:
        total = len(items)  # everything fits: no need to count
    else:
        total = session.scalar(
            sa.select(sa.func.count()).select_from(Product)
            .where(Product.status == ProductStatus.ACTIVE, where))
    return ProductSample(items=items, total=total)


def region_products(session: Session, region_id: int, limit: int = 12) -> ProductSample:
    """Up to ``limit`` of a region's active products (in stock and featured first) and their total."""
    return _sample(session, Product.region_id == region_id, limit)


def farm_products(session: Session, farm_id: int, limit: int = 24) -> ProductSample:
    """Up to ``limit`` of a farm's active products (in stock and featured first) and their total."""
    return _sample(session, Product.farm_id == farm_id, limit)


def more_from_farm(session: Session, product: Product, limit: int = 4) -> list[Product]:
    """Other active products of the product's farm (in stock first), for "more from this farm"."""
    stmt = (
        _active_products()
        .options(*card_options())
        .where(Product.farm_id == product.farm_id, Product.id != product.id)
        .order_by(Product.in_stock.desc(), Product.featured.desc(), Product.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


def region_farms(session: Session, region_id: int, limit: int = 60) -> list[Farm]:
    """Up to ``limit`` farms of a region, verified first, then oldest first."""
    return list(session.scalars(
        sa.select(Farm).where(Farm.region_id == region_id)
        .order_by(Farm.verified.desc(), Farm.id).limit(limit)))


def region_product_counts(session: Session) -> dict[int, int]:
    """Active product count per region id (one grouped statement)."""
    rows = session.execute(
        sa.select(Product.region_id, sa.func.count())
        .where(Product.status == ProductStatus.ACTIVE)
        .group_by(Product.region_id))
    return {region_id: count for region_id, count in rows}
