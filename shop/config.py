"""Configuration: safe defaults for the embedded mode, overridden by ``SHOP_*`` environment variables.

Every setting ``X`` can be set from the environment as ``SHOP_X``.  A production deployment
(``SHOP_ENV=production``) must set ``SHOP_SECRET_KEY`` and ``SHOP_DATABASE_URL``: we fail loudly
rather than run with a development secret.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile


class ConfigError(RuntimeError):
    """A setting required in this environment is missing or malformed."""


DEFAULTS: dict[str, object] = {
    "ENV": "development",
    "SECRET_KEY": None,  # filled per environment below
    "DATABASE_URL": None,  # sqlite:///<instance>/shop.db unless set
    "DATABASE_ECHO": False,
    "BROKER_URL": None,  # filesystem:// under instance/ unless set
    "BROKER_DIR": None,  # the filesystem broker's folders: <instance>/broker unless set
    "OUTBOX_PUBLISH_ON_COMMIT": True,  # publish outbox rows right after their transaction commits
    "OUTBOX_RELAY_INTERVAL": 5,  # seconds between beat runs of the outbox relay
    "OUTBOX_REDELIVER_AFTER": 900,  # seconds before a published but unfinished task is sent again
    "MAIL_URL": None,  # smtp://user:pass@host:port or smtps://…; unset: .eml files in MAIL_OUTBOX_DIR
    "MAIL_FROM": "丰收桥 Harvest Bridge <no-reply@harvest-bridge.localhost>",
    "MAIL_OUTBOX_DIR": None,  # <instance>/outbox unless set
    "MAIL_TIMEOUT": 10,  # seconds for each SMTP connection
    "DEFAULT_LOCALE": "zh",
    "LOCALES": ["zh", "en"],
    "DISPLAY_TIMEZONE": "Asia/Shanghai",
    "PRODUCTS_PER_PAGE": 24,
    "PAGE_CACHE_SECONDS": 10,  # anonymous catalog pages kept in each process (0: off); see shop/web/page_cache.py
    "API_MAX_PER_PAGE": 100,
    "MAX_QUERY_LENGTH": 100,
    "CART_MAX_QUANTITY": 99,
    "RESERVATION_TTL_SECONDS": 900,  # how long checkout holds stock for an unpaid order
    "PAYMENT_GATEWAY": "test",  # "test": the embedded payment page; "stripe": Stripe-hosted Checkout
    # The Stripe settings are also read from the unprefixed STRIPE_* variables Stripe's docs use.
    "STRIPE_SECRET_KEY": None,
    "STRIPE_WEBHOOK_SECRET": None,  # whsec_…; development derives one from SECRET_KEY (see finish)
    "STRIPE_API_BASE": None,  # another API address, e.g. a local Stripe-compatible server
    "WEBHOOK_TOLERANCE_SECONDS": 300,  # how old a signed webhook may be
    "MEDIA_DIR": None,  # <instance>/media unless set
    "WTF_CSRF_TIME_LIMIT": None,  # token lives as long as the session
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_HTTPONLY": True,
    "PROXY_FIX_X_FOR": 0,  # reverse proxies in front of the app whose X-Forwarded-For to trust (0: none)
    "PUBLIC_URL": None,  # e.g. https://shop.example.cn: absolute links in emails (workers have no request)
}

_DEV_SECRET = "dev-only-not-secret"

PAYMENT_GATEWAYS = ("test", "stripe")
#: Settings that may also come from the environment without the SHOP_ prefix (SHOP_* wins).
UNPREFIXED = ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_API_BASE")


def _coerce(raw: str, default: object) -> object:
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        try:
            return int(raw)
        except ValueError as exc:
            raise ConfigError(f"expected an integer, got {raw!r}") from exc
    if isinstance(default, list):
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def load(instance_path: str, environ: os._Environ | dict | None = None) -> dict[str, object]:
    """Return the settings: defaults, then ``SHOP_*`` variables, then derived paths."""
    environ = os.environ if environ is None else environ
    cfg: dict[str, object] = dict(DEFAULTS)
    for key, default in DEFAULTS.items():
        raw = environ.get(f"SHOP_{key}")
        if raw is not None:
            cfg[key] = _coerce(raw, default) if default is not None else raw
    for key in UNPREFIXED:
        if environ.get(f"SHOP_{key}") is None and environ.get(key):
            cfg[key] = environ[key]
    extra = environ.get("SHOP_CONFIG_JSON")
    if extra:
        cfg.update(json.loads(extra))
    finish(cfg, instance_path)
    return cfg


def finish(cfg: dict, instance_path: str) -> None:
    """Fill derived defaults and check what production requires."""
    production = cfg.get("ENV") == "production"
    if not cfg.get("SECRET_KEY"):
        if production:
            raise ConfigError("SHOP_SECRET_KEY must be set when SHOP_ENV=production")
        cfg["SECRET_KEY"] = _DEV_SECRET
    if not cfg.get("DATABASE_URL"):
        if production:
            raise ConfigError("SHOP_DATABASE_URL must be set when SHOP_ENV=production")
        cfg["DATABASE_URL"] = "sqlite:///" + os.path.join(instance_path, "shop.db")
    if not cfg.get("BROKER_URL"):
        cfg["BROKER_URL"] = "filesystem://"
    scratch = None
    for key, folder in (("BROKER_DIR", "broker"), ("MAIL_OUTBOX_DIR", "outbox")):
        derived = os.path.join(instance_path, folder)
        if cfg.get("TESTING") and cfg.get(key) in (None, "", derived):
            # A test app never drops messages or mail into the developer's instance folder (load()
            # may have filled the instance default before the test config arrived).
            scratch = scratch or tempfile.mkdtemp(prefix="hb-test-")
            cfg[key] = os.path.join(scratch, folder)
        elif not cfg.get(key):
            cfg[key] = derived
    if not cfg.get("MEDIA_DIR"):
        cfg["MEDIA_DIR"] = os.path.join(instance_path, "media")
    if production:
        cfg.setdefault("SESSION_COOKIE_SECURE", True)
    _finish_payments(cfg, production)


def _finish_payments(cfg: dict, production: bool) -> None:
    gateway = cfg.get("PAYMENT_GATEWAY")
    if gateway not in PAYMENT_GATEWAYS:
        raise ConfigError(f"SHOP_PAYMENT_GATEWAY must be one of {', '.join(PAYMENT_GATEWAYS)}, not {gateway!r}")
    if production and gateway == "test":
        raise ConfigError("SHOP_PAYMENT_GATEWAY=test is for development; set it to stripe in production")
    if production and not cfg.get("PUBLIC_URL"):
        raise ConfigError("SHOP_PUBLIC_URL must be set when SHOP_ENV=production (links in emails)")
    if gateway == "stripe" and not cfg.get("STRIPE_SECRET_KEY"):
        raise ConfigError("STRIPE_SECRET_KEY must be set when SHOP_PAYMENT_GATEWAY=stripe")
    # A secret this function derived on an earlier pass (before a test config changed SECRET_KEY)
    # is not one the operator set, so it is derived again.
    derived_before = cfg.pop("WEBHOOK_SECRET_DERIVED", None)
    secret = cfg.get("STRIPE_WEBHOOK_SECRET")
    if secret and secret != derived_before:
        return
    if production or gateway != "test":
        # No secret set: the webhook endpoint fails closed (503).  A derived secret is only for the
        # embedded test gateway: with real Stripe it would come from a possibly public dev key.
        cfg["STRIPE_WEBHOOK_SECRET"] = None
        return
    # Development and tests with the test gateway: a local secret, so it signs and verifies its
    # events out of the box.  Derived rather than fixed, so it is as secret as SECRET_KEY.
    digest = hmac.new(str(cfg["SECRET_KEY"]).encode(), b"harvest-bridge local webhook secret", hashlib.sha256)
    cfg["STRIPE_WEBHOOK_SECRET"] = cfg["WEBHOOK_SECRET_DERIVED"] = "whsec_local_" + digest.hexdigest()
