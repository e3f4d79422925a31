"""Errors as RFC 9457 problem+json: one table maps stable domain codes to HTTP statuses."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from pasar_pay.domain.errors import Conflict, DomainError, Forbidden, NotFound

log = logging.getLogger("pasar_pay.api")

PROBLEM = "application/problem+json"

# Codes whose status is not implied by their exception class.
STATUS_BY_CODE: dict[str, int] = {
    "unauthenticated": 401,
    "forbidden": 403,
    "idempotency_key_reused": 409,
    "payload_too_large": 413,
    "insufficient_balance": 422,
    "account_unknown": 422,
    "market_unknown": 422,
    "qris.acquirer_unavailable": 503,
}


def status_for(error: DomainError) -> int:
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, Forbidden):
        return 403
    if isinstance(error, Conflict):
        return 409
    return 422


def problem(
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {
        "type": f"/problems/{code}",
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


_TITLES = {
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    413: "Payload Too Large",
    422: "Unprocessable Content",
}


def domain_problem(error: DomainError) -> JSONResponse:
    status = status_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if getattr(error, "replayed", False):
        headers["Idempotent-Replayed"] = "true"
    extra = {k: v for k, v in error.details.items() if k not in ("type", "status", "title")}
    if getattr(error, "replayed", False):
        extra["replayed"] = True
    return problem(
        status, error.code, _TITLES.get(status, "Error"), error.message, headers, **extra
    )


# pydantic error types -> our stable codes, so clients need not parse messages.
_FIELD_CODES = {
    "int_type": "not_an_integer",
    "int_parsing": "not_an_integer",
    "int_from_float": "not_an_integer",
    "greater_than": "too_small",
    "greater_than_equal": "too_small",
    "less_than_equal": "too_large",
    "missing": "required",
    "string_too_long": "too_long",
    "string_too_short": "too_short",
    "extra_forbidden": "unknown_field",
    "enum": "not_allowed",
    "literal_error": "not_allowed",
    "json_invalid": "malformed_json",
}


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    def _domain(_: Request, error: DomainError) -> JSONResponse:
        return domain_problem(error)

    @app.exception_handler(RequestValidationError)
    def _validation(_: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in e.get("loc", ())[1:]) or "body",
                "code": _FIELD_CODES.get(e.get("type", ""), e.get("type", "invalid")),
                "message": e.get("msg", ""),
            }
            for e in error.errors()
        ]
        return problem(
            422,
            "validation_failed",
            "Unprocessable Content",
            "the request does not match the schema",
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    def _http(_: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "route_not_found", 405: "method_not_allowed"}.get(error.status_code, "http")
        return problem(error.status_code, code, str(error.detail), str(error.detail))

    @app.exception_handler(Exception)
    def _unexpected(_: Request, error: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=error)
        return problem(
            500,
            "internal_error",
            "Internal Server Error",
            "an unexpected error occurred; nothing was half-written",
        )
