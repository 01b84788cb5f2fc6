"""Account pages.  Each view parses the form, calls the accounts domain, renders or redirects."""
from __future__ import annotations

from flask import make_response, redirect, render_template, request, url_for

from shop import db
from shop.accounts import services
from shop.accounts.addresses import FIELDS as ADDRESS_FIELDS, clean_text, validate_address
from shop.accounts.errors import InvalidInput, TooManyAttempts, WrongCredentials
from shop.i18n import gettext as _
from shop.web.accounts import bp
from shop.web.accounts.auth import (current_customer, end_session, login_required, refresh_session_nonce,
                                    safe_next_url, start_session)
from shop.web.errors import DomainError


def _kept(form, fields) -> dict[str, str]:
    """Form values to show again after an error (never passwords)."""
    return {field: clean_text(form.get(field))[:300] for field in fields}


# --- sign-up, login, logout -------------------------------------------------------------------

@bp.route("/signup", methods=["GET", "POST"])
def signup():
    next_url = safe_next_url(request.values.get("next"))
    if request.method == "GET":
        if current_customer() is not None:
            return redirect(next_url or url_for("accounts.account"))
        return render_template("accounts/signup.html", form={}, errors={}, next_url=next_url)
    form = request.form
    try:
        with db.unit_of_work() as s:
            customer = services.sign_up(s, form.get("email"), form.get("password"), form.get("display_name", ""))
    except InvalidInput as exc:
        return render_template("accounts/signup.html", form=_kept(form, ("email", "display_name")),
                               errors=exc.translated(), next_url=next_url), 400
    start_session(customer)
    return redirect(next_url or url_for("accounts.account"))


def _login_page(status: int, email: str = "", errors: dict | None = None, message: str | None = None,
                next_url: str | None = None):
    page = render_template("accounts/login.html", form={"email": email}, errors=errors or {},
                           message=message, next_url=next_url)
    return make_response(page, status)


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next_url(request.values.get("next"))
    if request.method == "GET":
        if current_customer() is not None:
            return redirect(next_url or url_for("accounts.account"))
        return _login_page(200, next_url=next_url)

    typed_email = clean_text(request.form.get("email"))[:services.EMAIL_MAX_LENGTH]
    try:
        customer = services.log_in(db.unit_of_work, request.form.get("email"), request.form.get("password", ""),
                                   request.remote_addr)
    except InvalidInput as exc:
        return _login_page(400, typed_email, errors=exc.translated(), next_url=next_url)
    except TooManyAttempts as exc:
        response = _login_page(429, typed_email.lower(), message=_(exc.message, **exc.params), next_url=next_url)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except WrongCredentials as exc:
        return _login_page(400, typed_email.lower(), message=_(exc.message), next_url=next_url)
    start_session(customer)
    return redirect(next_url or url_for("accounts.account"))


@bp.post("/logout")
def logout():
    end_session()
    return redirect(url_for("storefront.home"))


# --- profile ----------------------------------------------------------------------------------

def _account_page(status: int = 200, password_errors: dict | None = None, notice: str | None = None):
    customer = current_customer()
    addresses = services.list_addresses(db.session(), customer)
    page = render_template("accounts/account.html", customer=customer, addresses=addresses,
                           password_errors=password_errors or {}, notice=notice)
    return make_response(page, status)


@bp.get("/account")
@login_required
def account():
    notice = {"password": _("Your password has been changed. Other devices have been signed out.")}.get(
        request.args.get("done", ""))
    return _account_page(notice=notice)


@bp.post("/account/password")
@login_required
def change_password():
    customer = current_customer()
    try:
        with db.unit_of_work() as s:
            services.change_password(s, customer, request.form.get("current_password"),
                                     request.form.get("new_password"))
    except InvalidInput as exc:
        return _account_page(400, password_errors=exc.translated())
    refresh_session_nonce(customer)
    return redirect(url_for("accounts.account", done="password"))


@bp.post("/account/logout-everywhere")
@login_required
def logout_everywhere():
    with db.unit_of_work() as s:
        services.log_out_everywhere(s, current_customer())
    end_session()
    return redirect(url_for("accounts.login"))


# --- addresses --------------------------------------------------------------------------------

def _address_form(status: int, form: dict, errors: dict, address_id: int | None = None,
                  message: str | None = None):
    page = render_template("accounts/address_form.html", form=form, errors=errors, address_id=address_id,
                           message=message)
    return make_response(page, status)


def _save_address(address_id: int | None):
    customer = current_customer()
    form = request.form
    make_default = form.get("is_default") == "1"
    try:
        data = validate_address(form)
        with db.unit_of_work() as s:
            if address_id is None:
                services.add_address(s, customer, data, make_default=make_default)
            else:
                services.update_address(s, customer, address_id, data, make_default=make_default)
    except InvalidInput as exc:
        kept = _kept(form, ADDRESS_FIELDS) | {"is_default": make_default}
        return _address_form(400, kept, exc.translated(), address_id, message=_(exc.message))
    except DomainError as exc:
        if exc.status != 400:
            raise
        kept = _kept(form, ADDRESS_FIELDS) | {"is_default": make_default}
        return _address_form(400, kept, {}, address_id, message=_(exc.message, **exc.params))
    return redirect(url_for("accounts.account") + "#addresses")


@bp.route("/account/addresses/new", methods=["GET", "POST"])
@login_required
def new_address():
    if request.method == "GET":
        return _address_form(200, {}, {})
    return _save_address(None)


@bp.route("/account/addresses/<int:address_id>/edit", methods=["GET", "POST"])
@login_required
def edit_address(address_id: int):
    if request.method == "GET":
        address = services.get_address(db.session(), current_customer(), address_id)
        form = {field: getattr(address, field) or "" for field in ADDRESS_FIELDS}
        form["is_default"] = address.is_default
        return _address_form(200, form, {}, address_id)
    return _save_address(address_id)


@bp.post("/account/addresses/<int:address_id>/default")
@login_required
def make_default_address(address_id: int):
    with db.unit_of_work() as s:
        services.set_default_address(s, current_customer(), address_id)
    return redirect(url_for("accounts.account") + "#addresses")


@bp.post("/account/addresses/<int:address_id>/delete")
@login_required
def delete_address(address_id: int):
    with db.unit_of_work() as s:
        services.delete_address(s, current_customer(), address_id)
    return redirect(url_for("accounts.account") + "#addresses")
