"""Outbound webhook signatures (Stripe-style header) and the deterministic retry schedule."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.orders.webhooks import (
    RetryPolicy,
    parse_header,
    retry_delay,
    retry_schedule,
    sign,
    signature_header,
    verify,
)

SECRET = "whsec_pasar_gede_0001"
OLD = "whsec_pasar_gede_0000"
BODY = b'{"type":"order.paid","order":"ORD1234","amount":149310}'
T = 1_714_960_800


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), f"{T}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, T, BODY) == expected
    assert signature_header([SECRET], T, BODY) == f"t={T},v1={expected}"


def test_verify_accepts_within_tolerance_and_any_rotated_secret() -> None:
    header = signature_header([OLD, SECRET], T, BODY)
    assert verify(SECRET, header, BODY, now=T + 300) == T
    assert verify(OLD, header, BODY, now=T - 300) == T
    assert verify(SECRET, header + ",v0=ignored", BODY, now=T) == T


@pytest.mark.parametrize(
    ("header", "body", "now", "code"),
    [
        (None, BODY, T + 301, "webhook.timestamp_outside_tolerance"),
        (None, BODY, T - 301, "webhook.timestamp_outside_tolerance"),
        (None, BODY + b" ", T, "webhook.signature_mismatch"),
        (f"t={T},v1={'0' * 64}", BODY, T, "webhook.signature_mismatch"),
        (f"t={T}", BODY, T, "webhook.header_malformed"),
        (f"v1={'0' * 64}", BODY, T, "webhook.header_malformed"),
        (f"t=-{T},v1=ab", BODY, T, "webhook.header_malformed"),
        (f"t={T},t={T},v1=ab", BODY, T, "webhook.header_malformed"),
        ("garbage", BODY, T, "webhook.header_malformed"),
        ("", BODY, T, "webhook.header_malformed"),
        ("t=١٢,v1=ab", BODY, T, "webhook.header_malformed"),  # non-ASCII digits
    ],
)
def test_verify_refusals(header: str | None, body: bytes, now: int, code: str) -> None:
    signed = signature_header([SECRET], T, BODY)
    with pytest.raises(DomainError) as excinfo:
        verify(SECRET, signed if header is None else header, body, now)
    assert excinfo.value.code == code


def test_bad_secrets_and_timestamps() -> None:
    with pytest.raises(DomainError) as short:
        sign("short", T, BODY)
    assert short.value.code == "webhook.secret_too_short"
    with pytest.raises(DomainError):
        sign(SECRET, -1, BODY)
    with pytest.raises(DomainError):
        signature_header([], T, BODY)
    assert parse_header(f"t={T},v1=AB").signatures == ("ab",)


def test_retry_schedule_is_exponential_capped_and_deterministic() -> None:
    policy = RetryPolicy(base_s=30, cap_s=3_600, max_attempts=10, jitter_bps=0)
    assert retry_schedule("d1", policy) == (30, 60, 120, 240, 480, 960, 1_920, 3_600, 3_600, 3_600)
    jittered = RetryPolicy(base_s=30, cap_s=3_600, max_attempts=10, jitter_bps=2_000)
    assert retry_schedule("d1", jittered) == retry_schedule("d1", jittered)
    assert retry_schedule("d1", jittered) != retry_schedule("d2", jittered)
    assert retry_delay(11, "d1", jittered) is None
    with pytest.raises(DomainError):
        retry_delay(0, "d1")


@given(seed=st.text(max_size=20), attempt=st.integers(1, 60))
def test_jitter_only_shortens_by_at_most_the_jitter(seed: str, attempt: int) -> None:
    policy = RetryPolicy(base_s=10, cap_s=86_400, max_attempts=60, jitter_bps=2_500)
    nominal = min(86_400, 10 * 2 ** (attempt - 1))
    delay = retry_delay(attempt, seed, policy)
    assert delay is not None
    assert nominal * 3 // 4 <= delay <= nominal


@pytest.mark.parametrize(
    "kwargs",
    [{"base_s": 0}, {"cap_s": 5, "base_s": 10}, {"max_attempts": 0}, {"jitter_bps": 10_001}],
)
def test_bad_retry_policies(kwargs: dict[str, int]) -> None:
    with pytest.raises(DomainError):
        RetryPolicy(**kwargs)
