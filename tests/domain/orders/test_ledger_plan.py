"""Ledger plans for orders: each balances, and the money adds up over any history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.accounts import COMMISSION_REVENUE, Side, parse_account_code
from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.ledger import (
    Balance,
    EntryDraft,
    EntryKind,
    Posting,
    balance_effects,
    check_balance_rule,
    settle_pending,
)
from pasar_pay.domain.orders.commission import (
    CommissionLine,
    CommissionRule,
    CommissionSchedule,
    commission_for,
)
from pasar_pay.domain.orders.ledger_plan import (
    Hold,
    completion,
    payment_received,
    refund_after_completion,
    refund_before_completion,
)
from pasar_pay.domain.orders.payout import Arrear, PayoutLine, payout_batch
from tests.domain.orders.samples import T0

EXPIRES = T0 + timedelta(days=30)
DAY = date(2024, 5, 6)
SCHEDULE = CommissionSchedule(CommissionRule(1_000), (CommissionRule(250, category="beras"),))


@dataclass
class FakeLedger:
    """Just enough of the ledger service: ids for holds, balances, the balance rules."""

    balances: dict[str, Balance] = field(default_factory=lambda: defaultdict(Balance))
    holds: dict[str, tuple[Posting, ...]] = field(default_factory=dict)
    resolved: set[str] = field(default_factory=set)
    seq: int = 0

    def record(self, drafts: tuple[EntryDraft, ...]) -> list[str]:
        ids = []
        for draft in drafts:
            debits = sum(p.amount for p in draft.postings if p.side is Side.DEBIT)
            assert debits == sum(p.amount for p in draft.postings if p.side is Side.CREDIT)
            released: tuple[Posting, ...] = ()
            if draft.kind in (EntryKind.POST_PENDING, EntryKind.VOID_PENDING):
                assert draft.pending_id in self.holds
                assert draft.pending_id not in self.resolved
                released = self.holds[draft.pending_id]
                self.resolved.add(draft.pending_id)
                if draft.kind is EntryKind.POST_PENDING:  # as the ledger service checks it
                    settle_pending(released, [p.amount for p in draft.postings])
            for account, delta in balance_effects(draft.kind, draft.postings, released).items():
                self.balances[account] = self.balances[account] + delta
                check_balance_rule(parse_account_code(account), self.balances[account])
            self.seq += 1
            entry_id = f"E{self.seq}"
            if draft.kind is EntryKind.PENDING:
                assert draft.expires_at is not None
                self.holds[entry_id] = draft.postings
            ids.append(entry_id)
        return ids

    def posted(self, account: str) -> int:
        return self.balances[account].posted(parse_account_code(account).normal_side)


def test_one_order_end_to_end() -> None:
    ledger = FakeLedger()
    receipt, hold_draft = payment_received("ORD1", "V000001", "BNI", 149_310, T0, EXPIRES)
    _, hold_id = ledger.record((receipt, hold_draft))
    payable = "vendor:V000001:payable"
    assert ledger.balances[payable].available(Side.CREDIT) == 0  # held for the shopper
    assert ledger.posted("city:clearing:BNI") == 149_310  # the bank has it today
    # weighing: 1,000 g instead of 1,106 g held -> refund 14,310
    drafts = refund_before_completion(
        Hold(hold_id, "ORD1", "V000001", "BNI", 149_310), 14_310, T0, EXPIRES
    )
    assert [d.kind for d in drafts] == [EntryKind.POST_PENDING, EntryKind.PENDING]
    new_hold_id = ledger.record(drafts)[1]
    assert ledger.posted("city:clearing:BNI") == 135_000
    hold = Hold(new_hold_id, "ORD1", "V000001", "BNI", 135_000)
    ledger.record(completion(hold, 13_500, T0 + timedelta(days=2)))
    assert ledger.balances[payable].available(Side.CREDIT) == 121_500
    assert ledger.posted(COMMISSION_REVENUE.code) == 13_500
    plan = payout_batch(
        "V000001", "BNI", DAY, T0, [PayoutLine("ORD1", 149_310, 14_310, 13_500, 1_000)]
    )
    ledger.record(plan.drafts)
    assert plan.paid_out == plan.net == 121_500
    assert plan.commission == 13_500
    assert ledger.posted(payable) == 0
    assert ledger.posted("city:clearing:BNI") == 13_500


def test_the_hold_stops_a_payout_before_completion() -> None:
    ledger = FakeLedger()
    ledger.record(payment_received("ORD1", "V000001", "BNI", 50_000, T0, EXPIRES))
    early = payout_batch("V000001", "BNI", DAY, T0, [PayoutLine("ORD1", 50_000, 0, 5_000)])
    with pytest.raises(DomainError) as excinfo:
        ledger.record(early.drafts)
    assert excinfo.value.code == "insufficient_balance"


def test_netting_only_when_opted_in_and_only_up_to_the_payout() -> None:
    lines = [PayoutLine("ORD1", 100_000, 0, 10_000), PayoutLine("ORD2", 20_000, 5_000, 1_500)]
    with pytest.raises(DomainError) as excinfo:
        payout_batch("V000001", "BNI", DAY, T0, lines, arrears=[Arrear("PSR-GEDE", 1)])
    assert excinfo.value.code == "order.netting_not_opted_in"
    plan = payout_batch(
        "V000001",
        "BNI",
        DAY,
        T0,
        lines,
        net_arrears=True,
        arrears=[Arrear("PSR-GEDE", 60_000), Arrear("PSR-LEGI", 50_000)],
    )
    assert plan.net == 103_500
    assert plan.netted == (("PSR-GEDE", 60_000), ("PSR-LEGI", 43_500))
    assert plan.paid_out == 0
    assert [d.chain for d in plan.drafts] == ["PSR-GEDE", "PSR-LEGI"]
    assert plan.drafts[0].postings[1].account == "market:PSR-GEDE:receivable:V000001"


def test_refund_after_completion_gives_back_commission() -> None:
    draft = refund_after_completion("ORD1", "V000001", "BNI", 40_000, 4_000, T0)
    assert {(p.account, p.side, p.amount) for p in draft.postings} == {
        ("city:revenue:commission", Side.DEBIT, 4_000),
        ("vendor:V000001:payable", Side.DEBIT, 36_000),
        ("city:clearing:BNI", Side.CREDIT, 40_000),
    }


@pytest.mark.parametrize(
    ("build", "code"),
    [
        (lambda: payment_received("O", "V1", "BNI", 0, T0, EXPIRES), "amount_not_positive"),
        (lambda: payment_received("O", "V1", "BNI", 10, T0, T0), "order.ttl_invalid"),
        (
            lambda: refund_before_completion(Hold("E1", "O", "V1", "BNI", 10), 11, T0, EXPIRES),
            "order.refund_exceeds_hold",
        ),
        (
            lambda: completion(Hold("E1", "O", "V1", "BNI", 10), 11, T0),
            "order.commission_exceeds_amount",
        ),
        (lambda: payout_batch("V1", "BNI", DAY, T0, []), "order.payout_empty"),
        (
            lambda: payout_batch("V1", "BNI", DAY, T0, [PayoutLine("O", 10, 0, 0)] * 2),
            "order.payout_duplicate",
        ),
        (lambda: PayoutLine("O", 10, 6, 5), "order.payout_line_negative"),
        (lambda: refund_after_completion("O", "V1", "BNI", 10, 11, T0), "order.refund_invalid"),
        (lambda: payment_received("O", "v1", "BNI", 10, T0, EXPIRES), "account_code_invalid"),
    ],
)
def test_bad_plans_are_refused(build: object, code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        build()  # type: ignore[operator]
    assert excinfo.value.code == code


order_st = st.fixed_dictionaries(
    {
        "vendor": st.sampled_from(["V000001", "V000002", "V000003"]),
        "amount": st.integers(1, 5_000_000),
        "category": st.sampled_from(["sayur", "beras"]),
        "refund_cuts": st.lists(st.integers(1, 10_000), max_size=3),  # bps of what's left
        "complete": st.booleans(),
    }
)


@settings(max_examples=60, deadline=None)
@given(
    orders=st.lists(order_st, min_size=1, max_size=8),
    arrears=st.lists(st.integers(0, 2_000_000), min_size=3, max_size=3),
    opted_in=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_payouts_equal_completed_amounts_less_commission_and_refunds(
    orders: list[dict[str, object]], arrears: list[int], opted_in: list[bool]
) -> None:
    ledger = FakeLedger()
    lines: dict[str, list[PayoutLine]] = defaultdict(list)
    completed_gross = commissions = completed_refunds = 0
    for n, order in enumerate(orders):
        ref, vendor, amount = f"ORD{n}", str(order["vendor"]), int(order["amount"])  # type: ignore[call-overload]
        hold_id = ledger.record(payment_received(ref, vendor, "BNI", amount, T0, EXPIRES))[1]
        hold: Hold | None = Hold(hold_id, ref, vendor, "BNI", amount)
        refunded = 0
        for cut in order["refund_cuts"]:  # type: ignore[attr-defined]
            assert hold is not None
            refund = max(1, hold.amount * cut // 10_000)
            ids = ledger.record(refund_before_completion(hold, refund, T0, EXPIRES))
            refunded += refund
            rest = hold.amount - refund
            hold = Hold(ids[1], ref, vendor, "BNI", rest) if rest else None
            if hold is None:
                break
        if not order["complete"] or hold is None:
            continue  # still open, or fully refunded: nothing to pay out
        breakdown = commission_for(
            SCHEDULE,
            "PSR-GEDE",
            [CommissionLine("1", str(order["category"]), amount, refunded)],
        )
        ledger.record(completion(hold, breakdown.commission, T0))
        lines[vendor].append(PayoutLine(ref, amount, refunded, breakdown.commission))
        completed_gross += amount
        completed_refunds += refunded
        commissions += breakdown.commission

    paid = 0
    for v, (vendor, vendor_lines) in enumerate(sorted(lines.items())):
        plan = payout_batch(
            vendor,
            "BNI",
            DAY,
            T0,
            vendor_lines,
            net_arrears=opted_in[v],
            arrears=[Arrear("PSR-GEDE", arrears[v])] if opted_in[v] else [],
        )
        ledger.record(plan.drafts)
        paid += plan.paid_out + sum(amount for _, amount in plan.netted)
        # after its payout, a vendor's payable holds exactly its open orders' holds
        assert ledger.balances[f"vendor:{vendor}:payable"].available(Side.CREDIT) == 0

    assert paid == completed_gross - commissions - completed_refunds
    assert ledger.posted(COMMISSION_REVENUE.code) == commissions
    for vendor in ("V000001", "V000002", "V000003"):
        b = ledger.balances[f"vendor:{vendor}:payable"]
        assert b.posted(Side.CREDIT) == b.pending_debits  # only open orders remain, all held
