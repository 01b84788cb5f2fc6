"""Money is an integer number of fen (1/100 yuan) plus a currency; never a float."""
from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

CURRENCY = "CNY"
_BABEL_LOCALES = {"zh": "zh_Hans_CN", "en": "en_US"}


def fen_to_decimal(amount_fen: int) -> Decimal:
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool):
        raise TypeError(f"money must be integer fen, got {type(amount_fen).__name__}")
    return Decimal(amount_fen).scaleb(-2)


def format_fen(amount_fen: int, locale: str = "zh", currency: str = CURRENCY) -> str:
    """Locale-aware price text, e.g. ``¥128.00`` (zh) or ``CN¥128.00`` (en)."""
    return format_currency(fen_to_decimal(amount_fen), currency, locale=_BABEL_LOCALES.get(locale, locale))


def money_json(amount_fen: int, currency: str = CURRENCY) -> dict:
    """The API's money shape: ``{"amount": <int fen>, "currency": "CNY"}``."""
    return {"amount": int(amount_fen), "currency": currency}
