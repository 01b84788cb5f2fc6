"""The JSON shapes of API v1: catalog rows in, plain dicts out, in the request's language.

Each function here has a schema of the same name in ``openapi.json`` (ProductSummary,
ProductDetail, Region…); tests/api/test_openapi_contract.py checks every response against it, so a
field added here must be added there too.  Money goes out through ``money_json`` only: integer fen
and a currency, never a float.  Serializers read only what the catalog loaders eager-loaded (farm,
region, category, photos, variants), so they never issue SQL of their own.
"""
from __future__ import annotations

from flask import url_for

from shop.catalog.listing import ProductPage
from shop.catalog.models import Farm, Product, ProductPhoto, Region, Variant
from shop.i18n import gettext as _, localized
from shop.money import money_json

# The same English msgids as the storefront's labels (storefront/_macros.html), so one Chinese
# translation serves both.
CERTIFICATION_LABELS = {
    "gi": "Geographical indication",
    "organic": "Organic",
    "green": "Green food",
}
STORAGE_LABELS = {
    "ambient": "Room temperature",
    "chilled": "Chilled",
    "frozen": "Frozen",
}


def _code(code: str, labels: dict[str, str]) -> dict:
    label = labels.get(code)
    return {"code": code, "name": _(label) if label else code}


def _photo_url(photo: ProductPhoto) -> str:
    return url_for("storefront.media", filename=photo.path, _external=True)


def farm_ref(farm: Farm) -> dict:
    return {"id": farm.id, "name": localized(farm, "name")}


def product_summary(product: Product) -> dict:
    """A product card: enough to list it and link to it (schema ProductSummary)."""
    photos = product.photos
    return {
        "id": product.id,
        "name": localized(product, "name"),
        "region": product.region.slug,
        "category": product.category.slug,
        "farm": farm_ref(product.farm),
        "price": money_json(product.price_from_fen),
        "in_stock": bool(product.in_stock),
        "featured": bool(product.featured),
        "image": _photo_url(photos[0]) if photos else None,
        "url": url_for("storefront.product", product_id=product.id, _external=True),
    }


def product_page(page: ProductPage) -> dict:
    """One page of the listing (schema ProductPage)."""
    return {
        "items": [product_summary(p) for p in page.items],
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "total_is_lower_bound": page.total_is_lower_bound,
        "pages": page.pages,
    }


def variant(v: Variant) -> dict:
    return {
        "id": v.id,
        "sku": v.sku,
        "label": localized(v, "label"),
        "weight_g": v.weight_g,
        "price": money_json(v.price_fen),
        "stock": v.stock,
        "in_stock": v.stock > 0,
    }


def photo(p: ProductPhoto) -> dict:
    return {"url": _photo_url(p), "width": p.width, "height": p.height, "alt": localized(p, "alt")}


def product_detail(product: Product) -> dict:
    """The product page's content with its variants (schema ProductDetail)."""
    storage = getattr(product.storage, "value", product.storage)
    return {
        **product_summary(product),
        "description": localized(product, "description"),
        "origin": localized(product, "origin"),
        "harvest_season": localized(product, "harvest_season"),
        "storage": _code(storage, STORAGE_LABELS),
        "certifications": [_code(code, CERTIFICATION_LABELS) for code in product.certifications or []],
        "photos": [photo(p) for p in product.photos],
        "variants": [variant(v) for v in product.variants],
    }


def region(r: Region, product_count: int) -> dict:
    """A pavilion (schema Region)."""
    return {
        "slug": r.slug,
        "name": localized(r, "name"),
        "province": localized(r, "province"),
        "tagline": localized(r, "tagline"),
        "partner_city": localized(r, "partner_city"),
        "product_count": product_count,
        "url": url_for("storefront.region", slug=r.slug, _external=True),
    }
