from flask import Blueprint

bp = Blueprint("storefront", __name__)

from shop.web.storefront import views  # noqa: E402,F401
from shop.web.storefront import cart_views  # noqa: E402,F401
