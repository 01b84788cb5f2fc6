"""Domain errors: raised by use cases, turned into HTTP responses by shop.web.errors only."""
from __future__ import annotations


class DomainError(Exception):
    """A use case refused the request.

    ``code`` is stable and machine-readable; ``message`` is an English msgid (translated by the web
    layer with ``params``); ``status`` is the HTTP status the web layer should answer with.
    """

    status = 400

    def __init__(self, code: str, message: str, status: int | None = None, **params):
        super().__init__(message)
        self.code = code
        self.message = message
        self.params = params
        if status is not None:
            self.status = status


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409
