"""Domain errors: every refusal carries a stable machine-readable code.

The API layer maps codes to HTTP statuses in one table (entrypoints/api/problems.py); the
domain never knows about HTTP.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A business-rule refusal with a stable `code` and the numbers behind it."""

    code: str = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message
        self.details: dict[str, Any] = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(DomainError):
    """The object does not exist, or exists outside the caller's scope (never say which)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller may not perform this action at all."""

    code = "forbidden"


class Conflict(DomainError):
    """The request collides with existing state (idempotency mismatch, state machine)."""

    code = "conflict"


class ValidationFailed(DomainError):
    """Input is well-formed but violates a domain rule."""

    code = "validation_failed"
