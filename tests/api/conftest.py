"""An app over the test database, with a key for each role."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pasar_pay.domain.access import Role
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from tests.conftest import VENDOR


@pytest.fixture
def client(books: Container) -> Iterator[TestClient]:
    with TestClient(create_app(books), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def tokens(books: Container) -> dict[str, str]:
    issue = books.keys.issue
    return {
        "finance": issue(Role.FINANCE, label="finance").token,
        "manager_gede": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "collector_gede": issue(Role.COLLECTOR, label="c", markets=frozenset({"PSR-GEDE"})).token,
        "vendor": issue(Role.VENDOR, label="v", vendor_code=VENDOR).token,
        "shopper": issue(Role.SHOPPER, label="s").token,
        "bank": issue(Role.BANK, label="b", bank_code="BNI").token,
    }


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def api_routes(app):  # type: ignore[no-untyped-def]
    """Every APIRoute of the app, including those of included routers."""
    from fastapi.routing import APIRoute

    try:  # FastAPI ≥ 0.16x keeps included routers as nodes; walk their effective routes
        from fastapi.routing import iter_route_contexts

        candidates = [ctx.original_route for ctx in iter_route_contexts(app.routes)]
    except ImportError:
        candidates = list(app.routes)
    return [r for r in candidates if isinstance(r, APIRoute)]
