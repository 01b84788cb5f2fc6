"""Stripe's webhook signature scheme, implemented once for verifying real events and signing our own.

Stripe sends ``Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` (possibly
several v1 entries while a secret is being rolled).  We verify over the raw request bytes, within a
tolerance window, in constant time.  The embedded test gateway signs its events with the same
function, so both gateways go through one verification path.
"""
from __future__ import annotations

import hashlib
import hmac
import time


class SignatureError(Exception):
    """The payload is not signed by the webhook secret (or the signature is stale or malformed)."""


def compute_signature(secret: str, timestamp: int, payload: bytes) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, payload: bytes, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header value for ``payload``, exactly as Stripe builds it."""
    timestamp = int(time.time()) if timestamp is None else int(timestamp)
    return f"t={timestamp},v1={compute_signature(secret, timestamp, payload)}"


def verify_signature(secret: str, payload: bytes, header: str | None, tolerance: int = 300,
                     now: float | None = None) -> int:
    """Check ``header`` against ``payload``; return the signed timestamp or raise SignatureError."""
    if not secret:
        raise SignatureError("no webhook secret configured")
    if not header:
        raise SignatureError("missing Stripe-Signature header")
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise SignatureError("malformed timestamp") from exc
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise SignatureError("no timestamp or v1 signature in header")
    expected = compute_signature(secret, timestamp, payload).encode()
    # Bytes, not str: compare_digest refuses non-ASCII strings, and a header is attacker-controlled.
    if not any(hmac.compare_digest(expected, c.encode("utf-8", "surrogateescape")) for c in candidates):
        raise SignatureError("signature does not match")
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance window")
    return timestamp
