"""Shipping: each farm's rule for what a parcel costs (flat, or by weight), free above a threshold."""
