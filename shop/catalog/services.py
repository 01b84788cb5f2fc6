"""Catalog use cases.  The only place that changes catalog state.

Services flush; the caller's unit of work commits.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from shop.catalog import search
from shop.catalog.models import Product, ProductStatus


def refresh_product(session: Session, product: Product) -> None:
    """Recompute the product's listing summary from its variants and re-index it for search.

    Call after creating or editing a product or any of its variants, inside the same unit of work.
    """
    variants = product.variants
    product.price_from_fen = min((v.price_fen for v in variants), default=0)
    product.in_stock = any(v.stock > 0 for v in variants)
    session.flush()
    if product.status == ProductStatus.ACTIVE:
        search.index_product(session, product)
    else:
        search.remove_product(session, product.id)
