"""Helpers for the account tests: CSRF tokens from real pages, signing up and logging in."""
from __future__ import annotations

import re

import pytest

from tests.accounts.factories import PASSWORD

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token a real form on ``path`` carries for this client's session."""
    page = client.get(path)
    match = _TOKEN.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def log_in(client, email: str, password: str = PASSWORD, **extra):
    data = {"csrf_token": csrf_token(client), "email": email, "password": password, **extra}
    return client.post("/login", data=data)


def sign_up(client, email: str, password: str = PASSWORD, **extra):
    data = {"csrf_token": csrf_token(client, "/signup"), "email": email, "password": password, **extra}
    return client.post("/signup", data=data)


@pytest.fixture
def throttle_limits(app, monkeypatch):
    """Set small login limits for one test: ``throttle_limits(account=3, ip=4)``."""

    def set_limits(account: int = 5, ip: int = 20, window: int = 900):
        monkeypatch.setitem(app.config, "LOGIN_MAX_ATTEMPTS_PER_ACCOUNT", account)
        monkeypatch.setitem(app.config, "LOGIN_MAX_ATTEMPTS_PER_IP", ip)
        monkeypatch.setitem(app.config, "LOGIN_THROTTLE_WINDOW_SECONDS", window)

    return set_limits
