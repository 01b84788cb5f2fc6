"""Harvest Bridge (丰收桥): the Flask application factory."""
from __future__ import annotations

import os

from flask import Flask

from shop import config as shop_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, database, i18n, CSRF, blueprints, error pages and CLI commands.

    ``test_config`` overrides the environment (used by the tests).
    """
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    settings = shop_config.load(app.instance_path)
    if test_config:
        settings.update(test_config)
        shop_config.finish(settings, app.instance_path)
    app.config.update(settings)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from shop import db, i18n
    from shop import web
    from shop.web import errors

    db.init_app(app)
    i18n.init_app(app)
    web.init_app(app)
    from shop.celery import celery_init_app
    celery_init_app(app)

    from shop.web.storefront import bp as storefront_bp
    from shop.web.api import bp as api_bp
    from shop.web import health

    app.register_blueprint(storefront_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(health.bp)
    from shop.web.accounts import bp as accounts_bp
    app.register_blueprint(accounts_bp)
    from shop.web import payments as payments_pages, webhooks
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(payments_pages.bp)
    from shop.web import checkout as checkout_pages, orders as order_pages
    app.register_blueprint(checkout_pages.bp)
    app.register_blueprint(order_pages.bp)
    errors.init_app(app)

    from shop import cli

    cli.init_app(app)
    if not app.testing and app.config.get("WARM_UP_SEARCH", True):
        # Load jieba's dictionary (1–2 s) in the background now, not on some shopper's first search.
        import threading

        from shop.catalog.search import warm_up

        threading.Thread(target=warm_up, name="search-warm-up", daemon=True).start()
    return app
