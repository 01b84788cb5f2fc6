"""Password hashing: argon2id at OWASP's minimum recommended cost.

OWASP's Password Storage Cheat Sheet lists argon2id with m=19 MiB, t=2, p=1 as the minimum.  We
use exactly that rather than argon2-cffi's default (m=64 MiB, t=3, p=4), which costs several times
more per login on the small servers this project targets.  Hashes made with other parameters still
verify; ``needs_rehash`` tells the login path to upgrade them.
"""
from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

TIME_COST = 2
MEMORY_COST_KIB = 19456  # 19 MiB
PARALLELISM = 1

MIN_LENGTH = 8
MAX_LENGTH = 256  # bounds the work an anonymous request can make us do

HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB, parallelism=PARALLELISM,
                        hash_len=32, salt_len=16, type=Type.ID)


def hash_password(password: str) -> str:
    """A PHC-format argon2id hash string (``$argon2id$v=19$m=19456,t=2,p=1$…``)."""
    return HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; False for a mismatch or an unreadable hash."""
    try:
        return HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with parameters other than the current ones."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


@functools.cache
def _dummy_hash() -> str:
    return HASHER.hash("harvest-bridge-dummy-password")


def burn_verification(password: str) -> None:
    """Spend the same time as a real verification, for an email that has no account.

    Without this, "no such account" answers in microseconds and "wrong password" in tens of
    milliseconds, which tells an attacker which emails are registered.
    """
    verify_password(_dummy_hash(), password)
