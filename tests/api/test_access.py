"""Every route declares who may call it; keys are checked; scope hides what is not yours."""

from __future__ import annotations

from fastapi.testclient import TestClient

from pasar_pay.entrypoints.api.access import declared_roles
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from tests.api.conftest import api_routes, auth


def _declares_access(dependant) -> bool:  # type: ignore[no-untyped-def]
    if declared_roles(dependant.call) is not None:
        return True
    return any(_declares_access(sub) for sub in dependant.dependencies)


def test_every_route_declares_an_access_rule(books: Container) -> None:
    routes = api_routes(create_app(books))
    assert len(routes) >= 12
    undeclared = [
        f"{sorted(r.methods)} {r.path}" for r in routes if not _declares_access(r.dependant)
    ]
    assert undeclared == []


def test_no_key_or_a_wrong_key_is_401(client: TestClient) -> None:
    missing = client.get("/ledger/accounts")
    assert missing.status_code == 401
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["code"] == "unauthenticated"
    wrong = client.get("/ledger/accounts", headers=auth("pp_000000000000_" + "x" * 43))
    assert wrong.status_code == 401
    garbage = client.get("/ledger/accounts", headers={"X-API-Key": "hello"})
    assert garbage.status_code == 401


def test_a_revoked_key_stops_working(client: TestClient, tokens: dict[str, str]) -> None:
    who = client.get("/me", headers=auth(tokens["vendor"])).json()
    gone = client.delete(f"/api-keys/{who['key_id']}", headers=auth(tokens["finance"]))
    assert gone.status_code == 204
    assert client.get("/me", headers=auth(tokens["vendor"])).status_code == 401


def test_roles_without_ledger_access_get_403(client: TestClient, tokens: dict[str, str]) -> None:
    for role in ("vendor", "shopper", "bank", "collector_gede"):
        response = client.get("/ledger/accounts", headers=auth(tokens[role]))
        assert response.status_code == 403, role
        assert response.json()["code"] == "forbidden"


def test_a_manager_sees_only_their_market(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["manager_gede"])
    page = client.get("/ledger/accounts", headers=headers).json()
    markets = {item["market"] for item in page["items"]}
    assert markets == {"PSR-GEDE"}
    other = client.get("/ledger/accounts/market:PSR-LEGI:revenue:retribution", headers=headers)
    assert other.status_code == 404
    mine = client.get("/ledger/accounts/market:PSR-GEDE:revenue:retribution", headers=headers)
    assert mine.status_code == 200
    assert client.get("/markets/PSR-LEGI", headers=headers).status_code == 404


def test_only_finance_adjusts_and_issues_keys(client: TestClient, tokens: dict[str, str]) -> None:
    body = {"role": "shopper", "label": "x"}
    assert (
        client.post("/api-keys", json=body, headers=auth(tokens["manager_gede"])).status_code == 403
    )
    issued = client.post("/api-keys", json=body, headers=auth(tokens["finance"]))
    assert issued.status_code == 201
    token = issued.json()["token"]
    assert client.get("/me", headers=auth(token)).json()["role"] == "shopper"
