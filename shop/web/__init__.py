"""Web layer: thin blueprints that parse input, call one domain function and render."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, request
from flask_wtf import CSRFProtect

from shop.errors import DomainError
from shop.web import page_cache
from werkzeug.routing import IntegerConverter

csrf = CSRFProtect()

DB_INT_MAX = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` limited to what an INTEGER column holds, so a huge id is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseIdConverter
    csrf.init_app(app)
    page_cache.init_app(app)  # before ProxyFix wraps the app, so the cache key sees the real scheme

    if app.config.get("PROXY_FIX_X_FOR"):
        # Behind a reverse proxy the client address (login throttling per IP) comes from
        # X-Forwarded-For; trust exactly as many hops as configured, never by default.
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["PROXY_FIX_X_FOR"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0)

    @app.before_request
    def _refuse_nul_in_query():
        # A NUL byte can never be meaningful in our parameters, and PostgreSQL rejects it in text.
        raw = request.query_string.decode("latin-1")
        if "\x00" in raw or "%00" in raw:
            raise DomainError("invalid_parameter", "Parameters must not contain NUL characters.")


def safe_next_url(raw: object) -> str | None:
    """``raw`` if it is a path on this site (``/account?x=1``), else None: no open redirects.

    Refuses absolute and scheme-relative URLs, backslashes and control characters, which browsers
    may turn into ``//other.site``.
    """
    if not isinstance(raw, str) or not raw.startswith("/") or len(raw) > 2000:
        return None
    if raw.startswith("//") or "\\" in raw or any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return None
    return raw
