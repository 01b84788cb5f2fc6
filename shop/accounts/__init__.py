"""Shopper accounts: sign-up, login, sessions, delivery addresses."""
