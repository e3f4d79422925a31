"""Cash-order commission owed by a vendor is settled from the next payout, before arrears."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.ledger import Side
from pasar_pay.domain.orders.payout import Arrear, PayoutLine, payout_batch

AT = datetime(2026, 11, 3, 10, tzinfo=UTC)


def test_commission_due_comes_first_then_arrears_then_the_transfer() -> None:
    lines = [PayoutLine("ORD-1", 10_000, 0, 1_000)]
    plan = payout_batch(
        "V000001",
        "BNI",
        date(2026, 11, 3),
        AT,
        lines,
        net_arrears=True,
        arrears=[Arrear("PSR-GEDE", 5_000)],
        commission_due=2_000,
    )
    assert plan.commission_due_taken == 2_000
    assert plan.netted == (("PSR-GEDE", 5_000),)
    assert plan.paid_out == 2_000
    credited = [p.account for d in plan.drafts for p in d.postings if p.side is Side.CREDIT]
    assert credited == [
        "vendor:V000001:commission-due",
        "market:PSR-GEDE:receivable:V000001",
        "city:clearing:BNI",
    ]


@given(
    nets=st.lists(st.integers(1, 200_000), min_size=1, max_size=5),
    due=st.integers(0, 500_000),
    arrear=st.integers(0, 500_000),
)
def test_a_payout_never_takes_more_than_it_pays(nets: list[int], due: int, arrear: int) -> None:
    lines = [PayoutLine(f"ORD-{i}", n, 0, 0) for i, n in enumerate(nets)]
    plan = payout_batch(
        "V000001",
        "BNI",
        date(2026, 11, 3),
        AT,
        lines,
        net_arrears=True,
        arrears=[Arrear("PSR-GEDE", arrear)],
        commission_due=due,
    )
    taken = plan.commission_due_taken + sum(a for _, a in plan.netted)
    assert plan.paid_out >= 0
    assert taken + plan.paid_out == sum(nets)
    assert plan.commission_due_taken == min(due, sum(nets))
    debited = sum(p.amount for d in plan.drafts for p in d.postings if p.side is Side.DEBIT)
    assert debited == sum(nets)
