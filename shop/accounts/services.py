"""Account use cases: sign-up, login checks and throttling, password changes, addresses.

The only place that changes account state.  Services flush; the caller's unit of work commits.

Logging in (``log_in``) takes three steps so that the (deliberately slow) password hash never runs
while a write transaction is open, which on SQLite would hold the database's write lock: count the
attempt (``reserve_login_attempt``, committed), check the password (``authenticate``, no writes),
record the success (``record_login_success``).  The web layer makes the one call.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import re
from typing import Callable, ContextManager

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.accounts import passwords
from shop.accounts.addresses import AddressData, clean_text, has_control_characters
from shop.accounts.errors import InvalidInput, TooManyAttempts, WrongCredentials
from shop.accounts.models import Address, Customer, LoginThrottle, new_auth_nonce
from shop.db import UTCDateTime, utcnow
from shop.errors import DomainError, NotFound

EMAIL_MAX_LENGTH = 254
DISPLAY_NAME_MAX_LENGTH = 60
MAX_ADDRESSES = 20
MAX_ID = 2**31 - 1

# Letters, digits and the usual punctuation before the @; a dotted domain of DNS labels after it.
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}"
    r"@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)

THROTTLE_DEFAULTS = {
    "LOGIN_MAX_ATTEMPTS_PER_ACCOUNT": 5,
    "LOGIN_MAX_ATTEMPTS_PER_IP": 20,
    "LOGIN_THROTTLE_WINDOW_SECONDS": 15 * 60,
}


# --- emails and passwords ---------------------------------------------------------------------

def normalize_email(raw: object) -> str:
    """The address stripped and lower-cased, or ``InvalidInput`` (field ``email``) if malformed."""
    email = clean_text(raw).lower()
    if not email:
        raise InvalidInput({"email": "Enter your email address."})
    if len(email) > EMAIL_MAX_LENGTH or not _EMAIL.fullmatch(email):
        raise InvalidInput({"email": "Enter a valid email address, e.g. name@example.com."})
    return email


def _password_error(password: object) -> str | None:
    if not isinstance(password, str) or not password:
        return "Enter a password."
    if len(password) < passwords.MIN_LENGTH:
        return "Use at least 8 characters for your password."
    if len(password) > passwords.MAX_LENGTH:
        return "Use at most 256 characters for your password."
    return None


# --- sign-up ----------------------------------------------------------------------------------

def sign_up(session: Session, email: object, password: object, display_name: object = "") -> Customer:
    """Create a customer.  Emails are unique regardless of case.

    Raises ``InvalidInput`` naming each bad field (including ``email`` when already registered).
    """
    errors: dict[str, str] = {}
    try:
        email = normalize_email(email)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if problem := _password_error(password):
        errors["password"] = problem
    name = clean_text(display_name)
    if len(name) > DISPLAY_NAME_MAX_LENGTH or has_control_characters(name):
        errors["display_name"] = "Use at most 60 characters for your name, without special characters."
    if errors:
        raise InvalidInput(errors)

    taken = {"email": "An account with this email address already exists. Log in instead?"}
    if session.scalar(sa.select(Customer.id).where(Customer.email == email)) is not None:
        raise InvalidInput(taken)
    customer = Customer(email=email, password_hash=passwords.hash_password(password), display_name=name)
    try:
        # Two sign-ups racing for one email: the unique constraint decides, in a savepoint so the
        # caller's transaction stays usable.
        with session.begin_nested():
            session.add(customer)
            session.flush()
    except IntegrityError:
        raise InvalidInput(taken) from None
    return customer


# --- login throttling -------------------------------------------------------------------------

def _setting(name: str) -> int:
    return int(current_app.config.get(name, THROTTLE_DEFAULTS[name]))


def _key_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _count_attempt(session: Session, scope: str, key: str, now: dt.datetime,
                   window: dt.timedelta) -> tuple[int, dt.datetime]:
    """Atomically add one attempt to the (scope, key) counter; return (attempts, window start).

    A window that ended is restarted in the same statement, so concurrent workers never lose a
    count and never see a half-reset row.
    """
    table = LoginThrottle.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    expired = table.c.window_started_at <= now - window
    now_param = sa.literal(now, UTCDateTime())
    stmt = (
        insert(table)
        .values(scope=scope, key_hash=_key_hash(key), window_started_at=now, attempts=1)
        .on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key_hash],
            set_={
                "attempts": sa.case((expired, 1), else_=table.c.attempts + 1),
                "window_started_at": sa.case((expired, now_param), else_=table.c.window_started_at),
            })
        .returning(table.c.attempts, table.c.window_started_at)
    )
    attempts, started = session.execute(stmt).one()
    return attempts, started


def reserve_login_attempt(session: Session, email: str, ip: str | None,
                          now: dt.datetime | None = None) -> None:
    """Count a login attempt for the account and the client IP before the password is checked.

    Raises ``TooManyAttempts`` (HTTP 429, with the seconds until the oldest window ends) when
    either counter is over its limit; the caller's rollback then leaves the counters unchanged.
    Counting first, rather than after a failure, means parallel guesses cannot slip past the limit.
    ``email`` should be normalised; unknown emails are counted like real ones.
    """
    now = now or utcnow()
    window = dt.timedelta(seconds=_setting("LOGIN_THROTTLE_WINDOW_SECONDS"))
    checks = [("account", email.lower(), _setting("LOGIN_MAX_ATTEMPTS_PER_ACCOUNT"))]
    if ip:
        checks.append(("ip", ip, _setting("LOGIN_MAX_ATTEMPTS_PER_IP")))
    retry_after = 0
    for scope, key, limit in checks:
        attempts, started = _count_attempt(session, scope, key, now, window)
        if attempts > limit:
            retry_after = max(retry_after, math.ceil((started + window - now).total_seconds()))
    if retry_after:
        raise TooManyAttempts(max(1, retry_after))


def _forgive_attempt(session: Session, scope: str, key: str, reset: bool) -> None:
    row = sa.update(LoginThrottle).where(LoginThrottle.scope == scope,
                                         LoginThrottle.key_hash == _key_hash(key))
    if reset:
        session.execute(row.values(attempts=0))
    else:
        session.execute(row.where(LoginThrottle.attempts > 0)
                        .values(attempts=LoginThrottle.attempts - 1))


def purge_login_throttles(session: Session, now: dt.datetime | None = None) -> int:
    """Delete counters whose window has ended (for a periodic task); returns how many."""
    now = now or utcnow()
    cutoff = now - dt.timedelta(seconds=_setting("LOGIN_THROTTLE_WINDOW_SECONDS"))
    result = session.execute(sa.delete(LoginThrottle).where(LoginThrottle.window_started_at <= cutoff))
    return result.rowcount or 0


# --- login ------------------------------------------------------------------------------------

def authenticate(session: Session, email: str, password: str) -> Customer | None:
    """The customer whose email and password these are, or None.  Writes nothing.

    Takes about as long for an unknown email as for a wrong password.
    """
    customer = session.scalar(sa.select(Customer).where(Customer.email == email.lower()))
    if customer is None:
        passwords.burn_verification(password)
        return None
    if not passwords.verify_password(customer.password_hash, password):
        return None
    return customer


def record_login_success(session: Session, customer_id: int, password: str, ip: str | None) -> Customer:
    """After a correct password: reset the account's counter, give the IP its attempt back,
    upgrade an outdated hash, stamp ``last_login_at``.  Returns the customer."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("account_not_found", "Account not found")
    _forgive_attempt(session, "account", customer.email, reset=True)
    if ip:
        _forgive_attempt(session, "ip", ip, reset=False)
    if passwords.needs_rehash(customer.password_hash):
        customer.password_hash = passwords.hash_password(password)
    customer.last_login_at = utcnow()
    session.flush()
    return customer


def check_login_form(email: object, password: object) -> tuple[str, str]:
    """The normalised email and the password of a login form, or ``InvalidInput`` naming each bad
    field.  Nothing is counted against the throttle for a form that is refused here."""
    errors: dict[str, str] = {}
    clean_email = ""
    try:
        clean_email = normalize_email(email)
    except InvalidInput as exc:
        errors.update(exc.field_errors)
    if not isinstance(password, str) or not password:
        errors["password"] = "Enter your password."
    elif len(password) > passwords.MAX_LENGTH:
        errors["password"] = "Use at most 256 characters for your password."
    if errors:
        raise InvalidInput(errors)
    return clean_email, password


def log_in(unit_of_work: Callable[[], ContextManager[Session]], email: object, password: object,
           ip: str | None) -> Customer:
    """The login use case: check the form, count the attempt, check the password, record success.

    ``unit_of_work`` gives one write transaction (``shop.db.unit_of_work``).  The attempt is counted
    and committed first, so parallel guesses cannot slip past the limit; the slow password hash
    then runs outside any write transaction (on SQLite a write lock held through it would queue
    every other writer); a correct password is recorded in a second, short transaction.

    Raises ``InvalidInput`` (400, nothing counted), ``TooManyAttempts`` (429) or
    ``WrongCredentials`` (400, the attempt stays counted).  Returns the signed-in customer.
    """
    clean_email, password = check_login_form(email, password)
    with unit_of_work() as session:
        reserve_login_attempt(session, clean_email, ip)
    # The unit of work committed; this read opens no write transaction.
    customer = authenticate(session, clean_email, password)
    if customer is None:
        raise WrongCredentials()
    customer_id = customer.id
    with unit_of_work() as session:
        return record_login_success(session, customer_id, password, ip)


def load_signed_in_customer(session: Session, customer_id: object, auth_nonce: object) -> Customer | None:
    """The customer a session cookie names, if its nonce is still current (one query)."""
    if not isinstance(customer_id, int) or not isinstance(auth_nonce, str):
        return None
    customer = session.get(Customer, customer_id)
    if customer is None or not hmac.compare_digest(customer.auth_nonce, auth_nonce):
        return None
    return customer


def log_out_everywhere(session: Session, customer: Customer) -> str:
    """Invalidate every session cookie of this customer; returns the new nonce for this one."""
    customer.auth_nonce = new_auth_nonce()
    session.flush()
    return customer.auth_nonce


def change_password(session: Session, customer: Customer, current: object, new: object) -> str:
    """Replace the password after checking the current one; signs out every other session.

    Returns the new auth nonce (to keep the current session signed in).  Raises ``InvalidInput``.
    """
    if not isinstance(current, str) or not passwords.verify_password(customer.password_hash, current):
        raise InvalidInput({"current_password": "Your current password is not correct."})
    if problem := _password_error(new):
        raise InvalidInput({"new_password": problem})
    customer.password_hash = passwords.hash_password(new)
    return log_out_everywhere(session, customer)


# --- addresses --------------------------------------------------------------------------------

def list_addresses(session: Session, customer: Customer) -> list[Address]:
    """The customer's addresses, the default first, then newest first."""
    return list(session.scalars(
        sa.select(Address).where(Address.customer_id == customer.id)
        .order_by(Address.is_default.desc(), Address.id.desc())))


def get_address(session: Session, customer: Customer, address_id: int) -> Address:
    """One of the customer's addresses; ``NotFound`` for anyone else's, so ids reveal nothing."""
    # Ids in URLs can be any size; beyond a 32-bit integer SQLite's driver would raise.
    address = session.get(Address, address_id) if 0 < address_id <= MAX_ID else None
    if address is None or address.customer_id != customer.id:
        raise NotFound("address_not_found", "Address not found")
    return address


def _make_default(session: Session, customer: Customer, address: Address) -> None:
    # Clear first and flush, so the one-default-per-customer index never sees two defaults.
    session.execute(sa.update(Address).where(Address.customer_id == customer.id, Address.id != address.id,
                                             Address.is_default.is_(True)).values(is_default=False))
    address.is_default = True
    session.flush()


def add_address(session: Session, customer: Customer, data: AddressData, make_default: bool = False) -> Address:
    """Save a validated address for the customer.  The first address becomes the default."""
    count = session.scalar(sa.select(sa.func.count()).select_from(Address)
                           .where(Address.customer_id == customer.id))
    if count >= MAX_ADDRESSES:
        raise DomainError("too_many_addresses",
                          "You can keep up to %(limit)s addresses. Delete one to add another.",
                          limit=MAX_ADDRESSES)
    address = Address(customer_id=customer.id, is_default=False, **data.as_dict())
    session.add(address)
    session.flush()
    if make_default or count == 0:
        _make_default(session, customer, address)
    return address


def update_address(session: Session, customer: Customer, address_id: int, data: AddressData,
                   make_default: bool = False) -> Address:
    """Replace the fields of one of the customer's addresses."""
    address = get_address(session, customer, address_id)
    for field, value in data.as_dict().items():
        setattr(address, field, value)
    session.flush()
    if make_default and not address.is_default:
        _make_default(session, customer, address)
    return address


def set_default_address(session: Session, customer: Customer, address_id: int) -> Address:
    address = get_address(session, customer, address_id)
    _make_default(session, customer, address)
    return address


def delete_address(session: Session, customer: Customer, address_id: int) -> None:
    """Delete one of the customer's addresses; if it was the default, the newest other one takes over."""
    address = get_address(session, customer, address_id)
    was_default = address.is_default
    session.delete(address)
    session.flush()
    if was_default:
        successor = session.scalar(sa.select(Address).where(Address.customer_id == customer.id)
                                   .order_by(Address.id.desc()).limit(1))
        if successor is not None:
            _make_default(session, customer, successor)
