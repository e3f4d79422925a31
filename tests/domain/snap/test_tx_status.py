"""Monotonic handling of latestTransactionStatus updates."""

from __future__ import annotations

import pytest

from pasar_pay.domain.snap.tx_status import Transition, TxStatus, classify, is_final

S = TxStatus
A, D, ST, C = Transition.ADVANCE, Transition.DUPLICATE, Transition.STALE, Transition.CONFLICT


@pytest.mark.parametrize(
    ("current", "incoming", "expected"),
    [
        (None, S.PENDING, A),
        (None, S.SUCCESS, A),
        (S.INITIATED, S.PENDING, A),
        (S.PENDING, S.SUCCESS, A),
        (S.PENDING, S.EXPIRED, A),
        (S.PENDING, S.PAYING, ST),
        (S.PENDING, S.PENDING, D),
        (S.SUCCESS, S.SUCCESS, D),
        (S.SUCCESS, S.PENDING, ST),  # the late "pending" after "success"
        (S.SUCCESS, S.INITIATED, ST),
        (S.SUCCESS, S.REFUNDED, A),
        (S.SUCCESS, S.EXPIRED, C),
        (S.SUCCESS, S.FAILED, C),
        (S.EXPIRED, S.SUCCESS, C),  # money after expiry: review, never drop
        (S.EXPIRED, S.PENDING, ST),
        (S.CANCELED, S.EXPIRED, ST),
        (S.REFUNDED, S.SUCCESS, ST),
        (S.REFUNDED, S.REFUNDED, D),
        (S.PENDING, S.REFUNDED, C),
        (None, S.REFUNDED, C),
        (S.SUCCESS, S.NOT_FOUND, ST),
        (None, S.NOT_FOUND, D),
    ],
)
def test_classify(current: TxStatus | None, incoming: TxStatus, expected: Transition) -> None:
    assert classify(current, incoming) is expected


def test_applying_only_advances_is_monotonic() -> None:
    # Whatever order the updates arrive in, success is never overwritten by a progress state.
    for order in ([S.SUCCESS, S.PENDING, S.INITIATED], [S.PENDING, S.SUCCESS, S.PAYING]):
        state: TxStatus | None = None
        for incoming in order:
            if classify(state, incoming) is Transition.ADVANCE:
                state = incoming
        assert state is S.SUCCESS


def test_finality() -> None:
    assert {s for s in S if is_final(s)} == {
        S.SUCCESS,
        S.REFUNDED,
        S.CANCELED,
        S.FAILED,
        S.EXPIRED,
        S.REJECTED,
    }
