"""The ledger over HTTP: bad input is a clear 4xx with a stable code and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import auth

RECEIVABLE = "market:PSR-GEDE:receivable:V000001"
REVENUE = "market:PSR-GEDE:revenue:retribution"


def adjustment(amount: Any = 1_000, credit_amount: Any = None, **extra: Any) -> dict[str, Any]:
    return {
        "reason": "correcting a mis-keyed cash receipt",
        "postings": [
            {"account": RECEIVABLE, "side": "debit", "amount": amount},
            {
                "account": REVENUE,
                "side": "credit",
                "amount": amount if credit_amount is None else credit_amount,
            },
        ],
        **extra,
    }


def _entries(client: TestClient, token: str) -> list[dict[str, Any]]:
    return list(client.get("/ledger/entries", headers=auth(token)).json()["items"])


def test_finance_posts_an_adjustment_with_a_reason(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.post(
        "/ledger/adjustments", json=adjustment(), headers=auth(tokens["finance"])
    )
    assert response.status_code == 201
    entry = response.json()["entries"][0]
    assert (entry["kind"], entry["chain"], entry["seq"]) == ("adjustment", "PSR-GEDE", 1)
    balance = client.get(f"/ledger/accounts/{RECEIVABLE}", headers=auth(tokens["finance"]))
    assert balance.json()["posted"] == 1_000


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (adjustment(1000.0), 422, "validation_failed"),
        (adjustment("1.000"), 422, "validation_failed"),
        (adjustment("1,000"), 422, "validation_failed"),
        (adjustment(0), 422, "validation_failed"),
        (adjustment(-5), 422, "validation_failed"),
        (adjustment(1_000, 999), 422, "entry_unbalanced"),
        ({**adjustment(), "reason": "short"}, 422, "validation_failed"),
        (
            {
                **adjustment(),
                "postings": [
                    {"account": "market:PSR-GEDE:receivable:V404", "side": "debit", "amount": 5},
                    {"account": REVENUE, "side": "credit", "amount": 5},
                ],
            },
            422,
            "account_unknown",
        ),
        (
            {
                **adjustment(),
                "postings": [
                    {"account": "nonsense", "side": "debit", "amount": 5},
                    {"account": REVENUE, "side": "credit", "amount": 5},
                ],
            },
            422,
            "account_code_invalid",
        ),
        ({**adjustment(), "surprise": True}, 422, "validation_failed"),
    ],
)
def test_bad_adjustments_are_refused_with_a_stable_code(
    client: TestClient, tokens: dict[str, str], body: dict[str, Any], status: int, code: str
) -> None:
    response = client.post("/ledger/adjustments", json=body, headers=auth(tokens["finance"]))
    assert response.status_code == status
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert _entries(client, tokens["finance"]) == []


def test_an_amount_as_float_names_the_field(client: TestClient, tokens: dict[str, str]) -> None:
    problem = client.post(
        "/ledger/adjustments", json=adjustment(10.5), headers=auth(tokens["finance"])
    ).json()
    fields = {(e["field"], e["code"]) for e in problem["errors"]}
    assert ("postings.0.amount", "not_an_integer") in fields


def test_malformed_json_is_a_422_not_a_500(client: TestClient, tokens: dict[str, str]) -> None:
    response = client.post(
        "/ledger/adjustments",
        content=b'{"reason": ',
        headers={**auth(tokens["finance"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


def test_an_oversized_payload_is_413(client: TestClient, tokens: dict[str, str]) -> None:
    body = adjustment(reference="x" * 100, reason="r" * 400)
    body["padding"] = "p" * 300_000
    response = client.post("/ledger/adjustments", json=body, headers=auth(tokens["finance"]))
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert _entries(client, tokens["finance"]) == []


def test_idempotency_key_replays_and_conflicts(client: TestClient, tokens: dict[str, str]) -> None:
    headers = {**auth(tokens["finance"]), "Idempotency-Key": "adj-2026-11-02-001"}
    first = client.post("/ledger/adjustments", json=adjustment(), headers=headers)
    again = client.post("/ledger/adjustments", json=adjustment(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["entries"] == first.json()["entries"]
    clash = client.post("/ledger/adjustments", json=adjustment(2_000), headers=headers)
    assert clash.status_code == 409
    assert clash.json()["fields"] == ["postings[0].amount", "postings[1].amount"]
    assert len(_entries(client, tokens["finance"])) == 1


def test_entries_page_with_a_cursor(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["finance"])
    for _ in range(5):
        client.post("/ledger/adjustments", json=adjustment(), headers=headers)
    first = client.get("/ledger/entries?limit=2", headers=headers).json()
    second = client.get(f"/ledger/entries?limit=2&cursor={first['next_cursor']}", headers=headers)
    seen = [e["id"] for e in first["items"]] + [e["id"] for e in second.json()["items"]]
    assert len(set(seen)) == 4
    bad = client.get("/ledger/entries?cursor=garbage", headers=headers)
    assert (bad.status_code, bad.json()["code"]) == (422, "cursor_invalid")


def test_reversal_and_verify_over_http(client: TestClient, tokens: dict[str, str]) -> None:
    headers = auth(tokens["finance"])
    entry = client.post("/ledger/adjustments", json=adjustment(), headers=headers).json()
    entry_id = entry["entries"][0]["id"]
    reversal = client.post(
        f"/ledger/entries/{entry_id}/reversal",
        json={"reason": "entered against the wrong vendor"},
        headers=headers,
    )
    assert reversal.status_code == 201
    original = client.get(f"/ledger/entries/{entry_id}", headers=headers).json()
    assert original["reversed_by"] == reversal.json()["entries"][0]["id"]
    reports = client.post("/ledger/verify?full=true", headers=headers).json()
    assert all(r["ok"] for r in reports)


def test_an_unknown_filter_is_refused_not_ignored(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.get("/ledger/entries?amount_gt=5", headers=auth(tokens["finance"]))
    assert response.status_code == 422
    assert response.json()["code"] == "filter_not_allowed"
    assert response.json()["parameters"] == ["amount_gt"]
