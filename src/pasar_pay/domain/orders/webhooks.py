"""Outbound webhooks to vendors: HMAC-SHA256 signatures and a deterministic retry schedule.

Signature (Stripe's scheme): `v1 = hex(HMAC-SHA256(secret, f"{t}.{raw_body}"))` over the exact
bytes sent, header `Pasar-Signature: t=<unix seconds>,v1=<hex>`. During a secret rotation the
header carries one `v1` per active secret; a receiver accepts the request if any matches and `t`
is within its tolerance of its own clock (default 300 s, both directions), which bounds replays.

Retries: attempt n (1-based, after the first failure) waits `min(cap, base × 2^(n−1))`
seconds, less a jitter of up to `jitter_bps` of it, taken from SHA-256(seed, n): the same
delivery always gets the same schedule (testable, reproducible from the delivery log) while
different deliveries spread out.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.orders.quantities import BPS, require_bps

HEADER = "Pasar-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE_S = 300
MAX_HEADER = 2_048


def _key(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if len(key) < 16:
        raise ValidationFailed(
            "a webhook secret needs at least 16 bytes", code="webhook.secret_too_short"
        )
    return key


def _timestamp(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationFailed("timestamp must be unix seconds", code="webhook.timestamp_invalid")
    return value


def sign(secret: str | bytes, timestamp: int, raw_body: bytes) -> str:
    """Lower-case hex HMAC-SHA256 of `<timestamp>.<raw body>`."""
    message = str(_timestamp(timestamp)).encode("ascii") + b"." + raw_body
    return hmac.new(_key(secret), message, hashlib.sha256).hexdigest()


def signature_header(secrets: Sequence[str | bytes], timestamp: int, raw_body: bytes) -> str:
    """`t=<unix>,v1=<hex>[,v1=<hex>…]`, one signature per active secret."""
    if not secrets:
        raise ValidationFailed("at least one secret is needed", code="webhook.secret_missing")
    parts = [f"t={_timestamp(timestamp)}"]
    parts += [f"{SCHEME}={sign(secret, timestamp, raw_body)}" for secret in secrets]
    return ",".join(parts)


@dataclass(frozen=True, slots=True)
class ParsedSignature:
    timestamp: int
    signatures: tuple[str, ...]


def parse_header(header: str) -> ParsedSignature:
    """Parse the header; unknown schemes are ignored (forward compatible)."""
    if not isinstance(header, str) or not header or len(header) > MAX_HEADER:
        raise ValidationFailed("malformed signature header", code="webhook.header_malformed")
    timestamp: int | None = None
    sigs: list[str] = []
    for item in header.split(","):
        key, sep, value = item.strip().partition("=")
        if not sep or not value:
            raise ValidationFailed("malformed signature header", code="webhook.header_malformed")
        if key == "t":
            if timestamp is not None or not value.isascii() or not value.isdigit():
                raise ValidationFailed(
                    "malformed signature timestamp", code="webhook.header_malformed"
                )
            timestamp = int(value)
        elif key == SCHEME:
            sigs.append(value.lower())
    if timestamp is None or not sigs:
        raise ValidationFailed(
            "the header needs t= and at least one v1=", code="webhook.header_malformed"
        )
    return ParsedSignature(timestamp, tuple(sigs))


def verify(
    secret: str | bytes,
    header: str,
    raw_body: bytes,
    now: int,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> int:
    """Check a received webhook; returns its timestamp or raises a `webhook.*` refusal."""
    parsed = parse_header(header)
    if abs(_timestamp(now) - parsed.timestamp) > tolerance_s:
        raise ValidationFailed(
            "the webhook timestamp is outside the tolerance",
            code="webhook.timestamp_outside_tolerance",
            timestamp=parsed.timestamp,
            now=now,
            tolerance_s=tolerance_s,
        )
    expected = sign(secret, parsed.timestamp, raw_body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in parsed.signatures):
        raise ValidationFailed("no signature matches", code="webhook.signature_mismatch")
    return parsed.timestamp


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: int = 30
    cap_s: int = 6 * 3600
    max_attempts: int = 10
    jitter_bps: int = 2_000  # up to 20 % earlier than the nominal delay

    def __post_init__(self) -> None:
        for name in ("base_s", "cap_s", "max_attempts"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise ValidationFailed(
                    f"{name} must be a positive integer", code="webhook.policy_invalid"
                )
        if self.cap_s < self.base_s:
            raise ValidationFailed("cap below base", code="webhook.policy_invalid")
        require_bps(self.jitter_bps, field="jitter_bps")


def retry_delay(attempt: int, seed: str, policy: RetryPolicy | None = None) -> int | None:
    """Seconds to wait before retry `attempt` (1-based); None once attempts are exhausted."""
    p = policy or RetryPolicy()
    if isinstance(attempt, bool) or not isinstance(attempt, int) or attempt < 1:
        raise ValidationFailed("attempt starts at 1", code="webhook.attempt_invalid")
    if attempt > p.max_attempts:
        return None
    nominal = p.cap_s if attempt > 40 else min(p.cap_s, p.base_s << (attempt - 1))
    digest = hashlib.sha256(f"{seed}:{attempt}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") % (p.jitter_bps + 1)  # 0 ..= jitter_bps
    return nominal - nominal * draw // BPS


def retry_schedule(seed: str, policy: RetryPolicy | None = None) -> tuple[int, ...]:
    p = policy or RetryPolicy()
    return tuple(
        delay
        for n in range(1, p.max_attempts + 1)
        if (delay := retry_delay(n, seed, p)) is not None
    )
