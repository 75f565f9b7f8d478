"""Domain errors: a stable code for the API, a Vietnamese message for people.

Messages are Vietnamese source strings; the web layer may translate them
(Flask-Babel catalogs use them as message ids).
"""
from __future__ import annotations


def N_(message: str) -> str:
    """Mark a string for translation without translating it here."""
    return message


class DomainError(Exception):
    """Base of every expected failure. ``status`` is the HTTP status the API uses."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, details: dict | None = None,
                 params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.params = params or {}
        if code:
            self.code = code
        self.details = details or {}

    def text(self) -> str:
        return self.message % self.params if self.params else self.message


class InvalidInput(DomainError):
    status = 422
    code = "invalid"


class SecretDocument(DomainError):
    status = 422
    code = "secret_document"


class DangerousContent(DomainError):
    status = 422
    code = "dangerous_content"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TaskClosed(Conflict):
    code = "task_closed"


class DuplicateSuspected(Conflict):
    code = "duplicate"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class AuthFailed(DomainError):
    status = 401
    code = "unauthenticated"


class Throttled(DomainError):
    status = 429
    code = "throttled"


class ServiceUnavailable(DomainError):
    """An outside service a step needs (the timestamp authority) did not answer: nothing is stored."""

    status = 503
    code = "service_unavailable"


class WorkflowFailure(DomainError):
    """A diagram error (bad expression, unknown operator): the change is rolled back."""

    status = 422
    code = "workflow_error"
