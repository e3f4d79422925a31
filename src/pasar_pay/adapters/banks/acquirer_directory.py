"""Finds the SNAP connector of a merchant's acquirer: a registered QRIS acquirer with an
outbound `base_url` generates codes; any other acquirer code means local derivation.

Credentials: the counterparty's partner id, client key and current client secret are used in
both directions (one credential set per pair, as exchanged at onboarding; to verify with each
acquirer), with our own RSA private key for the token request. Connectors are cached for a
minute so a registration or rotation done by the CLI is picked up without a restart; each
acquirer keeps one circuit breaker for the life of the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from pasar_pay.adapters.banks.resilience import CircuitBreaker, RetryPolicy
from pasar_pay.adapters.banks.snap_acquirer import SnapAcquirerConnector
from pasar_pay.adapters.banks.snap_outbound import OutboundCredentials, SnapOutboundClient
from pasar_pay.services.banking.counterparties import CLIENT_SECRET
from pasar_pay.services.banking.ports import SecretBox
from pasar_pay.services.ports import UnitOfWorkFactory
from pasar_pay.services.qris_ports import AcquirerUnavailable

log = logging.getLogger("pasar_pay.snap.outbound")

CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class OutboundSettings:
    timeout: float = 3.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    breaker_threshold: int = 5
    breaker_reset: float = 30.0


HttpFactory = Callable[[float], httpx.Client]


def default_http(timeout: float) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, 2.0)))


class SnapAcquirerDirectory:
    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        box: SecretBox,
        private_key: Callable[[], rsa.RSAPrivateKey],
        clock: Callable[[], datetime],
        settings: OutboundSettings | None = None,
        http_factory: HttpFactory = default_http,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._uow = uow_factory
        self._box = box
        self._private_key = private_key
        self._clock = clock
        self._settings = settings or OutboundSettings()
        self._http_factory = http_factory
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, SnapAcquirerConnector | None]] = {}
        self._breakers: dict[str, CircuitBreaker] = {}
        self._http: httpx.Client | None = None

    def connector(self, acquirer_code: str) -> SnapAcquirerConnector | None:
        now = self._monotonic()
        with self._lock:
            cached = self._cache.get(acquirer_code)
            if cached is not None and now - cached[0] < CACHE_SECONDS:
                return cached[1]
        built = self._build(acquirer_code)
        with self._lock:
            self._cache[acquirer_code] = (now, built)
        return built

    def breaker(self, acquirer_code: str) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(acquirer_code)
            if breaker is None:
                breaker = CircuitBreaker(
                    threshold=self._settings.breaker_threshold,
                    reset_after=self._settings.breaker_reset,
                    clock=self._monotonic,
                )
                self._breakers[acquirer_code] = breaker
            return breaker

    def _build(self, code: str) -> SnapAcquirerConnector | None:
        with self._uow() as uow:
            cp = uow.banks.counterparty(code)
            if cp is None or not cp.active or not cp.qris_acquirer or not cp.base_url:
                return None
            secrets_ = uow.banks.credentials(code, CLIENT_SECRET, self._clock())
        if not secrets_:
            return None
        try:
            creds = OutboundCredentials(
                code=code,
                base_url=cp.base_url,
                client_key=cp.client_key,
                partner_id=cp.partner_id,
                channel_id=cp.channel_id or "95221",
                client_secret=self._box.decrypt(secrets_[0]),  # newest valid secret
                private_key=self._private_key(),
            )
        except (OSError, ValueError) as error:  # no key file, a secret from another key
            log.error("acquirer %s is not usable: %s", code, error)
            raise AcquirerUnavailable(f"{code}: outbound credentials unusable") from None
        client = SnapOutboundClient(
            creds,
            self._shared_http(),
            retry=self._settings.retry,
            breaker=self.breaker(code),
            clock=self._clock,
        )
        return SnapAcquirerConnector(client)

    def _shared_http(self) -> httpx.Client:
        with self._lock:
            if self._http is None:
                self._http = self._http_factory(self._settings.timeout)
            return self._http
