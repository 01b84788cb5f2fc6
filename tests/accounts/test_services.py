"""Account use cases against the database (SQLite and PostgreSQL)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
import sqlalchemy as sa

from shop import db
from shop.accounts import passwords, services
from shop.accounts.addresses import validate_address
from shop.accounts.errors import InvalidInput, TooManyAttempts, WrongCredentials
from shop.accounts.models import Address, Customer, LoginThrottle
from shop.web.errors import DomainError, NotFound
from tests.accounts.factories import PASSWORD, AddressFactory, CustomerFactory
from tests.accounts.test_addresses import GOOD

T0 = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.timezone.utc)


# --- sign-up ----------------------------------------------------------------------------------

def test_sign_up_stores_lower_cased_email_and_argon2id_hash(session):
    customer = services.sign_up(session, "  Mei.Jin@Example.COM ", "hunter2hunter2", "金美")
    session.commit()
    stored = session.scalar(sa.select(Customer))
    assert stored.email == "mei.jin@example.com"
    assert stored.display_name == "金美"
    assert stored.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert len(stored.auth_nonce) == 32 and stored.id == customer.id


@pytest.mark.parametrize("email", ["mei@example.com", "MEI@EXAMPLE.COM", " Mei@Example.com "])
def test_duplicate_sign_up_is_refused_whatever_the_case(session, email):
    CustomerFactory(email="mei@example.com")
    with pytest.raises(InvalidInput) as info:
        services.sign_up(session, email, "hunter2hunter2")
    assert set(info.value.field_errors) == {"email"}
    assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 1


@pytest.mark.parametrize("email, password, bad", [
    ("", "hunter2hunter2", {"email"}),
    ("not-an-email", "hunter2hunter2", {"email"}),
    ("a@b", "hunter2hunter2", {"email"}),
    ("a b@example.com", "hunter2hunter2", {"email"}),
    ("a@exa_mple.com", "hunter2hunter2", {"email"}),
    ("x" * 250 + "@example.com", "hunter2hunter2", {"email"}),
    ("a@example.com\x00", "hunter2hunter2", {"email"}),
    ("a@example.com", "short", {"password"}),
    ("a@example.com", "", {"password"}),
    ("a@example.com", "x" * 257, {"password"}),
    ("bad", "short", {"email", "password"}),
])
def test_sign_up_input_rules(session, email, password, bad):
    with pytest.raises(InvalidInput) as info:
        services.sign_up(session, email, password)
    assert set(info.value.field_errors) == bad


def test_password_lengths_at_the_limits(session):
    services.sign_up(session, "eight@example.com", "x" * 8)
    services.sign_up(session, "long@example.com", "y" * 256)
    assert session.scalar(sa.select(sa.func.count()).select_from(Customer)) == 2


# --- authentication ---------------------------------------------------------------------------

def test_authenticate_right_and_wrong_password(session):
    customer = CustomerFactory(email="mei@example.com")
    assert services.authenticate(session, "mei@example.com", PASSWORD) is customer
    assert services.authenticate(session, "MEI@example.com", PASSWORD) is customer
    assert services.authenticate(session, "mei@example.com", PASSWORD + "!") is None


def test_unknown_email_still_spends_a_hash_verification(session, monkeypatch):
    # given no account / when someone logs in / then a dummy hash is verified, so timing matches
    calls = []
    real = passwords.verify_password
    monkeypatch.setattr(passwords, "verify_password", lambda h, p: calls.append(h) or real(h, p))
    assert services.authenticate(session, "nobody@example.com", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")


def test_login_success_upgrades_an_old_hash(session):
    from argon2 import PasswordHasher
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=2).hash(PASSWORD)
    customer = CustomerFactory(password_hash=old)
    assert passwords.needs_rehash(old)
    services.record_login_success(session, customer.id, PASSWORD, "10.0.0.1")
    assert customer.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(customer.password_hash, PASSWORD)
    assert customer.last_login_at is not None


def test_current_hash_is_not_rewritten(session):
    customer = CustomerFactory()
    before = customer.password_hash
    services.record_login_success(session, customer.id, PASSWORD, None)
    assert customer.password_hash == before


# --- throttling -------------------------------------------------------------------------------

def test_account_counter_blocks_after_the_limit_and_reopens_after_the_window(session, app):
    # given five attempts in the window
    for minute in range(5):
        services.reserve_login_attempt(session, "mei@example.com", f"10.0.0.{minute}", T0 + dt.timedelta(minutes=minute))
    # when a sixth comes ten minutes after the first / then it is refused until the window ends
    with pytest.raises(TooManyAttempts) as info:
        services.reserve_login_attempt(session, "MEI@example.com", "10.0.1.1", T0 + dt.timedelta(minutes=10))
    assert info.value.retry_after == 5 * 60
    assert info.value.status == 429
    # and after the window the account may try again
    services.reserve_login_attempt(session, "mei@example.com", "10.0.1.1", T0 + dt.timedelta(minutes=15, seconds=1))


def test_ip_counter_blocks_across_accounts(session, app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_MAX_ATTEMPTS_PER_IP", 3)
    for i in range(3):
        services.reserve_login_attempt(session, f"user{i}@example.com", "10.9.9.9", T0)
    with pytest.raises(TooManyAttempts):
        services.reserve_login_attempt(session, "user9@example.com", "10.9.9.9", T0)
    services.reserve_login_attempt(session, "user9@example.com", "10.9.9.10", T0)  # another IP is fine


def test_success_resets_the_account_and_credits_the_ip(session):
    customer = CustomerFactory(email="mei@example.com")
    for _ in range(4):
        services.reserve_login_attempt(session, "mei@example.com", "10.0.0.1", T0)
    services.record_login_success(session, customer.id, PASSWORD, "10.0.0.1")
    counts = dict(session.execute(sa.select(LoginThrottle.scope, LoginThrottle.attempts)).all())
    assert counts == {"account": 0, "ip": 3}
    assert all(len(h) == 64 and "@" not in h for h in session.scalars(sa.select(LoginThrottle.key_hash)))


# --- the login use case ------------------------------------------------------------------------

def _attempts(session) -> dict[str, int]:
    session.rollback()  # read what log_in committed
    return dict(session.execute(sa.select(LoginThrottle.scope, LoginThrottle.attempts)).all())


def test_log_in_refuses_a_bad_form_without_counting_an_attempt(session):
    # given an account / when the form has a malformed email and no password
    CustomerFactory(email="mei@example.com")
    session.commit()
    with pytest.raises(InvalidInput) as info:
        services.log_in(db.unit_of_work, "not-an-email", "", "10.0.0.1")
    # then both fields are named and nothing was counted
    assert set(info.value.field_errors) == {"email", "password"}
    assert _attempts(session) == {}


def test_log_in_with_a_wrong_password_keeps_the_attempt_counted(session):
    CustomerFactory(email="mei@example.com")
    session.commit()
    with pytest.raises(WrongCredentials) as info:
        services.log_in(db.unit_of_work, " MEI@example.com ", "wrong password", "10.0.0.1")
    assert info.value.status == 400
    assert _attempts(session) == {"account": 1, "ip": 1}


def test_log_in_with_the_right_password_returns_the_customer_and_resets_the_account(session):
    customer = CustomerFactory(email="mei@example.com")
    session.commit()
    signed_in = services.log_in(db.unit_of_work, "mei@example.com", PASSWORD, "10.0.0.1")
    assert signed_in.id == customer.id and signed_in.last_login_at is not None
    assert _attempts(session) == {"account": 0, "ip": 0}


def test_log_in_over_the_limit_is_refused_before_the_password_is_checked(session, monkeypatch):
    CustomerFactory(email="mei@example.com")
    session.commit()
    for _ in range(5):
        with pytest.raises(WrongCredentials):
            services.log_in(db.unit_of_work, "mei@example.com", "wrong password", None)
    monkeypatch.setattr(services, "authenticate", lambda *a: pytest.fail("the password was checked"))
    with pytest.raises(TooManyAttempts):
        services.log_in(db.unit_of_work, "mei@example.com", PASSWORD, None)


def test_purge_removes_only_ended_windows(session):
    services.reserve_login_attempt(session, "old@example.com", None, T0)
    services.reserve_login_attempt(session, "new@example.com", None, T0 + dt.timedelta(minutes=20))
    assert services.purge_login_throttles(session, T0 + dt.timedelta(minutes=25)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(LoginThrottle)) == 1


def test_concurrent_attempts_never_exceed_the_limit(app):
    # given 12 workers guessing one account at the same moment (limit 5)
    outcomes = []
    barrier = threading.Barrier(12)

    def attempt(i):
        with app.app_context():
            barrier.wait()
            try:
                with db.unit_of_work() as s:
                    services.reserve_login_attempt(s, "target@example.com", f"10.1.0.{i}", T0)
                outcomes.append("allowed")
            except TooManyAttempts:
                outcomes.append("blocked")

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then exactly five were allowed to check a password
    assert outcomes.count("allowed") == 5 and outcomes.count("blocked") == 7


# --- sessions ---------------------------------------------------------------------------------

def test_password_change_and_logout_everywhere_rotate_the_nonce(session):
    customer = CustomerFactory()
    first = customer.auth_nonce
    assert services.load_signed_in_customer(session, customer.id, first) is customer
    with pytest.raises(InvalidInput) as info:
        services.change_password(session, customer, "wrong password", "a new password")
    assert set(info.value.field_errors) == {"current_password"}
    with pytest.raises(InvalidInput) as info:
        services.change_password(session, customer, PASSWORD, "short")
    assert set(info.value.field_errors) == {"new_password"}
    second = services.change_password(session, customer, PASSWORD, "a new password")
    assert second != first
    assert services.load_signed_in_customer(session, customer.id, first) is None
    assert services.authenticate(session, customer.email, "a new password") is customer
    third = services.log_out_everywhere(session, customer)
    assert services.load_signed_in_customer(session, customer.id, second) is None
    assert services.load_signed_in_customer(session, customer.id, third) is customer


@pytest.mark.parametrize("customer_id, nonce", [(None, None), ("1", "x"), (1, None), (999, "x" * 32)])
def test_load_signed_in_customer_refuses_junk(session, customer_id, nonce):
    CustomerFactory()
    assert services.load_signed_in_customer(session, customer_id, nonce) is None


# --- addresses --------------------------------------------------------------------------------

def test_first_address_becomes_default_and_default_moves(session):
    customer = CustomerFactory()
    first = services.add_address(session, customer, validate_address(GOOD))
    second = services.add_address(session, customer, validate_address(GOOD | {"recipient": "李四"}))
    assert first.is_default and not second.is_default
    services.set_default_address(session, customer, second.id)
    session.refresh(first)
    assert second.is_default and not first.is_default
    assert [a.id for a in services.list_addresses(session, customer)] == [second.id, first.id]


def test_deleting_the_default_promotes_another(session):
    customer = CustomerFactory()
    a = services.add_address(session, customer, validate_address(GOOD))
    b = services.add_address(session, customer, validate_address(GOOD), make_default=True)
    services.delete_address(session, customer, b.id)
    session.refresh(a)
    assert a.is_default
    assert services.list_addresses(session, customer) == [a]


def test_database_refuses_two_defaults_for_one_customer(session):
    customer = CustomerFactory()
    AddressFactory(customer=customer, is_default=True)
    with pytest.raises(sa.exc.IntegrityError):
        AddressFactory(customer=customer, is_default=True)
    session.rollback()


def test_guest_addresses_have_no_owner_and_no_default_limit(session):
    session.add_all([Address(customer_id=None, is_default=True, **validate_address(GOOD).as_dict())
                     for _ in range(2)])
    session.flush()
    assert session.scalar(sa.select(sa.func.count()).select_from(Address).where(Address.customer_id.is_(None))) == 2


def test_someone_elses_address_is_not_found(session):
    owner, other = CustomerFactory(), CustomerFactory()
    address = AddressFactory(customer=owner)
    for action in (lambda: services.get_address(session, other, address.id),
                   lambda: services.update_address(session, other, address.id, validate_address(GOOD)),
                   lambda: services.delete_address(session, other, address.id),
                   lambda: services.set_default_address(session, other, address.id)):
        with pytest.raises(NotFound):
            action()
    assert session.get(Address, address.id).customer_id == owner.id


def test_address_book_has_a_limit(session):
    customer = CustomerFactory()
    AddressFactory.create_batch(services.MAX_ADDRESSES, customer=customer)
    with pytest.raises(DomainError) as info:
        services.add_address(session, customer, validate_address(GOOD))
    assert info.value.code == "too_many_addresses"
