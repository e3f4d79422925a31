"""Webhook POSTs over httpx: short timeouts, no redirects, errors reported (never raised)."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from pasar_pay.services.orders.ports import SendResult


class HttpxWebhookSender:
    def __init__(self, client: httpx.Client | None = None, timeout_s: float = 5.0) -> None:
        self._client = client or httpx.Client(timeout=timeout_s, follow_redirects=False)

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        try:
            response = self._client.post(url, content=body, headers=dict(headers))
        except httpx.HTTPError as error:
            return SendResult(None, f"{type(error).__name__}: {error}"[:300])
        return SendResult(response.status_code, None)
