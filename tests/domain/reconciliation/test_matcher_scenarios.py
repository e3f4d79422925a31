"""Scenario tests: each names a real situation a market finance officer meets."""

from __future__ import annotations

from datetime import date

import pytest

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.reconciliation import (
    Channel,
    ExceptionType,
    FeeRule,
    LedgerKind,
    MatchConfig,
    MatchResult,
    MatchRule,
    SettlementBatch,
    SettlementMember,
    Side,
    match,
)
from tests.domain.reconciliation.builders import at, callback, entry, line


def only_types(result: MatchResult) -> list[ExceptionType]:
    return [e.type for e in result.exceptions]


def test_one_to_one_by_rrn_is_a_three_way_match() -> None:
    result = match(
        [line("L1", 215_670, rrn="00113696201")],
        [callback("P1", 215_670, rrn="00113696201")],
        [entry("E1", 215_670, pid="P1")],
    )
    assert only_types(result) == []
    [m] = result.matches
    assert m.rule is MatchRule.BANK_REFERENCE
    assert (m.amount, m.difference) == (215_670, 0)
    assert [c.payment_id for c in m.callbacks] == ["P1"]
    assert [e.entry_id for e in m.ledger] == ["E1"]
    assert not m.ledger_missing


def test_key_order_prefers_rrn_over_va_and_bill() -> None:
    # Two lines share the VA and bill, only one carries the callback's RRN: it must win.
    lines = [
        line("L1", 5_000, va="8808010100012", bill="RET-000001"),
        line("L2", 5_000, rrn="R2", va="8808010100012"),
    ]
    result = match(lines, [callback("P1", 5_000, rrn="R2", va="8808010100012",
                                    bill="RET-000001")], [])
    [m] = result.matches
    assert m.rule is MatchRule.BANK_REFERENCE
    assert m.lines[0].line_ref == "L2"
    assert only_types(result) == [ExceptionType.CREDIT_WITHOUT_CALLBACK]


def test_va_and_bill_keys_match_when_bank_has_no_rrn() -> None:
    lines = [line("L1", 5_000, va="8808010100012"), line("L2", 7_000, bill="RET-000002")]
    cbs = [callback("P1", 5_000, va="8808010100012"), callback("P2", 7_000, bill="RET-000002")]
    result = match(lines, cbs, [])
    assert {m.callbacks[0].payment_id: m.rule for m in result.matches} == {
        "P1": MatchRule.VA_NUMBER, "P2": MatchRule.BILL_REFERENCE}
    assert all(m.ledger_missing for m in result.matches)  # services must post these


def test_duplicate_callbacks_and_reimported_lines_collapse() -> None:
    cb = callback("P1", 5_000, rrn="R1")
    ln = line("L1", 5_000, rrn="R1")
    result = match([ln, ln], [cb, cb], [entry("E1", 5_000, pid="P1")] * 2)
    assert len(result.matches) == 1
    assert result.exceptions == ()


def test_conflicting_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValidationFailed) as err:
        match([line("L1", 5_000), line("L1", 6_000)], [], [])
    assert err.value.code == "recon_conflicting_duplicate"


def test_duplicate_credit_for_one_payment_leaves_one_credit_unexplained() -> None:
    result = match(
        [line("L1", 5_000, rrn="R1"), line("L2", 5_000, rrn="R1")],
        [callback("P1", 5_000, rrn="R1")],
        [],
    )
    assert len(result.matches) == 1
    assert result.matches[0].lines[0].line_ref == "L1"
    [exc] = result.exceptions
    assert exc.type is ExceptionType.CREDIT_WITHOUT_CALLBACK
    assert exc.lines[0].line_ref == "L2"


def test_late_callback_across_midnight_matches_next_day_credit() -> None:
    # Paid 23:58 on the 15th, callback arrives after midnight; the bank books it on the 16th.
    cb = callback("P1", 5_000, paid=at(15, 23, 58), va="8808010100012")
    result = match([line("L1", 5_000, day=16, va="8808010100012")], [cb], [])
    assert [m.rule for m in result.matches] == [MatchRule.VA_NUMBER]
    # With a same-day-only window the same pair is two exceptions, each aged from its own day.
    strict = match([line("L1", 5_000, day=16, va="8808010100012")], [cb], [],
                   config=MatchConfig(window_after_days=0))
    assert {e.type: e.as_of for e in strict.exceptions} == {
        ExceptionType.CREDIT_WITHOUT_CALLBACK: date(2025, 1, 16),
        ExceptionType.CALLBACK_WITHOUT_CREDIT: date(2025, 1, 15),
    }


def test_amount_and_date_is_the_last_resort_and_respects_contradicting_keys() -> None:
    lines = [line("L1", 7_500, day=16, rrn="OTHER"), line("L2", 7_500, day=16)]
    cb = callback("P1", 7_500, paid=at(15, 23, 59), rrn="R1")
    result = match(lines, [cb], [])
    [m] = result.matches
    assert m.rule is MatchRule.AMOUNT_DATE
    assert m.lines[0].line_ref == "L2"
    assert only_types(result) == [ExceptionType.CREDIT_WITHOUT_CALLBACK]


def test_credit_without_callback() -> None:
    result = match([line("L1", 10_000, va="8808010100099")], [], [])
    [exc] = result.exceptions
    assert (exc.type, exc.amount, exc.as_of) == (
        ExceptionType.CREDIT_WITHOUT_CALLBACK, 10_000, date(2025, 1, 15))


def test_callback_without_credit_carries_market_and_ledger() -> None:
    result = match([], [callback("P1", 5_000, rrn="R1", market="pasar-klewer")],
                   [entry("E1", 5_000, pid="P1")])
    [exc] = result.exceptions
    assert exc.type is ExceptionType.CALLBACK_WITHOUT_CREDIT
    assert (exc.amount, exc.market) == (5_000, "pasar-klewer")
    assert [e.entry_id for e in exc.ledger] == ["E1"]


def test_amount_mismatch_on_a_strong_key() -> None:
    result = match([line("L1", 4_000, rrn="R1")], [callback("P1", 5_000, rrn="R1")], [])
    [exc] = result.exceptions
    assert (exc.type, exc.amount, exc.expected, exc.actual) == (
        ExceptionType.AMOUNT_MISMATCH, 1_000, 5_000, 4_000)
    assert result.matches == ()


def test_tolerance_in_rupiah_turns_a_small_drift_into_a_match() -> None:
    result = match([line("L1", 4_999, rrn="R1")], [callback("P1", 5_000, rrn="R1")], [],
                   config=MatchConfig(tolerance=1))
    assert [(m.amount, m.difference) for m in result.matches] == [(4_999, -1)]


def test_ledger_disagreeing_with_callback_is_an_amount_mismatch() -> None:
    result = match([line("L1", 5_000, rrn="R1")], [callback("P1", 5_000, rrn="R1")],
                   [entry("E1", 50_000, pid="P1")])
    [exc] = result.exceptions
    assert exc.type is ExceptionType.AMOUNT_MISMATCH
    assert exc.amount == 45_000
    assert len(exc.lines) == 1  # the credit is explained, not left dangling


def test_one_callback_split_into_two_credit_lines() -> None:
    lines = [line("L1", 200_000, rrn="R1"), line("L2", 15_670, rrn="R1")]
    result = match(lines, [callback("P1", 215_670, rrn="R1")], [])
    [m] = result.matches
    assert sorted(ln.line_ref for ln in m.lines) == ["L1", "L2"]
    assert m.amount == 215_670


def test_bill_paid_by_va_and_qris_is_paid_twice() -> None:
    cbs = [
        callback("P1", 5_000, paid=at(15, 9), channel=Channel.VA, rrn="R1", bill="RET-1"),
        callback("P2", 5_000, paid=at(15, 10), channel=Channel.QRIS, rrn="R2", bill="RET-1"),
    ]
    result = match([line("L1", 5_000, rrn="R1"), line("L2", 5_000, rrn="R2")], cbs, [])
    assert [m.callbacks[0].payment_id for m in result.matches] == ["P1"]
    [exc] = result.exceptions
    assert exc.type is ExceptionType.PAID_TWICE
    assert exc.callbacks[0].payment_id == "P2"
    assert exc.lines[0].line_ref == "L2"
    assert exc.amount == 5_000


def test_va_payment_after_qris_flags_the_open_va() -> None:
    cbs = [
        callback("P1", 5_000, paid=at(15, 9), channel=Channel.QRIS, rrn="R1", bill="RET-1"),
        callback("P2", 5_000, paid=at(15, 10), channel=Channel.VA, rrn="R2", bill="RET-1"),
    ]
    result = match([line("L1", 5_000, rrn="R1"), line("L2", 5_000, rrn="R2")], cbs, [])
    assert only_types(result) == [ExceptionType.VA_OPEN_AFTER_QRIS]


def test_two_installments_on_one_channel_are_not_a_double_payment() -> None:
    cbs = [callback("P1", 5_000, rrn="R1", bill="RET-1"),
           callback("P2", 5_000, paid=at(16, 9), rrn="R2", bill="RET-1")]
    result = match([line("L1", 5_000, rrn="R1"), line("L2", 5_000, day=16, rrn="R2")],
                   cbs, [])
    assert only_types(result) == []
    assert len(result.matches) == 2


def test_cash_deposit_short_by_the_bank() -> None:
    deposit = entry("E1", 150_000, kind=LedgerKind.CASH_DEPOSIT, rrn="SLIP-77")
    result = match([line("L1", 140_000, rrn="SLIP-77")], [], [deposit])
    [exc] = result.exceptions
    assert (exc.type, exc.amount) == (ExceptionType.CASH_DEPOSIT_MISMATCH, 10_000)


def test_cash_deposit_never_credited() -> None:
    result = match([], [], [entry("E1", 150_000, kind=LedgerKind.CASH_DEPOSIT, rrn="S1")])
    assert only_types(result) == [ExceptionType.CASH_DEPOSIT_MISMATCH]


def test_payout_matches_debit_line_and_stray_debit_is_reported() -> None:
    payout = entry("E1", 50_000, kind=LedgerKind.PAYOUT, rrn="TRF-1")
    lines = [line("L1", 50_000, side=Side.DEBIT, rrn="TRF-1"),
             line("L2", 2_500, side=Side.DEBIT)]
    result = match(lines, [], [payout])
    assert [m.rule for m in result.matches] == [MatchRule.BANK_REFERENCE]
    assert only_types(result) == [ExceptionType.UNMATCHED_DEBIT]


def _qris_batch(members: list[tuple[str, int, int]], bp: int, net: int,
                fee_total: int | None = None) -> SettlementBatch:
    gross = sum(g for _, g, _ in members)
    fee = sum(f for _, _, f in members) if fee_total is None else fee_total
    return SettlementBatch("BCA", "B1", date(2025, 1, 16), gross, fee, bp, net,
                           tuple(SettlementMember(r, g, f) for r, g, f in members))


def _qris_payments(amounts: list[int]) -> list:  # type: ignore[type-arg]
    return [callback(f"Q{i}", a, channel=Channel.QRIS, rrn=f"RRN{i}") for i, a in
            enumerate(amounts)]


@pytest.mark.parametrize(
    ("bp", "amounts", "fees"),
    [
        (0, [5_000, 215_670], [0, 0]),  # P2G retribution: 0 % MDR
        (30, [5_000, 215_670], [15, 647]),  # 0.3 %: 647.01 rounds half-up to 647
        (70, [5_000, 215_670, 1_250], [35, 1_510, 9]),  # 0.7 %: 1509.69 → 1510, 8.75 → 9
    ],
)
def test_qris_settlement_net_of_mdr(bp: int, amounts: list[int], fees: list[int]) -> None:
    net = sum(amounts) - sum(fees)
    batch = _qris_batch([(f"RRN{i}", a, f) for i, (a, f) in enumerate(zip(amounts, fees,
                                                                          strict=True))],
                        bp, net)
    credit = line("S1", net, day=16, rrn="B1")
    result = match([credit], _qris_payments(amounts), [], [batch])
    assert only_types(result) == []
    [m] = result.matches
    assert m.rule is MatchRule.SETTLEMENT_BATCH
    assert len(m.callbacks) == len(amounts)
    fees_posted = [f.amount for f in result.fees_to_post]
    assert fees_posted == ([sum(fees)] if sum(fees) else [])


def test_settlement_found_by_net_amount_when_narrative_has_no_batch_id() -> None:
    batch = _qris_batch([("RRN0", 600_000, 1_800)], 30, 598_200)
    result = match([line("S1", 598_200, day=16)], _qris_payments([600_000]), [], [batch])
    assert [m.rule for m in result.matches] == [MatchRule.SETTLEMENT_BATCH]


def test_umi_rule_makes_small_payments_free() -> None:
    batch = _qris_batch([("RRN0", 600_000, 1_800), ("RRN1", 5_000, 0)], 30, 603_200)
    cfg = MatchConfig(fee_rule=FeeRule(free_up_to=500_000))
    result = match([line("S1", 603_200, day=16)], _qris_payments([600_000, 5_000]), [],
                   [batch], cfg)
    assert only_types(result) == []
    assert result.fees_to_post[0].amount == 1_800


def test_settlement_fee_drift_is_a_settlement_mismatch() -> None:
    # The acquirer took 20 instead of 15 on a Rp 5,000 payment at 0.3 %.
    batch = _qris_batch([("RRN0", 5_000, 20)], 30, 4_980)
    result = match([line("S1", 4_980, day=16, rrn="B1")], _qris_payments([5_000]), [],
                   [batch])
    [exc] = result.exceptions
    assert exc.type is ExceptionType.SETTLEMENT_MISMATCH
    assert (exc.expected, exc.actual, exc.amount) == (4_985, 4_980, 5)
    assert "rule gives 15" in exc.detail
    assert result.fees_to_post == ()
    assert len(exc.callbacks) == 1
    assert len(exc.lines) == 1


def test_settlement_member_without_callback() -> None:
    batch = _qris_batch([("RRN0", 5_000, 0), ("RRN9", 5_000, 0)], 0, 10_000)
    result = match([line("S1", 10_000, day=16, rrn="B1")], _qris_payments([5_000]), [],
                   [batch])
    [exc] = result.exceptions
    assert exc.type is ExceptionType.SETTLEMENT_MISMATCH
    assert "RRN9: no callback" in exc.detail


def test_settlement_without_statement_credit() -> None:
    batch = _qris_batch([("RRN0", 5_000, 0)], 0, 5_000)
    result = match([], _qris_payments([5_000]), [], [batch])
    [exc] = result.exceptions
    assert exc.type is ExceptionType.SETTLEMENT_MISMATCH
    assert exc.amount == 5_000


def test_double_payment_inside_a_batch_is_split_out_and_the_batch_still_settles() -> None:
    cbs = [
        callback("P1", 5_000, paid=at(15, 9), channel=Channel.VA, rrn="V1", bill="RET-1"),
        callback("Q1", 5_000, paid=at(15, 10), channel=Channel.QRIS, rrn="RRN1", bill="RET-1"),
    ]
    batch = SettlementBatch("BCA", "B1", date(2025, 1, 16), 5_000, 0, 0, 5_000,
                            (SettlementMember("RRN1", 5_000, 0),))
    result = match([line("L1", 5_000, rrn="V1"), line("S1", 5_000, day=16, rrn="B1")], cbs,
                   [], [batch])
    assert sorted(m.rule for m in result.matches) == [MatchRule.BANK_REFERENCE,
                                                       MatchRule.SETTLEMENT_BATCH]
    [exc] = result.exceptions
    assert exc.type is ExceptionType.PAID_TWICE
    assert [c.payment_id for c in exc.callbacks] == ["Q1"]


def test_va_batch_with_flat_fee_per_payment() -> None:
    cbs = [callback("INQ1", 215_670, rrn="R1"), callback("INQ2", 100_000, rrn="R2")]
    members = (SettlementMember("INQ1", 215_670, 2_500), SettlementMember("INQ2", 100_000, 2_500))
    batch = SettlementBatch("BNC01", "VA-20250115", date(2025, 1, 16), 315_670, 5_000, 0,
                            310_670, members, flat_fee=2_500)
    ok = match([line("S1", 310_670, day=16)], cbs, [], [batch])
    assert [m.rule for m in ok.matches] == [MatchRule.SETTLEMENT_BATCH]
    assert [f.amount for f in ok.fees_to_post] == [5_000]
    drift = match([line("S1", 310_670, day=16)], cbs, [],
                  [SettlementBatch("BNC01", "VA-20250115", date(2025, 1, 16), 315_670, 5_000,
                                   0, 310_670, members, flat_fee=2_000)])
    assert [e.type for e in drift.exceptions] == [ExceptionType.SETTLEMENT_MISMATCH]


def test_second_ledger_entry_for_one_callback_stands_alone() -> None:
    # A double posting of one callback: the first entry pairs, the second has no bank credit.
    result = match([line("L1", 5_000, rrn="R1")], [callback("P1", 5_000, rrn="R1")],
                   [entry("E1", 5_000, pid="P1"), entry("E2", 5_000, pid="P1")])
    assert [[e.entry_id for e in m.ledger] for m in result.matches] == [["E1"]]
    [exc] = result.exceptions
    assert exc.type is ExceptionType.CALLBACK_WITHOUT_CREDIT
    assert [e.entry_id for e in exc.ledger] == ["E2"]
    assert exc.callbacks == ()


def test_records_refuse_what_the_matcher_cannot_order_or_date() -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="naive"):
        callback("P1", 5_000, paid=datetime(2025, 1, 15, 9))
    with pytest.raises(ValueError, match="fee"):
        callback("P1", 5_000, fee=6_000)
    with pytest.raises(ValueError, match="amount"):
        entry("E1", 0)
    with pytest.raises(ValueError, match="amount"):
        line("L1", -5)
