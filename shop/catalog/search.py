"""Product search (placeholder until the search index lands in this same change)."""
from __future__ import annotations


def index_product(session, product) -> None:
    pass


def remove_product(session, product_id: int) -> None:
    pass
