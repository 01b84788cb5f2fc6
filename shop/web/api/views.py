from shop.web.api import bp  # noqa: F401
