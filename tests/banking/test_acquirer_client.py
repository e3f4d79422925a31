"""Outbound SNAP to an acquirer, against an in-process fake (httpx.MockTransport): how requests
are signed, what is retried, and the circuit breaker's closed -> open -> half-open cycle."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pasar_pay.adapters.banks.resilience import CircuitBreaker, RetryPolicy
from pasar_pay.adapters.banks.snap_acquirer import SnapAcquirerConnector
from pasar_pay.adapters.banks.snap_outbound import OutboundCredentials, SnapOutboundClient
from pasar_pay.adapters.banks.snap_rsa import verify_token_request
from pasar_pay.services.qris_ports import AcquirerRefused, AcquirerUnavailable
from tests.banking.conftest import key

SECRET = "acquirer-shared-secret-0123"
BASE = "https://acq.example/api/snap"  # the acquirer's base path is part of what is signed
NOW = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@dataclass
class Ticker:
    """A monotonic clock for the breaker, stepped by hand."""

    t: float = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class FakeAcquirer:
    """Answers like an acquirer; `script` says what the next transaction calls get."""

    script: list[int | str] = field(default_factory=list)  # HTTP status, or "timeout"
    requests: list[httpx.Request] = field(default_factory=list)
    tokens_issued: int = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path.endswith("/access-token/b2b"):
            self.tokens_issued += 1
            return httpx.Response(
                200,
                json={
                    "responseCode": "2007300",
                    "responseMessage": "Successful",
                    "accessToken": f"tok-{self.tokens_issued}",
                    "tokenType": "Bearer",
                    "expiresIn": "900",
                },
            )
        step = self.script.pop(0) if self.script else 200
        if step == "timeout":
            raise httpx.ReadTimeout("slow acquirer", request=request)
        if step == 401:
            return httpx.Response(401, json={"responseCode": "4014701", "responseMessage": "x"})
        if step == 400:
            return httpx.Response(
                400, json={"responseCode": "4004701", "responseMessage": "Invalid Field Format"}
            )
        if step != 200:
            return httpx.Response(int(step), text="<html>bad gateway</html>")
        body = json.loads(request.content)
        return httpx.Response(
            200,
            json={
                "responseCode": "2004700",
                "responseMessage": "Successful",
                "referenceNo": "ACQREF0001",
                "partnerReferenceNo": body.get("partnerReferenceNo"),
                "qrContent": "000201010212...",
            },
        )

    def calls(self) -> list[httpx.Request]:
        return [r for r in self.requests if not r.url.path.endswith("/access-token/b2b")]


def make_client(
    fake: FakeAcquirer,
    *,
    attempts: int = 3,
    breaker: CircuitBreaker | None = None,
    sleeps: list[float] | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
) -> SnapOutboundClient:
    creds = OutboundCredentials(
        code="ACQ",
        base_url=BASE,
        client_key="pasar-client",
        partner_id="pasar-partner",
        channel_id="95221",
        client_secret=SECRET,
        private_key=key("pasar_pay"),
    )
    pauses = sleeps if sleeps is not None else []
    return SnapOutboundClient(
        creds,
        httpx.Client(transport=httpx.MockTransport(fake)),
        retry=RetryPolicy(attempts=attempts, base_delay=0.1, max_delay=1.0, jitter=0.0),
        breaker=breaker or CircuitBreaker(threshold=3, reset_after=30),
        clock=clock,
        sleep=pauses.append,
    )


def test_token_request_is_rsa_signed_and_transactions_hmac_signed_over_the_full_path() -> None:
    fake = FakeAcquirer()
    client = make_client(fake)
    client.call(
        "/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1", "note": "Bu Tuminah – A/1"}
    )
    token_req, call = fake.requests
    ts = token_req.headers["X-TIMESTAMP"]
    assert ts == "2026-11-02T10:00:00+07:00"
    assert token_req.url.path == "/api/snap/v1.0/access-token/b2b"
    assert verify_token_request(
        key("pasar_pay").public_key(), "pasar-client", ts, token_req.headers["X-SIGNATURE"]
    )
    # recompute the transaction signature independently of the code under test
    raw = call.content
    assert "–".encode() in raw  # non-ASCII sent as UTF-8, not \u escapes
    digest = hashlib.sha256(raw).hexdigest()  # the client sends an already minified body
    sts = f"POST:/api/snap/v1.0/qr/qr-mpm-generate:tok-1:{digest}:{call.headers['X-TIMESTAMP']}"
    expected = base64.b64encode(hmac.new(SECRET.encode(), sts.encode(), "sha512").digest())
    assert call.headers["X-SIGNATURE"] == expected.decode()
    assert call.headers["Authorization"] == "Bearer tok-1"
    assert call.headers["X-PARTNER-ID"] == "pasar-partner"
    assert call.headers["CHANNEL-ID"] == "95221"
    assert len(call.headers["X-EXTERNAL-ID"]) <= 36


def test_the_token_is_reused_until_near_expiry() -> None:
    fake = FakeAcquirer()
    moment = [NOW]
    client = make_client(fake, clock=lambda: moment[0])
    client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1"})
    moment[0] += timedelta(seconds=800)
    client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR2"})
    assert fake.tokens_issued == 1
    moment[0] += timedelta(seconds=60)  # within the last minute of the 900 s: renewed first
    client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR3"})
    assert fake.tokens_issued == 2


def test_5xx_and_timeouts_are_retried_with_growing_backoff() -> None:
    fake = FakeAcquirer(script=[502, "timeout", 200])
    sleeps: list[float] = []
    client = make_client(fake, sleeps=sleeps)
    data = client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1"})
    assert data["referenceNo"] == "ACQREF0001"
    assert len(fake.calls()) == 3
    assert sleeps == [0.1, 0.2]
    assert client.breaker.state == "closed"


def test_giving_up_after_the_last_attempt_is_unavailable() -> None:
    fake = FakeAcquirer(script=[500, 503, 500])
    client = make_client(fake)
    with pytest.raises(AcquirerUnavailable, match="HTTP 500"):
        client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1"})
    assert len(fake.calls()) == 3


def test_a_refusal_is_not_retried_and_does_not_trip_the_breaker() -> None:
    fake = FakeAcquirer(script=[400, 400, 400, 400])
    breaker = CircuitBreaker(threshold=1, reset_after=30)
    client = make_client(fake, breaker=breaker)
    for _ in range(2):
        with pytest.raises(AcquirerRefused) as refused:
            client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1"})
        assert refused.value.response_code == "4004701"
    assert len(fake.calls()) == 2
    assert breaker.state == "closed"


def test_an_expired_token_is_fetched_again_once() -> None:
    fake = FakeAcquirer(script=[401, 200])
    client = make_client(fake, attempts=1)
    client.call("/v1.0/qr/qr-mpm-generate", {"partnerReferenceNo": "QR1"})
    assert fake.tokens_issued == 2
    assert [c.headers["Authorization"] for c in fake.calls()] == ["Bearer tok-1", "Bearer tok-2"]


def test_breaker_opens_fails_fast_half_opens_and_closes() -> None:
    ticker = Ticker()
    breaker = CircuitBreaker(threshold=2, reset_after=10, clock=ticker)
    fake = FakeAcquirer(script=[500] * 3)
    client = make_client(fake, attempts=1, breaker=breaker)
    generate = "/v1.0/qr/qr-mpm-generate"
    for _ in range(2):
        with pytest.raises(AcquirerUnavailable):
            client.call(generate, {"partnerReferenceNo": "QR1"})
    assert breaker.state == "open"
    sent = len(fake.requests)
    with pytest.raises(AcquirerUnavailable, match="circuit open"):
        client.call(generate, {"partnerReferenceNo": "QR1"})
    assert len(fake.requests) == sent  # failed fast: nothing went out
    ticker.t += 10
    assert breaker.state == "half_open"
    with pytest.raises(AcquirerUnavailable, match="HTTP 500"):  # the trial call fails ...
        client.call(generate, {"partnerReferenceNo": "QR1"})
    assert breaker.state == "open"  # ... so it is open for another full period
    ticker.t += 9.9
    assert breaker.state == "open"
    ticker.t += 0.1
    client.call(generate, {"partnerReferenceNo": "QR1"})  # the script is empty: 200
    assert breaker.state == "closed"


def test_half_open_lets_one_trial_through_at_a_time() -> None:
    ticker = Ticker()
    breaker = CircuitBreaker(threshold=1, reset_after=5, clock=ticker)
    breaker.record_failure()
    ticker.t += 5
    assert breaker.allow() is True
    assert breaker.allow() is False  # a second caller waits for the trial's outcome
    breaker.record_success()
    assert breaker.allow() is True


def test_generate_sends_the_snap_fields_and_checks_the_answer() -> None:
    from pasar_pay.services.qris_ports import QrisMerchant

    fake = FakeAcquirer()
    connector = SnapAcquirerConnector(make_client(fake))
    merchant = QrisMerchant(
        id="market:PSR-GEDE",
        market_code="PSR-GEDE",
        vendor_code=None,
        acquirer_code="ACQ",
        guid="ID.CO.EXAMPLE.WWW",
        pan="9360011300000000001",
        merchant_id="000000000000001",
        nmid="ID1026000000001",
        mcc="9399",
        criteria="URE",
        name="PASAR GEDE",
        city="SURAKARTA",
        postal_code=None,
        static_payload="",
        fictitious=True,
        created_at=NOW,
    )
    content, ref = connector.generate(215_670, "QR261102ABC", NOW + timedelta(hours=1), merchant)
    assert (content, ref) == ("000201010212...", "ACQREF0001")
    sent = json.loads(fake.calls()[0].content)
    assert sent["amount"] == {"value": "215670.00", "currency": "IDR"}
    assert sent["partnerReferenceNo"] == "QR261102ABC"
    assert sent["validityPeriod"] == "2026-11-02T11:00:00+07:00"
    assert (sent["merchantId"], sent["storeId"]) == ("000000000000001", "PSR-GEDE")
