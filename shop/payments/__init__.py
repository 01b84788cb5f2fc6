"""Payments: one gateway interface (Stripe Checkout, or the embedded test gateway), webhook intake, refunds."""
