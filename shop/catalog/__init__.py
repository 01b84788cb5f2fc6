"""Catalog: regions (pavilions), farms, categories, products, variants and their photos."""
