"""Languages: Chinese first, English too.

The locale of a request comes from ``?lang=`` (remembered in the session), then the session, then
the Accept-Language header, then ``DEFAULT_LOCALE``.  Interface strings are gettext-style: the
English text is the message id and ``translations/zh/LC_MESSAGES/messages.po`` holds Chinese.  The
.po file is read with Babel at start-up, so there is no compile step.  Catalog content (product
names, stories) is stored in both languages; ``localized(obj, "name")`` picks the right column.
"""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, request, session
from markupsafe import Markup

SUPPORTED = ("zh", "en")
_BABEL = {"zh": "zh_Hans_CN", "en": "en_US"}


def load_catalog(path: str) -> dict[str, str]:
    if not os.path.exists(path):
        return {}
    with open(path, "rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    return {m.id: m.string for m in catalog if m.id and m.string and isinstance(m.id, str)}


def select_locale() -> str:
    """Pick and remember the request's locale (called before each request)."""
    asked = request.args.get("lang")
    stateless = request.path.startswith("/api/")  # API answers never depend on, or set, a cookie
    if asked in SUPPORTED:
        if not stateless:
            session["lang"] = asked
        return asked
    remembered = None if stateless else session.get("lang")
    if remembered in SUPPORTED:
        return remembered
    best = request.accept_languages.best_match(SUPPORTED + ("zh-CN", "zh-Hans", "en-US", "en-GB"))
    if best:
        return best.split("-")[0]
    return current_app.config.get("DEFAULT_LOCALE", "zh")


def get_locale() -> str:
    return getattr(g, "locale", None) or current_app.config.get("DEFAULT_LOCALE", "zh")


def gettext(msgid: str, **params) -> str:
    text = msgid
    if get_locale() == "zh":
        text = current_app.extensions["shop_i18n"].get(msgid) or msgid
    return text % params if params else text


def localized(obj, field: str, locale: str | None = None) -> str:
    """``obj.<field>_zh`` or ``obj.<field>_en``, falling back to the other language when empty."""
    locale = locale or get_locale()
    other = "en" if locale == "zh" else "zh"
    return getattr(obj, f"{field}_{locale}", "") or getattr(obj, f"{field}_{other}", "") or ""


def babel_locale(locale: str | None = None) -> str:
    return _BABEL[locale or get_locale()]


def local_datetime(value: dt.datetime, fmt: str = "medium") -> str:
    """Show a stored UTC time in the display timezone (Asia/Shanghai)."""
    tz = ZoneInfo(current_app.config.get("DISPLAY_TIMEZONE", "Asia/Shanghai"))
    return format_datetime(value.astimezone(tz), format=fmt, locale=babel_locale())


def init_app(app: Flask) -> None:
    app.extensions["shop_i18n"] = load_catalog(
        os.path.join(app.root_path, "translations", "zh", "LC_MESSAGES", "messages.po"))

    @app.before_request
    def _set_locale():
        g.locale = select_locale()

    from shop.money import format_fen

    @app.context_processor
    def _i18n_helpers():
        return {
            "_": gettext,
            "locale": get_locale(),
            "localized": localized,
            "money": lambda fen: format_fen(fen, get_locale()),
            "local_datetime": local_datetime,
        }

    app.jinja_env.filters["money"] = lambda fen: format_fen(fen, get_locale())
    app.jinja_env.globals["Markup"] = Markup
