"""An in-process cache of anonymous catalog pages and read-only catalog API answers.

Most catalog traffic comes from visitors without a session: they all see the same page for the
same address and language.  Such responses are kept in memory for ``PAGE_CACHE_SECONDS`` (default
10 s; 0 turns the cache off) and served again without touching Flask, the database or the
templates.  Each process (each gunicorn worker) has its own cache.

What is cached, and only that:

- ``GET`` requests (a ``HEAD`` may be answered from a ``GET``'s entry) that carry **no cookie at
  all** and no ``Authorization`` header: no cart, no sign-in, no remembered language, no flash;
- to one of the catalog endpoints in ``CACHEABLE_ENDPOINTS``;
- answered ``200`` without touching the session or setting a cookie: a page that generates a CSRF
  token (the product page's add-to-cart form) is never kept, so no two visitors share a token.

The key is the scheme, host, path, query string and the language the request negotiates (``?lang=``
else ``Accept-Language`` else ``DEFAULT_LOCALE``), so Chinese and English pages are never mixed.

Freshness is the TTL and nothing else: stock and prices shown on a cached listing, home, pavilion
or farm page may lag the database by up to ``PAGE_CACHE_SECONDS``.  Nothing is invalidated early —
the catalog also changes in other processes (other workers, the farmers' portal, Celery tasks), so
a local purge would promise a consistency it cannot deliver.  The cart, checkout and orders always
read live data and are never cached here; checkout re-checks prices and stock anyway.

Responses carry ``X-Cache: miss`` or ``X-Cache: hit`` (with ``Age``) when the cache applies to the
request, and ``Cache-Control: public, max-age=<ttl>`` with ``Vary: Accept-Language, Cookie`` when the
page may be kept; pages of a browser with a session get ``Cache-Control: private, no-store``.
"""
from __future__ import annotations

import functools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import parse_qsl

from flask import Flask, current_app, g, request, session
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from shop.i18n import SUPPORTED

EXTENSION = "page_cache"
# What the app's locale negotiation (shop.i18n.select_locale, the API's _choose_locale) matches
# Accept-Language against; the cache key must negotiate exactly the same way.
ACCEPT_LANGUAGE_MATCHES = SUPPORTED + ("zh-CN", "zh-Hans", "en-US", "en-GB")
CACHEABLE_ENDPOINTS = frozenset({
    "storefront.home",
    "storefront.region",
    "storefront.farm",
    "storefront.products",
    "storefront.product",  # kept only when no CSRF token was generated (see module docstring)
    "api.products",
    "api.product",
    "api.regions",
})
DEFAULT_MAX_ENTRIES = 512
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
# One page may not take more than this share of the byte budget (a huge page would evict the rest).
MAX_ENTRY_SHARE = 8

# Keys in the WSGI environ: the middleware's lookup key and locale, and the app's verdict.
_ENV_KEY = "shop.page_cache.key"
_ENV_LOCALE = "shop.page_cache.locale"
_ENV_STORE = "shop.page_cache.store"


@dataclass(frozen=True)
class Entry:
    status: str
    headers: tuple[tuple[str, str], ...]  # as sent on the miss, without X-Cache
    body: bytes
    stored_at: float
    expires_at: float

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + 200


class PageStore:
    """A bounded LRU of responses: at most ``max_entries`` and about ``max_bytes``, thread-safe."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES,
                 clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.clock = clock
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size_bytes(self) -> int:
        return self._bytes

    def get(self, key: tuple) -> Entry | None:
        """The fresh entry under ``key`` (marked most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry.expires_at <= self.clock():
                self._remove(key)
                return None
            self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple, status: str, headers: Iterable[tuple[str, str]], body: bytes, ttl: float) -> bool:
        """Keep a response for ``ttl`` seconds; False when it is too big to keep."""
        now = self.clock()
        entry = Entry(status, tuple(headers), body, now, now + ttl)
        if entry.size > self.max_bytes // MAX_ENTRY_SHARE:
            return False
        with self._lock:
            if key in self._entries:
                self._remove(key)
            self._entries[key] = entry
            self._bytes += entry.size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                self._remove(next(iter(self._entries)))
        return True

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def _remove(self, key: tuple) -> None:
        self._bytes -= self._entries.pop(key).size


@functools.lru_cache(maxsize=256)
def _locale_from_header(accept_language: str | None, default: str) -> str:
    best = parse_accept_header(accept_language, LanguageAccept).best_match(ACCEPT_LANGUAGE_MATCHES)
    return best.split("-")[0] if best else default


def negotiated_locale(query_string: str, accept_language: str | None, default: str) -> str:
    """The language a cookie-less request gets: ``?lang=`` if supported, else Accept-Language."""
    if "lang=" in query_string:
        for name, value in parse_qsl(query_string, keep_blank_values=True):
            if name == "lang":
                if value in SUPPORTED:
                    return value
                break  # the app reads the first value only
    return _locale_from_header(accept_language or None, default)


class PageCacheMiddleware:
    """WSGI middleware in front of the Flask app: answers hits, keeps what the app marked cacheable.

    The app's ``after_request`` hook (see ``init_app``) decides whether a response may be kept,
    because only it knows the endpoint, the session and the locale it rendered in.
    """

    def __init__(self, wsgi_app, flask_app: Flask, store: PageStore):
        self.wsgi_app = wsgi_app
        self.flask_app = flask_app
        self.store = store

    def __call__(self, environ, start_response):
        ttl = self.flask_app.config.get("PAGE_CACHE_SECONDS") or 0
        method = environ.get("REQUEST_METHOD")
        if (ttl <= 0 or method not in ("GET", "HEAD")
                or environ.get("HTTP_COOKIE") or environ.get("HTTP_AUTHORIZATION")):
            return self.wsgi_app(environ, start_response)

        query = environ.get("QUERY_STRING", "")
        locale = negotiated_locale(query, environ.get("HTTP_ACCEPT_LANGUAGE"),
                                   self.flask_app.config.get("DEFAULT_LOCALE", "zh"))
        key = (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST") or environ.get("SERVER_NAME"),
               environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""), query, locale)
        entry = self.store.get(key)
        if entry is not None:
            age = max(0, int(self.store.clock() - entry.stored_at))
            start_response(entry.status, [*entry.headers, ("X-Cache", "hit"), ("Age", str(age))])
            return [] if method == "HEAD" else [entry.body]

        environ[_ENV_KEY] = key
        environ[_ENV_LOCALE] = locale
        sent: list = []

        def remember_start_response(status, headers, exc_info=None):
            sent[:] = [status, headers]
            return start_response(status, headers, exc_info)

        app_iter = self.wsgi_app(environ, remember_start_response)
        if not (method == "GET" and environ.get(_ENV_STORE) and sent and sent[0].startswith("200 ")
                and not any(name.lower() == "set-cookie" for name, _ in sent[1])):
            return app_iter
        try:
            body = b"".join(app_iter)
        finally:
            close = getattr(app_iter, "close", None)
            if close is not None:
                close()
        headers = [(name, value) for name, value in sent[1] if name.lower() != "x-cache"]
        self.store.put(key, sent[0], headers, body, ttl)
        return [body]


def _decide_caching(response):
    """Mark a response the middleware may keep, and say so to browsers and proxies."""
    environ = request.environ
    personal = bool(request.headers.get("Cookie")) or session.modified or "Set-Cookie" in response.headers
    if personal and request.method in ("GET", "HEAD") and "Cache-Control" not in response.headers:
        # A page of a browser with a session (cart count, sign-in, flashes, CSRF token) is its own.
        response.headers["Cache-Control"] = "private, no-store"
    if _ENV_KEY not in environ or request.endpoint not in CACHEABLE_ENDPOINTS:
        return response
    response.headers["X-Cache"] = "miss"
    if (personal or response.status_code != 200 or response.is_streamed
            or getattr(g, "locale", None) != environ[_ENV_LOCALE]):
        return response
    ttl = current_app.config.get("PAGE_CACHE_SECONDS") or 0
    if "Cache-Control" not in response.headers:
        response.cache_control.public = True
        response.cache_control.max_age = int(ttl)
    response.vary.update(("Accept-Language", "Cookie"))
    environ[_ENV_STORE] = True
    return response


def get_store(app: Flask) -> PageStore:
    return app.extensions[EXTENSION]


def clear(app: Flask) -> None:
    """Forget every kept page of this process (e.g. for a test; freshness is otherwise the TTL)."""
    get_store(app).clear()


def init_app(app: Flask) -> None:
    """Put the cache in front of ``app``.  Call before other WSGI middleware (e.g. ProxyFix) wraps
    the app, so the key sees the scheme and host the app itself sees."""
    store = PageStore(max_entries=int(app.config.get("PAGE_CACHE_MAX_ENTRIES") or DEFAULT_MAX_ENTRIES),
                      max_bytes=int(app.config.get("PAGE_CACHE_MAX_BYTES") or DEFAULT_MAX_BYTES))
    app.extensions[EXTENSION] = store
    app.wsgi_app = PageCacheMiddleware(app.wsgi_app, app, store)
    app.after_request(_decide_caching)
