"""Shoppers' accounts: sign-up, login, logout, profile and delivery addresses."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)

from shop.web.accounts import auth, views  # noqa: E402,F401

bp.app_context_processor(auth.template_context)
bp.before_app_request(auth.forget_cached_customer)
