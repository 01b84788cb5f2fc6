from flask import Blueprint

from shop.web import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # the API is token-based, not cookie-based

from shop.web.api import views  # noqa: E402,F401
from shop.web.api import carts, orders  # noqa: E402,F401
