"""SHP endpoints: who may issue and change, who may read, problem codes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pasar_pay.domain.access import Role
from pasar_pay.domain.registry.demo import DemoRegistry
from pasar_pay.domain.registry.model import StallSpec, StallStatus
from pasar_pay.entrypoints.api.app import create_app
from pasar_pay.entrypoints.wiring import Container
from tests.api.conftest import auth
from tests.billing.conftest import KIOS, OTHER

FREE = StallSpec("PSR-GEDE-K02-001", "PSR-GEDE", "K02", "001", "kios", 60_000, StallStatus.VACANT)
ISSUE = {
    "shp_number": "SHP-2026-0100",
    "stall": FREE.code,
    "vendor": "V000002",
    "effective_on": "2026-11-01",
    "valid_until": "2031-10-31",
}


@pytest.fixture
def api(registry: Container) -> Iterator[tuple[TestClient, dict[str, str]]]:
    registry.registry.load_demo(DemoRegistry(stalls=[FREE], vendors=[], holdings=[]))
    issue = registry.keys.issue
    tokens = {
        "finance": issue(Role.FINANCE, label="f").token,
        "manager": issue(Role.MANAGER, label="m", markets=frozenset({"PSR-GEDE"})).token,
        "legi": issue(Role.MANAGER, label="l", markets=frozenset({"PSR-LEGI"})).token,
        "collector": issue(Role.COLLECTOR, label="c", markets=frozenset({"PSR-GEDE"})).token,
        "sri": issue(Role.VENDOR, label="v", vendor_code="V000001").token,
        "budi": issue(Role.VENDOR, label="b", vendor_code="V000002").token,
    }
    with TestClient(create_app(registry), raise_server_exceptions=False) as client:
        yield client, tokens


CASES: list[tuple[str, str, str, dict[str, object] | None, int, str | None]] = [
    ("vendor cannot issue", "post", "/placements", ISSUE, 403, "forbidden"),
    ("collector cannot issue", "post", "/placements", ISSUE, 403, "forbidden"),
    ("other market's manager", "post", "/placements", ISSUE, 404, "stall_not_found"),
    (
        "occupied stall",
        "post",
        "/placements",
        {**ISSUE, "stall": KIOS.code},
        409,
        "billing.stall_occupied",
    ),
    ("bad shp number", "post", "/placements", {**ISSUE, "shp_number": "x"}, 422, None),
    ("holder reads own", "get", f"/placements/SHP-{OTHER.code}", None, 200, None),
    ("vendor reads another's", "get", f"/placements/SHP-{KIOS.code}", None, 404, None),
    ("manager reads other market", "get", f"/placements/SHP-{OTHER.code}", None, 404, None),
    ("collector reads own market", "get", f"/placements/SHP-{KIOS.code}", None, 200, None),
    (
        "revoke needs a reason",
        "post",
        f"/placements/SHP-{KIOS.code}/revocation",
        {"on": "2026-12-01"},
        422,
        "validation_failed",
    ),
]
WHO = {
    "vendor cannot issue": "sri",
    "collector cannot issue": "collector",
    "other market's manager": "legi",
    "occupied stall": "manager",
    "bad shp number": "finance",
    "holder reads own": "budi",
    "vendor reads another's": "budi",
    "manager reads other market": "manager",
    "collector reads own market": "collector",
    "revoke needs a reason": "manager",
}


@pytest.mark.parametrize(
    ("case", "method", "url", "body", "status", "code"), CASES, ids=[c[0] for c in CASES]
)
def test_access_and_errors(
    api: tuple[TestClient, dict[str, str]],
    case: str,
    method: str,
    url: str,
    body: dict[str, object] | None,
    status: int,
    code: str | None,
) -> None:
    client, t = api
    response = client.request(method, url, json=body, headers=auth(t[WHO[case]]))
    assert response.status_code == status, response.text
    if code is not None:
        assert response.json()["code"] == code


def test_issue_change_and_read_over_http(api: tuple[TestClient, dict[str, str]]) -> None:
    client, t = api
    created = client.post("/placements", json=ISSUE, headers=auth(t["manager"]))
    assert created.status_code == 201, created.text
    number = ISSUE["shp_number"]
    steps = [
        ("extensions", {"on": "2031-10-01", "valid_until": "2036-10-31"}),
        ("reregistrations", {"on": "2032-01-02"}),
        ("transfers", {"on": "2033-01-02", "to_vendor": "V000001", "reason": "balik nama"}),
        ("revocation", {"on": "2034-01-02", "reason": "SP3 dan disegel"}),
    ]
    for path, body in steps:
        done = client.post(f"/placements/{number}/{path}", json=body, headers=auth(t["finance"]))
        assert done.status_code == 200, (path, done.text)
    again = client.post(
        f"/placements/{number}/reregistrations",
        json={"on": "2034-02-01"},
        headers=auth(t["finance"]),
    )
    assert (again.status_code, again.json()["code"]) == (409, "billing.shp_invalid_transition")
    mine = client.get("/placements", headers=auth(t["sri"])).json()["items"]
    assert number in {p["shp_number"] for p in mine}  # the holder after balik nama
    detail = client.get(f"/placements/{number}", headers=auth(t["sri"])).json()
    assert [h["kind"] for h in detail["history"]] == [
        "issued",
        "extended",
        "reregistered",
        "transferred",
        "revoked",
    ]
    budi = client.get("/placements", headers=auth(t["budi"])).json()["items"]
    assert number not in {p["shp_number"] for p in budi}
