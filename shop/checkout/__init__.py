"""Checkout: turn a cart into an order, reserving stock so it is never oversold."""
