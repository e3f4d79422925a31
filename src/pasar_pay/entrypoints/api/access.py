"""Every route declares who may call it; the dependency authenticates and checks the role.

Market and vendor scope is then enforced by the services, which see the `Principal`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import Forbidden
from pasar_pay.entrypoints.wiring import Container
from pasar_pay.services.api_keys import Unauthenticated

ACCESS_ATTR = "__access_roles__"

_bearer = HTTPBearer(auto_error=False, description="API key as a bearer token")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key")


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def allow(*roles: Role) -> Callable[..., Principal]:
    """A dependency admitting only `roles`; 401 without a valid key, 403 for other roles."""

    def dependency(
        request: Request,
        bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
        header: Annotated[str | None, Depends(_header)],
    ) -> Principal:
        token = bearer.credentials if bearer else header
        if not token:
            raise Unauthenticated("an API key is required")
        principal = container_of(request).keys.authenticate(token)
        if principal.role not in roles:
            raise Forbidden(f"the {principal.role} role may not call this endpoint")
        return principal

    setattr(dependency, ACCESS_ATTR, frozenset(roles))
    return dependency


def public() -> None:
    """Declares a route open to anyone (health, pages that show no data)."""


setattr(public, ACCESS_ATTR, frozenset())

FINANCE_ONLY = allow(Role.FINANCE)
STAFF = allow(Role.FINANCE, Role.MANAGER)
Finance = Annotated[Principal, Depends(FINANCE_ONLY)]
Staff = Annotated[Principal, Depends(STAFF)]
Public = Depends(public)


def declared_roles(dependency: Any) -> frozenset[Role] | None:
    value = getattr(dependency, ACCESS_ATTR, None)
    return value if isinstance(value, frozenset) else None


def only_query(*allowed: str) -> Any:
    """Refuse query parameters a list endpoint does not know: a misspelt filter must not
    silently return everything."""
    from pasar_pay.domain.errors import ValidationFailed

    permitted = frozenset(allowed)

    def check(request: Request) -> None:
        unknown = sorted(set(request.query_params) - permitted)
        if unknown:
            raise ValidationFailed(
                "unknown query parameter",
                code="filter_not_allowed",
                parameters=unknown,
                allowed=sorted(permitted),
            )

    return Depends(check)
