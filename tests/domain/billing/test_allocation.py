"""Payments and credit applied oldest bill first; the receivable/credit invariant."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.billing.allocation import (
    BillApplication,
    OpenBill,
    allocate_payment,
    apply_credit,
)
from pasar_pay.domain.errors import ValidationFailed

MAY = OpenBill("B-2022-05", date(2022, 6, 5), 215_670)
JUNE = OpenBill("B-2022-06", date(2022, 7, 5), 215_670)
JUNE_B = OpenBill("B-2022-06-b", date(2022, 7, 5), 10_000)  # same due date: id breaks the tie


@pytest.mark.parametrize(
    ("amount", "applied", "to_credit"),
    [
        (100_000, [("B-2022-05", 100_000, False)], 0),
        (215_670, [("B-2022-05", 215_670, True)], 0),
        (300_000, [("B-2022-05", 215_670, True), ("B-2022-06", 84_330, False)], 0),
        (
            450_000,
            [
                ("B-2022-05", 215_670, True),
                ("B-2022-06", 215_670, True),
                ("B-2022-06-b", 10_000, True),
            ],
            8_660,
        ),
    ],
)
def test_oldest_first_partial_and_overpayment(
    amount: int, applied: list[tuple[str, int, bool]], to_credit: int
) -> None:
    result = allocate_payment(amount, [JUNE_B, JUNE, MAY])  # order given does not matter
    assert result.applied == tuple(BillApplication(*a) for a in applied)
    assert (result.to_credit, result.from_credit) == (to_credit, 0)
    assert result.applied_total + result.to_credit == amount


def test_second_payment_for_a_settled_bill_becomes_credit() -> None:
    assert allocate_payment(215_670, []).to_credit == 215_670


def test_credit_is_applied_to_a_new_bill() -> None:
    result = apply_credit(50_000, [JUNE])
    assert result.applied == (BillApplication("B-2022-06", 50_000, False),)
    assert (result.from_credit, result.to_credit) == (50_000, 0)
    assert apply_credit(300_000, [JUNE]).from_credit == 215_670
    assert apply_credit(0, [JUNE]).applied == ()


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (lambda: allocate_payment(0, [MAY]), "amount_not_positive"),
        (lambda: allocate_payment(1.5, [MAY]), "amount_not_integer"),  # type: ignore[arg-type]
        (lambda: allocate_payment(10, [MAY, MAY]), "billing.allocation_duplicate_bill"),
        (lambda: apply_credit(-1, [MAY]), "billing.credit_negative"),
        (lambda: OpenBill("x", date(2022, 1, 1), 0), "amount_not_positive"),
    ],
)
def test_refusals(call: Callable[[], object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        call()
    assert err.value.code == code


events = st.lists(
    st.one_of(
        st.tuples(st.just("bill"), st.integers(1, 500_000), st.integers(0, 60)),
        st.tuples(st.just("pay"), st.integers(1, 800_000), st.just(0)),
    ),
    max_size=30,
)


@given(events)
def test_billed_minus_paid_equals_receivable_minus_credit(
    sequence: list[tuple[str, int, int]],
) -> None:
    open_bills: dict[str, OpenBill] = {}
    credit = billed = paid = 0
    for n, (kind, amount, due_offset) in enumerate(sequence):
        if kind == "bill":
            billed += amount
            bill = OpenBill(f"B{n:03d}", date(2022, 1, 1) + timedelta(days=due_offset), amount)
            open_bills[bill.bill_id] = bill
            result = apply_credit(credit, list(open_bills.values()))
            credit -= result.from_credit
        else:
            paid += amount
            result = allocate_payment(amount, list(open_bills.values()))
            credit += result.to_credit
            assert result.applied_total + result.to_credit == amount
        ordered = sorted(open_bills.values(), key=lambda b: (b.due, b.bill_id))
        touched = [a.bill_id for a in result.applied]
        assert touched == [b.bill_id for b in ordered[: len(touched)]]  # oldest first
        assert all(a.settles for a in result.applied[:-1])  # only the last can be partial
        for app in result.applied:
            bill = open_bills[app.bill_id]
            assert 0 < app.amount <= bill.open_amount
            assert app.settles == (app.amount == bill.open_amount)
            if app.settles:
                del open_bills[app.bill_id]
            else:
                open_bills[app.bill_id] = OpenBill(
                    bill.bill_id, bill.due, bill.open_amount - app.amount
                )
        assert credit >= 0
        assert credit == 0 or not open_bills  # credit never sits beside an open bill
        receivable = sum(b.open_amount for b in open_bills.values())
        assert billed - paid == receivable - credit
