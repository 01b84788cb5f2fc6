from flask import render_template

from shop.web.storefront import bp


@bp.get("/")
def home():
    return render_template("storefront/home.html")
