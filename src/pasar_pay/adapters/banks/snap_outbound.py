"""pasar_pay as a SNAP *client* of an acquirer: B2B token, signed transaction calls.

Signing is snap.md §1.5 from the caller's side: the token request is SHA256withRSA over
`clientKey|X-TIMESTAMP` with our private key; each transaction is HMAC-SHA512 with the client
secret over `POST:relativeUrl:token:sha256(minified body):X-TIMESTAMP`, where the relative URL
is the path the acquirer sees, including the base path of its URL (`/snap/v1.0/...`).

Failure handling: timeouts, transport errors, 5xx and 429 are retried with backoff; an expired
token (401xx01) is refetched once; any other 4xx is a refusal (not retried, and not counted
against the acquirer's health). A call that still failed after its retries counts once in the
circuit breaker; while the breaker is open, calls fail at once.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from pasar_pay.adapters.banks.resilience import CircuitBreaker, RetryPolicy
from pasar_pay.adapters.banks.snap_rsa import sign_token_request
from pasar_pay.domain.snap.signature import sign_symmetric
from pasar_pay.domain.snap.timestamps import format_timestamp
from pasar_pay.services.qris_ports import AcquirerRefused, AcquirerUnavailable

log = logging.getLogger("pasar_pay.snap.outbound")

TOKEN_PATH = "/v1.0/access-token/b2b"  # noqa: S105 - a path
TOKEN_MARGIN = timedelta(seconds=60)  # refetch a minute before the acquirer's expiry


@dataclass(frozen=True, slots=True)
class OutboundCredentials:
    """What we present to one acquirer. `base_url` may carry a path prefix (signed too)."""

    code: str
    base_url: str
    client_key: str  # X-CLIENT-KEY
    partner_id: str  # X-PARTNER-ID
    channel_id: str  # CHANNEL-ID
    client_secret: str = ""
    private_key: rsa.RSAPrivateKey | None = None

    def __repr__(self) -> str:  # never print the secret or the key
        return f"OutboundCredentials({self.code}, {self.base_url})"


class _Retryable(Exception):
    pass


class SnapOutboundClient:
    def __init__(
        self,
        creds: OutboundCredentials,
        http: httpx.Client,
        *,
        retry: RetryPolicy,
        breaker: CircuitBreaker,
        clock: Callable[[], datetime],
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if creds.private_key is None or not creds.client_secret:
            raise ValueError(f"{creds.code}: outbound SNAP needs our private key and a secret")
        self._creds = creds
        self._http = http
        self._retry = retry
        self._breaker = breaker
        self._clock = clock
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._base_path = urlsplit(creds.base_url).path.rstrip("/")
        self._url = creds.base_url.rstrip("/")
        self._lock = threading.Lock()
        self._token: str | None = None
        self._token_until: datetime | None = None

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    def call(self, service_path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a signed request; the parsed success body, or `AcquirerUnavailable`."""
        code = self._creds.code
        if not self._breaker.allow():
            raise AcquirerUnavailable(
                f"circuit open for {code}, next try in {self._breaker.retry_in():.0f} s"
            )
        raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        delays = self._retry.delays(self._rng)
        problem = "no attempt made"
        for attempt in range(1, self._retry.attempts + 1):
            try:
                data = self._attempt(service_path, raw)
            except _Retryable as error:
                problem = str(error)
                log.warning("%s %s attempt %d failed: %s", code, service_path, attempt, problem)
            except AcquirerRefused:
                self._breaker.record_success()  # it answered: the acquirer is up
                raise
            else:
                self._breaker.record_success()
                return data
            pause = next(delays, None)
            if pause is None:
                break
            self._sleep(pause)
        self._breaker.record_failure()
        raise AcquirerUnavailable(f"{code}: {problem}")

    # one attempt --------------------------------------------------------------------------
    def _attempt(self, service_path: str, raw: bytes) -> dict[str, Any]:
        token = self._current_token()
        response = self._post_signed(service_path, raw, token)
        data = _json(response)
        if _response_code(response, data).startswith("401") and str(
            data.get("responseCode", "")
        ).endswith("01"):
            self._drop_token(token)  # the acquirer forgot our token: fetch a new one, once
            response = self._post_signed(service_path, raw, self._current_token())
            data = _json(response)
        return _success(response, data)

    def _post_signed(self, service_path: str, raw: bytes, token: str) -> httpx.Response:
        path = self._base_path + service_path
        timestamp = format_timestamp(self._clock())
        signature = sign_symmetric(
            self._creds.client_secret,
            method="POST",
            relative_url=path,
            access_token=token,
            raw_body=raw,
            timestamp=timestamp,
        )
        headers = {
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            "X-TIMESTAMP": timestamp,
            "X-SIGNATURE": signature,
            "X-PARTNER-ID": self._creds.partner_id,
            "X-EXTERNAL-ID": uuid.uuid4().hex,  # unique per request and day
            "CHANNEL-ID": self._creds.channel_id,
        }
        return self._send(self._url + service_path, raw, headers)

    def _send(self, url: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
        try:
            return self._http.post(url, content=raw, headers=headers)
        except httpx.TimeoutException:
            raise _Retryable("timeout") from None
        except httpx.TransportError as error:
            raise _Retryable(f"transport: {type(error).__name__}") from None

    # the B2B token ------------------------------------------------------------------------
    def _current_token(self) -> str:
        with self._lock:
            now = self._clock()
            if self._token is not None and self._token_until and now < self._token_until:
                return self._token
            token, lifetime = self._fetch_token()
            self._token, self._token_until = token, now + lifetime - TOKEN_MARGIN
            return token

    def _drop_token(self, token: str) -> None:
        with self._lock:
            if self._token == token:
                self._token = None

    def _fetch_token(self) -> tuple[str, timedelta]:
        assert self._creds.private_key is not None
        timestamp = format_timestamp(self._clock())
        headers = {
            "Content-Type": "application/json",
            "X-TIMESTAMP": timestamp,
            "X-CLIENT-KEY": self._creds.client_key,
            "X-SIGNATURE": sign_token_request(
                self._creds.private_key, self._creds.client_key, timestamp
            ),
        }
        raw = b'{"grantType":"client_credentials","additionalInfo":{}}'
        response = self._send(self._url + TOKEN_PATH, raw, headers)
        data = _success(response, _json(response))
        token = data.get("accessToken")
        if not isinstance(token, str) or not token:
            raise _Retryable("token answer without accessToken")
        try:
            seconds = int(str(data.get("expiresIn", "900")))
        except ValueError:
            seconds = 900
        return token, timedelta(seconds=max(seconds, 120))


def _json(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500 or response.status_code == 429:
        raise _Retryable(f"HTTP {response.status_code}")
    try:
        data = response.json()
    except ValueError:
        raise _Retryable(f"HTTP {response.status_code} without JSON") from None
    if not isinstance(data, dict):
        raise _Retryable("answer is not a JSON object")
    return data


def _response_code(response: httpx.Response, data: dict[str, Any]) -> str:
    code = data.get("responseCode")
    # Trust the HTTP status class over a body that disagrees (a proxy's 4xx, a sloppy 2xx).
    if not isinstance(code, str) or len(code) != 7 or code[:3] != str(response.status_code):
        return f"{response.status_code}0000"
    return code


def _success(response: httpx.Response, data: dict[str, Any]) -> dict[str, Any]:
    code = _response_code(response, data)
    if code.startswith("2"):
        if code[:3] != "200":
            raise _Retryable(f"{code} (in progress)")
        return data
    message = str(data.get("responseMessage", ""))[:150]
    if code.startswith("504"):
        raise _Retryable(f"{code} {message}")
    raise AcquirerRefused(f"refused {code} {message}".strip(), code)
