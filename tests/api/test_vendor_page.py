"""The vendor page is public, holds no data, and only calls API routes that exist and that a
vendor key may call."""

from __future__ import annotations

import re

from fastapi.dependencies.models import Dependant
from fastapi.testclient import TestClient

from pasar_pay.domain.access import Role
from pasar_pay.entrypoints.api.access import declared_roles
from pasar_pay.entrypoints.api.routers.pages import VENDOR_PAGE
from tests.api.conftest import api_routes


def _called_paths(page: str) -> list[str]:
    """API paths in the page's api(...) calls; each non-literal piece becomes {x}."""
    paths = []
    for call in re.findall(r"await api\((.+?)\)\)", page):
        if '"' not in call:
            continue  # api(code.images.png): a link the API itself returned
        parts = [p.strip() for p in call.split("+")]
        path = "".join(p.strip('"') if p.startswith('"') else "{x}" for p in parts)
        paths.append(path.split("?")[0])
    return paths


def _roles(dependant: Dependant) -> set[Role]:
    own = set(declared_roles(dependant.call) or ())
    return own.union(*(_roles(sub) for sub in dependant.dependencies))


def test_the_page_is_served_without_a_key(client: TestClient) -> None:
    response = client.get("/vendor")
    assert response.status_code == 200
    assert "Tagihan kios saya" in response.text


def test_every_api_call_on_the_page_is_a_route_a_vendor_may_call(client: TestClient) -> None:
    page = VENDOR_PAGE.read_text(encoding="utf-8")
    paths = _called_paths(page)
    assert {"/bills", "/me/virtual-accounts", "/bills/{x}/qris", "/bills/{x}"} <= set(paths)
    routes = api_routes(client.app)
    for path in paths:
        matching = [
            r
            for r in routes
            if "GET" in r.methods and re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", r.path), path)
        ]
        assert matching, f"the page calls {path}, which no GET route serves"
        roles = {role for r in matching for role in _roles(r.dependant)}
        assert Role.VENDOR in roles, f"{path} does not admit vendor keys"
