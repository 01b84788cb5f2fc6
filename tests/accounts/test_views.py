"""Account pages through the test client: sign-up, login, throttling, sessions, addresses, CSRF.

These tests keep no app context open while the client runs: a request reuses an app context that
is already pushed, and would then share ``g`` (cached customer, CSRF token) with other requests.
Rows are made and checked through ``in_db``, which opens a short one.
"""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from shop import create_app, db
from shop.accounts.models import Address, Customer
from tests.accounts.conftest import csrf_token, log_in, sign_up
from tests.accounts.factories import PASSWORD, AddressFactory, CustomerFactory
from tests.accounts.test_addresses import GOOD


@pytest.fixture
def in_db(app):
    """``in_db(lambda s: ...)`` runs a step against a fresh session and commits it."""

    def run(step):
        with app.app_context():
            result = step(db.session())
            db.session().commit()
            return result

    return run


@pytest.fixture
def customer(in_db):
    return in_db(lambda s: CustomerFactory(email="mei@example.com", display_name="金美"))


def _stored(in_db, email):
    return in_db(lambda s: s.scalar(sa.select(Customer).where(Customer.email == email)))


def _count(in_db, model):
    return in_db(lambda s: s.scalar(sa.select(sa.func.count()).select_from(model)))


# --- sign-up and login ------------------------------------------------------------------------

def test_sign_up_then_log_in_shows_the_account(client, in_db):
    # given a new shopper signs up (and is signed in straight away)
    resp = sign_up(client, "Mei.Jin@Example.com", display_name="金美")
    assert resp.status_code == 302 and resp.headers["Location"] == "/account"
    assert "mei.jin@example.com" in client.get("/account").get_data(as_text=True)
    # when they log out and back in
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert client.get("/account").status_code == 302
    resp = log_in(client, "MEI.JIN@example.com")
    # then the account page shows their email, and the stored hash is argon2id at OWASP's minimum
    assert resp.status_code == 302 and resp.headers["Location"] == "/account"
    page = client.get("/account")
    assert page.status_code == 200 and "mei.jin@example.com" in page.get_data(as_text=True)
    assert _stored(in_db, "mei.jin@example.com").password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_duplicate_sign_up_is_refused_case_insensitively(client, customer, in_db):
    resp = sign_up(client, "MEI@Example.com")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert 'aria-invalid="true"' in body and 'value="MEI@Example.com"' in body
    assert _count(in_db, Customer) == 1


def test_sign_up_errors_rerender_with_input_kept_and_never_the_password(client):
    resp = sign_up(client, "not-an-email", password="short", display_name="<b>金</b>")
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert 'value="not-an-email"' in body
    assert "&lt;b&gt;金&lt;/b&gt;" in body and "<b>金</b>" not in body
    assert 'value="short"' not in body
    assert body.count('class="field-error"') == 2


@pytest.mark.parametrize("email, password", [
    ("mei@example.com", "wrong password"),
    ("nobody@example.com", PASSWORD),
])
def test_wrong_password_and_unknown_email_get_the_same_answer(client, customer, email, password):
    resp = log_in(client, email, password)
    assert resp.status_code == 400
    assert "邮箱或密码不正确。" in resp.get_data(as_text=True)
    assert client.get("/account").status_code == 302


def test_login_messages_in_english(client, customer):
    client.get("/login?lang=en")
    body = log_in(client, "mei@example.com", "wrong password").get_data(as_text=True)
    assert "The email address or password is not correct." in body


@pytest.mark.parametrize("form", [
    {},
    {"email": "", "password": ""},
    {"email": "mei@example.com"},
    {"email": "x" * 300 + "@example.com", "password": PASSWORD},
    {"email": "mei@example.com", "password": "p" * 300},
    {"email": "mei\x00@example.com", "password": PASSWORD},
])
def test_bad_login_input_is_a_400(client, customer, form):
    resp = client.post("/login", data={"csrf_token": csrf_token(client), **form})
    assert resp.status_code == 400


def test_login_success_rehashes_an_outdated_hash(client, in_db):
    old_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    in_db(lambda s: CustomerFactory(email="old@example.com", password_hash=old_hash))
    assert log_in(client, "old@example.com").status_code == 302
    stored = _stored(in_db, "old@example.com")
    assert stored.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert stored.last_login_at is not None


# --- throttling -------------------------------------------------------------------------------

def test_sixth_attempt_on_an_account_gets_429_with_retry_after(client, customer):
    # given five wrong passwords (the default limit)
    for _ in range(5):
        assert log_in(client, "mei@example.com", "wrong password").status_code == 400
    # when the right password comes next / then it is refused without being checked
    resp = log_in(client, "mei@example.com")
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 900
    assert "登录尝试次数过多，请等待 15 分钟后再试。" in resp.get_data(as_text=True)
    # other accounts are unaffected
    other = client.application.test_client()
    assert log_in(other, "someone@example.com", "wrong password").status_code == 400


def test_throttling_per_ip_covers_many_accounts(client, customer, throttle_limits):
    throttle_limits(account=5, ip=4)
    for i in range(4):
        assert log_in(client, f"guess{i}@example.com", "wrong password").status_code == 400
    assert log_in(client, "mei@example.com").status_code == 429
    # the same account from another IP still works
    elsewhere = client.application.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert log_in(elsewhere, "mei@example.com").status_code == 302


def test_success_resets_the_account_counter(client, customer, throttle_limits):
    throttle_limits(account=3, ip=20)
    for _ in range(2):
        log_in(client, "mei@example.com", "wrong password")
    assert log_in(client, "mei@example.com").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    # after the reset, three more attempts are allowed before the fourth is refused
    for _ in range(2):
        assert log_in(client, "mei@example.com", "wrong password").status_code == 400
    assert log_in(client, "mei@example.com").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for _ in range(3):
        log_in(client, "mei@example.com", "wrong password")
    assert log_in(client, "mei@example.com").status_code == 429


# --- sessions ---------------------------------------------------------------------------------

def _session_cookie(client):
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_rotates_the_session_but_keeps_cart_and_language(client, customer):
    # given a visitor with a cart and a language choice
    with client.session_transaction() as s:
        s["cart_token"] = "cart-abc"
        s["lang"] = "en"
        s["stale"] = "planted by someone else"
    token_before = csrf_token(client)
    with client.session_transaction() as s:
        csrf_before = s["csrf_token"]
    cookie_before = _session_cookie(client)
    # when they log in
    client.post("/login", data={"csrf_token": token_before, "email": "mei@example.com", "password": PASSWORD})
    # then the cookie is new, carries the customer, keeps cart and language, and drops the rest
    assert _session_cookie(client) != cookie_before
    with client.session_transaction() as s:
        assert s["customer_id"] == customer.id and s["auth_nonce"] == customer.auth_nonce
        assert s["cart_token"] == "cart-abc" and s["lang"] == "en"
        assert "stale" not in s
        assert s.get("csrf_token") != csrf_before


def test_logout_clears_the_session(client, customer):
    with client.session_transaction() as s:
        s["cart_token"] = "cart-abc"
        s["lang"] = "zh"
    log_in(client, "mei@example.com")
    resp = client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert resp.status_code == 302
    with client.session_transaction() as s:
        assert dict(s) == {"lang": "zh"}
    assert client.get("/account").status_code == 302


def test_logout_needs_post(client, customer):
    log_in(client, "mei@example.com")
    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200


def test_password_change_signs_out_other_cookies(client, customer, app):
    # given the same account signed in on two browsers
    phone = app.test_client()
    log_in(client, "mei@example.com")
    log_in(phone, "mei@example.com")
    # when the password is changed on the first
    resp = client.post("/account/password", data={"csrf_token": csrf_token(client, "/account"),
                                                  "current_password": PASSWORD, "new_password": "a brand new one"})
    assert resp.status_code == 302
    # then the first stays signed in and the second is signed out
    assert client.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    with phone.session_transaction() as s:
        assert "customer_id" not in s


def test_wrong_current_password_rerenders_with_400(client, customer):
    log_in(client, "mei@example.com")
    resp = client.post("/account/password", data={"csrf_token": csrf_token(client, "/account"),
                                                   "current_password": "nope nope", "new_password": "a brand new one"})
    assert resp.status_code == 400 and 'id="f-current_password-error"' in resp.get_data(as_text=True)


def test_logout_everywhere(client, customer, app):
    phone = app.test_client()
    log_in(client, "mei@example.com")
    log_in(phone, "mei@example.com")
    stolen = _session_cookie(phone)
    resp = client.post("/account/logout-everywhere", data={"csrf_token": csrf_token(client, "/account")})
    assert resp.status_code == 302
    assert client.get("/account").status_code == 302
    assert phone.get("/account").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/account").status_code == 302


def test_current_customer_costs_one_query_per_request(app, customer, count_queries):
    from flask import session as flask_session
    from shop.web.accounts.auth import current_customer
    with app.test_request_context("/account"):
        flask_session["customer_id"] = customer.id
        flask_session["auth_nonce"] = customer.auth_nonce
        with count_queries() as n:
            assert current_customer().email == "mei@example.com"
            assert current_customer().email == "mei@example.com"
        assert n.count == 1


@pytest.mark.parametrize("path", ["/account", "/account/addresses/new", "/account/addresses/1/edit"])
def test_login_required_redirects_with_next(client, path):
    resp = client.get(path)
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/login?next=")


def test_next_is_followed_only_on_this_site(client, customer):
    resp = client.get("/account/addresses/new?from=cart")
    assert resp.headers["Location"] == "/login?next=/account/addresses/new?from%3Dcart"
    resp = log_in(client, "mei@example.com", next="/account/addresses/new?from=cart")
    assert resp.headers["Location"] == "/account/addresses/new?from=cart"


@pytest.mark.parametrize("evil", [
    "https://evil.example/", "//evil.example/", "/\\evil.example", "\\\\evil.example",
    "/\t/evil.example", "javascript:alert(1)", "evil.example", "",
])
def test_next_to_another_site_is_ignored(client, customer, evil):
    resp = log_in(client, "mei@example.com", next=evil)
    assert resp.status_code == 302 and resp.headers["Location"] == "/account"


def test_production_cookie_flags(database_url, customer):
    # given the production configuration
    app = create_app({"ENV": "production", "SECRET_KEY": "prod-secret", "DATABASE_URL": database_url,
                      "PAYMENT_GATEWAY": "stripe", "STRIPE_SECRET_KEY": "sk_test_unused",
                      "PUBLIC_URL": "https://shop.example.cn"})
    try:
        client = app.test_client()
        resp = log_in(client, "mei@example.com")
        assert resp.status_code == 302
        cookie = [h for h in resp.headers.getlist("Set-Cookie") if h.startswith("session=")][0]
        # then the session cookie is Secure, HttpOnly and SameSite=Lax
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        db.get_db(app).engine.dispose()


# --- CSRF ---------------------------------------------------------------------------------------

def test_login_without_csrf_token_is_a_400(client, customer):
    resp = client.post("/login", data={"email": "mei@example.com", "password": PASSWORD})
    assert resp.status_code == 400
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize("path, form", [
    ("/signup", {"email": "new@example.com", "password": PASSWORD}),
    ("/logout", {}),
    ("/account/password", {"current_password": PASSWORD, "new_password": "taken over!"}),
    ("/account/logout-everywhere", {}),
    ("/account/addresses/new", GOOD),
])
def test_post_without_csrf_token_is_a_400_and_changes_nothing(client, customer, in_db, path, form):
    # given a signed-in shopper / when a form arrives without a CSRF token
    log_in(client, "mei@example.com")
    resp = client.post(path, data=form)
    # then it is refused and nothing happened: still signed in, nothing stored
    assert resp.status_code == 400
    assert client.get("/account").status_code == 200
    assert _count(in_db, Customer) == 1 and _count(in_db, Address) == 0
    assert _stored(in_db, "mei@example.com").password_hash == customer.password_hash


def test_every_form_carries_a_csrf_token(client, customer, in_db):
    for path in ("/login", "/signup"):
        body = client.get(path).get_data(as_text=True)
        assert body.count("<form") - body.count('role="search"') == body.count('name="csrf_token"')
    log_in(client, "mei@example.com")
    in_db(lambda s: AddressFactory(customer=s.get(Customer, customer.id), is_default=False))
    for path in ("/account", "/account/addresses/new"):
        body = client.get(path).get_data(as_text=True)
        assert body.count("<form") - body.count('role="search"') == body.count('name="csrf_token"')


# --- addresses ----------------------------------------------------------------------------------

def _address_post(client, path, **fields):
    return client.post(path, data={"csrf_token": csrf_token(client, "/account/addresses/new"), **fields})


def test_add_edit_default_and_delete_addresses(client, customer, in_db):
    log_in(client, "mei@example.com")
    # add
    resp = _address_post(client, "/account/addresses/new", **(GOOD | {"mobile": "+86 139-0000-1111"}))
    assert resp.status_code == 302
    page = client.get("/account").get_data(as_text=True)
    assert "金美玉" in page and "139 0000 1111" in page
    first = in_db(lambda s: s.scalar(sa.select(Address)))
    assert first.mobile == "13900001111" and first.is_default and first.customer_id == customer.id
    # add a second as default, then edit it
    _address_post(client, "/account/addresses/new", **(GOOD | {"recipient": "李四", "is_default": "1"}))
    second = in_db(lambda s: s.scalar(sa.select(Address).where(Address.recipient == "李四")))
    assert client.get(f"/account/addresses/{second.id}/edit").status_code == 200
    resp = _address_post(client, f"/account/addresses/{second.id}/edit", **(GOOD | {"recipient": "李四四", "postcode": ""}))
    assert resp.status_code == 302
    edited, old = in_db(lambda s: (s.get(Address, second.id), s.get(Address, first.id)))
    assert edited.recipient == "李四四" and edited.postcode is None
    assert edited.is_default and not old.is_default
    # make the first default again, then delete it
    _address_post(client, f"/account/addresses/{first.id}/default")
    assert in_db(lambda s: s.get(Address, first.id).is_default)
    assert _address_post(client, f"/account/addresses/{first.id}/delete").status_code == 302
    assert in_db(lambda s: s.get(Address, first.id) is None and s.get(Address, second.id).is_default)


def test_invalid_address_rerenders_with_messages_and_input(client, customer, in_db):
    log_in(client, "mei@example.com")
    resp = _address_post(client, "/account/addresses/new", **(GOOD | {"mobile": "12345", "street": "<script>x</script>"}))
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert 'value="12345"' in body and 'id="f-mobile-error"' in body
    assert "&lt;script&gt;x&lt;/script&gt;" in body and "<script>x</script>" not in body
    assert 'value="金美玉"' in body
    assert _count(in_db, Address) == 0


def test_someone_elses_address_is_a_404(client, customer, in_db):
    stranger = in_db(lambda s: AddressFactory())
    log_in(client, "mei@example.com")
    assert client.get(f"/account/addresses/{stranger.id}/edit").status_code == 404
    assert _address_post(client, f"/account/addresses/{stranger.id}/edit", **GOOD).status_code == 404
    assert _address_post(client, f"/account/addresses/{stranger.id}/delete").status_code == 404
    assert _address_post(client, f"/account/addresses/{stranger.id}/default").status_code == 404
    assert client.get("/account/addresses/99999999999999999999999/edit").status_code == 404
    assert in_db(lambda s: s.get(Address, stranger.id).recipient) == "金美玉"


def test_templates_see_current_customer(app, customer):
    from flask import render_template_string, session as flask_session
    page = "{% if current_customer %}{{ current_customer.email }}{% else %}anonymous{% endif %}"
    with app.test_request_context("/"):
        assert render_template_string(page) == "anonymous"
    with app.test_request_context("/"):
        flask_session["customer_id"] = customer.id
        flask_session["auth_nonce"] = customer.auth_nonce
        assert render_template_string(page) == "mei@example.com"
    with app.test_request_context("/"):
        flask_session["customer_id"] = customer.id
        flask_session["auth_nonce"] = "0" * 32  # signed out everywhere since
        assert render_template_string(page) == "anonymous"
        assert "customer_id" not in flask_session
