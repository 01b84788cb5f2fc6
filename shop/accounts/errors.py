"""Errors the accounts domain raises; the web layer turns them into form messages or HTTP codes."""
from __future__ import annotations

from shop.i18n import gettext
from shop.errors import DomainError


class InvalidInput(DomainError):
    """One or more form fields are invalid.

    ``field_errors`` maps a field name to an English message id (translate with ``_()``, or call
    ``translated()``), so a form can show every problem at once next to its field.
    """

    status = 400

    def __init__(self, field_errors: dict[str, str], message: str = "Please correct the marked fields."):
        super().__init__("invalid_input", message)
        self.field_errors = dict(field_errors)

    def translated(self) -> dict[str, str]:
        return {field: gettext(msg) for field, msg in self.field_errors.items()}


class TooManyAttempts(DomainError):
    """Login refused without checking the password: too many recent attempts."""

    status = 429

    def __init__(self, retry_after: int):
        minutes = max(1, -(-retry_after // 60))
        super().__init__("too_many_attempts",
                         "Too many login attempts. Please wait %(minutes)s minutes and try again.",
                         minutes=minutes)
        self.retry_after = retry_after


class WrongCredentials(DomainError):
    """The email and password do not match an account (the same answer for an unknown email)."""

    status = 400

    def __init__(self):
        super().__init__("wrong_credentials", "The email address or password is not correct.")
