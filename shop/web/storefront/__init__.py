from flask import Blueprint

bp = Blueprint("storefront", __name__)

from shop.web.storefront import views  # noqa: E402,F401
