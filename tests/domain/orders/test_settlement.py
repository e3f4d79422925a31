"""Weighing, approvals with a deadline, substitutions, refund routes and cash on delivery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.errors import Conflict, DomainError
from pasar_pay.domain.orders.checkout import CartLine, OrderLine, SubstitutionPreference, price_line
from pasar_pay.domain.orders.settlement import (
    Answer,
    LineSettlement,
    MarketPaymentOptions,
    RefundRoute,
    SubstitutionOutcome,
    SubstitutionProposal,
    approve_weighing,
    decide_substitution,
    order_refund,
    payment_mode_for,
    refund_route,
    weigh,
)
from pasar_pay.domain.orders.state import PaymentMode
from tests.domain.orders.samples import BAYAM, CABAI, T0

DEADLINE = T0 + timedelta(minutes=10)
# 250 g cabai at 65,000/kg, tolerance 50 g: estimate 16,250, held (300 g) 19,500
CABAI_LINE = price_line(CartLine("1", "P-CABAI", 65_000, estimated_grams=250), CABAI)


def bayam_line(pref: SubstitutionPreference, specific: str | None = None) -> OrderLine:
    return price_line(
        CartLine(
            "2", "P-BAYAM", 3_000, quantity=2, substitution=pref, substitute_product_id=specific
        ),
        BAYAM,
    )


@pytest.mark.parametrize(
    ("grams", "charge", "refund", "needs_approval"),
    [
        (250, 16_250, 3_250, False),
        (300, 19_500, 0, False),  # exactly at the tolerance
        (200, 13_000, 6_500, False),
        (301, 19_500, 0, True),  # capped at the hold: 19,565 would be owed
        (199, 12_935, 6_565, True),
    ],
)
def test_weighing_prepaid(grams: int, charge: int, refund: int, needs_approval: bool) -> None:
    w = weigh(CABAI_LINE, grams)
    assert (w.charge, w.refund, w.needs_approval) == (charge, refund, needs_approval)
    assert w.charge + w.refund == w.held_amount


def test_weighing_cash_on_delivery_charges_the_actual_amount() -> None:
    w = weigh(CABAI_LINE, 400, PaymentMode.CASH_ON_DELIVERY)
    assert (w.charge, w.refund, w.needs_approval) == (26_000, 0, True)
    assert approve_weighing(w, None, DEADLINE, DEADLINE) is Answer.REFUSE
    assert approve_weighing(w, Answer.APPROVE, T0, DEADLINE) is Answer.APPROVE


def test_weighing_approval_and_timeout_default() -> None:
    within = weigh(CABAI_LINE, 260)
    assert approve_weighing(within, None, T0, DEADLINE) is Answer.APPROVE
    off = weigh(CABAI_LINE, 500)
    assert approve_weighing(off, None, T0, DEADLINE) is None  # still waiting
    assert approve_weighing(off, Answer.REFUSE, T0, DEADLINE) is Answer.REFUSE
    assert approve_weighing(off, None, DEADLINE, DEADLINE) is Answer.APPROVE  # fits the hold
    with pytest.raises(Conflict) as excinfo:
        approve_weighing(off, Answer.APPROVE, DEADLINE + timedelta(seconds=1), DEADLINE)
    assert excinfo.value.code == "order.approval_expired"


def test_only_weighed_lines_are_weighed() -> None:
    with pytest.raises(DomainError) as excinfo:
        weigh(bayam_line(SubstitutionPreference.REMOVE), 100)
    assert excinfo.value.code == "order.weight_wrong_unit"
    with pytest.raises(DomainError):
        weigh(CABAI_LINE, 0)


@given(grams=st.integers(1, 10_000))
def test_prepaid_charge_never_exceeds_the_hold(grams: int) -> None:
    w = weigh(CABAI_LINE, grams)
    assert 0 <= w.charge <= w.held_amount
    assert w.refund == w.held_amount - w.charge
    if abs(grams - 250) <= 50:
        assert w.charge == w.final_amount
        assert not w.needs_approval


HAS = SubstitutionProposal("2", "P-HAS", 5_000)
TELUR = SubstitutionProposal("2", "P-TELUR", 4_000)


@pytest.mark.parametrize(
    ("pref", "specific", "proposal", "answer", "at", "outcome", "charge", "by_default"),
    [
        # the shopper answered in time: the answer wins whatever the preference
        (
            SubstitutionPreference.REMOVE,
            None,
            TELUR,
            Answer.APPROVE,
            T0,
            SubstitutionOutcome.SUBSTITUTED,
            4_000,
            False,
        ),
        (
            SubstitutionPreference.BEST_MATCH,
            None,
            TELUR,
            Answer.REFUSE,
            T0,
            SubstitutionOutcome.REMOVED,
            0,
            False,
        ),
        # waiting
        (
            SubstitutionPreference.BEST_MATCH,
            None,
            TELUR,
            None,
            T0,
            SubstitutionOutcome.PENDING,
            0,
            False,
        ),
        # timeout: the default preference
        (
            SubstitutionPreference.BEST_MATCH,
            None,
            TELUR,
            None,
            DEADLINE,
            SubstitutionOutcome.SUBSTITUTED,
            4_000,
            True,
        ),
        (
            SubstitutionPreference.SPECIFIC,
            "P-HAS",
            HAS,
            None,
            DEADLINE,
            SubstitutionOutcome.SUBSTITUTED,
            5_000,
            True,
        ),
        (
            SubstitutionPreference.SPECIFIC,
            "P-HAS",
            TELUR,
            None,
            DEADLINE,
            SubstitutionOutcome.REMOVED,
            0,
            True,
        ),
        (
            SubstitutionPreference.REMOVE,
            None,
            TELUR,
            None,
            T0,
            SubstitutionOutcome.REMOVED,
            0,
            True,
        ),
        # dearer than what was paid for the line: removed
        (
            SubstitutionPreference.BEST_MATCH,
            None,
            SubstitutionProposal("2", "P-X", 6_001),
            Answer.APPROVE,
            T0,
            SubstitutionOutcome.REMOVED,
            0,
            False,
        ),
    ],
)
def test_substitutions(
    pref: SubstitutionPreference,
    specific: str | None,
    proposal: SubstitutionProposal,
    answer: Answer | None,
    at: object,
    outcome: SubstitutionOutcome,
    charge: int,
    by_default: bool,
) -> None:
    line = bayam_line(pref, specific)  # held 6,000
    decision = decide_substitution(line, proposal, answer, at, DEADLINE)  # type: ignore[arg-type]
    assert (decision.outcome, decision.charge, decision.by_default) == (outcome, charge, by_default)
    if outcome is not SubstitutionOutcome.PENDING:
        assert decision.charge + decision.refund == line.held_amount


def test_no_proposal_removes_the_line_and_late_answers_are_refused() -> None:
    line = bayam_line(SubstitutionPreference.BEST_MATCH)
    assert decide_substitution(line, None, None, T0, DEADLINE).refund == 6_000
    with pytest.raises(Conflict):
        decide_substitution(line, TELUR, Answer.APPROVE, DEADLINE + timedelta(1), DEADLINE)


def test_cash_on_delivery_per_market_and_refund_routes() -> None:
    gede = MarketPaymentOptions(
        "PSR-GEDE", cash_on_delivery=True, cod_max_amount=500_000, min_channel_refund=1_000
    )
    legi = MarketPaymentOptions("PSR-LEGI")
    cod = PaymentMode.CASH_ON_DELIVERY
    assert payment_mode_for(gede, cod, 100_000) is cod
    assert payment_mode_for(legi, PaymentMode.PREPAID, 100_000) is PaymentMode.PREPAID
    for options, amount, code in (
        (legi, 1, "order.cod_not_offered"),
        (gede, 500_001, "order.cod_limit_exceeded"),
    ):
        with pytest.raises(DomainError) as excinfo:
            payment_mode_for(options, cod, amount)
        assert excinfo.value.code == code
    assert refund_route(gede, 999) is RefundRoute.CREDIT
    assert refund_route(gede, 1_000) is RefundRoute.CHANNEL
    assert refund_route(legi, 1) is RefundRoute.CHANNEL


def test_order_refund_requires_every_line_settled() -> None:
    held = {"1": 19_500, "2": 6_000}
    settled = {"1": LineSettlement("1", 16_250, 3_250), "2": LineSettlement("2", 0, 6_000)}
    assert order_refund(held, settled) == 9_250
    with pytest.raises(DomainError) as missing:
        order_refund(held, {"1": settled["1"]})
    assert missing.value.code == "order.lines_unsettled"
    with pytest.raises(DomainError) as unbalanced:
        order_refund(held, {**settled, "2": LineSettlement("2", 1, 6_000)})
    assert unbalanced.value.code == "order.settlement_unbalanced"
