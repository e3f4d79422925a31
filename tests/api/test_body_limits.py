"""Oversized bodies are refused even when the client sends no Content-Length (chunked), in
problem+json on the public API and in the SNAP envelope on bank paths."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi.testclient import TestClient

from tests.api.conftest import auth


def _chunks(total: int, size: int = 16_384) -> Iterator[bytes]:
    yield b'{"padding": "'
    sent = 0
    while sent < total:
        yield b"p" * size
        sent += size
    yield b'"}'


def test_a_chunked_oversized_body_is_413_problem(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.post(
        "/ledger/adjustments",
        content=_chunks(400_000),
        headers={**auth(tokens["finance"]), "Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "payload_too_large"


def test_a_chunked_oversized_snap_body_gets_the_snap_envelope(client: TestClient) -> None:
    response = client.post(
        "/snap/v1.0/transfer-va/payment",
        content=_chunks(100_000),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in response.request.headers
    body = response.json()
    assert response.status_code == int(body["responseCode"][:3]) == 400
    assert body["responseCode"].startswith("40025")
    assert "x-timestamp" in response.headers


def test_a_chunked_body_under_the_limit_reaches_the_endpoint(
    client: TestClient, tokens: dict[str, str]
) -> None:
    response = client.post(
        "/ledger/adjustments",
        content=_chunks(20_000),
        headers={**auth(tokens["finance"]), "Content-Type": "application/json"},
    )
    assert response.status_code == 422  # read in full and validated: no such fields
    assert response.json()["code"] == "validation_failed"
