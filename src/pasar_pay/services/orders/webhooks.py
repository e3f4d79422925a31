"""Outbound webhooks to vendors: endpoints they register, deliveries queued in the same
transaction as the event (`lifecycle.announce`), sent by a dispatcher with HMAC signatures
(domain `webhooks`), retried with backoff, every attempt logged; and a test-send.

The secret is shown once at registration and kept sealed (the settings' secret box).
Network calls never happen inside a database transaction: due deliveries are claimed
(`FOR UPDATE SKIP LOCKED` on PostgreSQL), sent, and the outcome recorded in a new transaction.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import replace
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from pasar_pay.domain.access import Principal
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.domain.orders.webhooks import HEADER, RetryPolicy, retry_delay, signature_header
from pasar_pay.services.banking.ports import SecretBox
from pasar_pay.services.orders.lifecycle import event_body
from pasar_pay.services.orders.ports import (
    SendResult,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookSender,
)
from pasar_pay.services.ports import Clock, UnitOfWorkFactory

MAX_ENDPOINTS = 5


def _check_url(url: str, *, allow_http: bool) -> str:
    parts = urlsplit(url)
    schemes = {"https", "http"} if allow_http else {"https"}
    if parts.scheme not in schemes or not parts.hostname or parts.username or len(url) > 2048:
        raise ValidationFailed(
            "a webhook URL must be an absolute https URL without credentials",
            code="webhook.url_invalid",
            url=url,
        )
    return url


class WebhookService:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        box: SecretBox,
        sender: WebhookSender,
        *,
        policy: RetryPolicy | None = None,
        allow_http: bool = False,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._box = box
        self._sender = sender
        self._policy = policy or RetryPolicy()
        self._allow_http = allow_http  # local receivers in development and tests

    def register(self, caller: Principal, url: str) -> dict[str, Any]:
        vendor = caller.vendor_code
        assert vendor is not None
        _check_url(url, allow_http=self._allow_http)
        secret = "whsec_" + secrets.token_urlsafe(32)
        endpoint = WebhookEndpoint(
            str(uuid.uuid4()), vendor, url, self._box.encrypt(secret), True, self._clock()
        )
        with self._uow() as uow:
            if len(uow.orders.endpoints(vendor)) >= MAX_ENDPOINTS:
                raise ValidationFailed(
                    f"at most {MAX_ENDPOINTS} endpoints", code="webhook.too_many_endpoints"
                )
            uow.orders.add_endpoint(endpoint)
            uow.commit()
        return {"id": endpoint.id, "url": url, "secret": secret, "header": HEADER}

    def endpoints(self, caller: Principal) -> list[dict[str, Any]]:
        with self._uow() as uow:
            found = uow.orders.endpoints(caller.vendor_code or "-")
        return [{"id": e.id, "url": e.url, "active": e.active} for e in found]

    def deliveries(self, caller: Principal, limit: int = 50) -> list[dict[str, Any]]:
        with self._uow() as uow:
            rows = uow.orders.deliveries(caller.vendor_code or "-", limit)
        for row in rows:
            when = row["next_attempt_at"]
            row["next_attempt_at"] = when.isoformat() if when else None
            for attempt in row["log"]:
                attempt["at"] = attempt["at"].isoformat()
        return rows

    def test_send(self, caller: Principal, endpoint_id: str) -> dict[str, Any]:
        """Send a signed `ping` now and report what the receiver answered (logged too)."""
        now = self._clock()
        with self._uow() as uow:
            endpoint = uow.orders.endpoint(endpoint_id)
            if endpoint is None or endpoint.vendor_code != caller.vendor_code:
                raise NotFound("endpoint not found", code="webhook.endpoint_not_found")
            body = event_body("ping", {"endpoint": endpoint.id}, now)
            delivery = WebhookDelivery(
                str(uuid.uuid4()), endpoint.id, "ping", body, "pending", 0, None, now, None
            )
            uow.orders.add_delivery(delivery)
            uow.commit()
        result = self._send(endpoint, delivery)
        self._record(delivery, result, retry=False)
        return {
            "delivery_id": delivery.id,
            "ok": result.ok,
            "status_code": result.status_code,
            "error": result.error,
        }

    def dispatch(self, limit: int = 100) -> dict[str, int]:
        """Send what is due; failures are rescheduled by the retry policy, then given up."""
        with self._uow() as uow:
            due = uow.orders.due_deliveries(self._clock(), limit)
            targets = {d.id: uow.orders.endpoint(d.endpoint_id) for d in due}
            # Claim them: push the next attempt out so a parallel dispatcher skips them.
            lease = self._clock() + timedelta(minutes=5)
            for d in due:
                uow.orders.save_delivery(replace(d, next_attempt_at=lease))
            uow.commit()
        counts = {"delivered": 0, "retrying": 0, "failed": 0}
        for delivery in due:
            endpoint = targets[delivery.id]
            if endpoint is None or not endpoint.active:
                continue
            status = self._record(delivery, self._send(endpoint, delivery), retry=True)
            counts[status] += 1
        return counts

    def _send(self, endpoint: WebhookEndpoint, delivery: WebhookDelivery) -> SendResult:
        raw = delivery.body.encode("utf-8")
        timestamp = int(self._clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            HEADER: signature_header([self._box.decrypt(endpoint.secret)], timestamp, raw),
            "Pasar-Event": delivery.event,
            "Pasar-Delivery": delivery.id,
        }
        return self._sender.send(endpoint.url, raw, headers)

    def _record(self, delivery: WebhookDelivery, result: SendResult, *, retry: bool) -> str:
        now = self._clock()
        attempt = delivery.attempts + 1
        if result.ok:
            status, following = "delivered", None
        else:
            delay = retry_delay(attempt, delivery.id, self._policy) if retry else None
            status = "pending" if delay is not None else "failed"
            following = now + timedelta(seconds=delay) if delay is not None else None
        with self._uow() as uow:
            uow.orders.add_attempt(delivery.id, attempt, now, result.status_code, result.error)
            uow.orders.save_delivery(
                replace(
                    delivery,
                    status=status,
                    attempts=attempt,
                    next_attempt_at=following,
                    delivered_at=now if result.ok else None,
                )
            )
            uow.commit()
        return {"delivered": "delivered", "pending": "retrying"}.get(status, "failed")
