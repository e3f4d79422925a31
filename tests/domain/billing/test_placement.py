"""The SHP lifecycle: events, fees, history, and refused transitions naming the state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from pasar_pay.domain.billing.placement import (
    ShpEventKind,
    ShpFeeSchedule,
    ShpStatus,
    extend_shp,
    issue_shp,
    reregister_shp,
    revoke_shp,
    transfer_shp,
)
from pasar_pay.domain.errors import Conflict, ValidationFailed

FEES = ShpFeeSchedule(issue=100_000, extension=50_000, transfer=75_000, reregistration=25_000)
SHP = issue_shp(
    shp_number="SHP-MEBEL-017",
    stall_id="MBL-K-17",
    holder_id="V-ayah",
    effective_on=date(2020, 1, 1),
    valid_until=date(2022, 12, 31),
    fees=FEES,
)


def test_full_lifecycle_keeps_history_with_fees_and_dates() -> None:
    right = reregister_shp(SHP, on=date(2021, 1, 10), fees=FEES)
    right = extend_shp(right, on=date(2022, 12, 1), valid_until=date(2025, 12, 31), fees=FEES)
    right = transfer_shp(
        right, on=date(2023, 12, 1), to_holder_id="V-anak", fees=FEES, reason="waris"
    )
    right = revoke_shp(
        right, on=date(2024, 6, 1), reason="sealed after SP3", arrears_outstanding=431_340
    )
    assert [(e.kind, e.effective_on, e.holder_id, e.fee) for e in right.events] == [
        (ShpEventKind.ISSUED, date(2020, 1, 1), "V-ayah", 100_000),
        (ShpEventKind.REREGISTERED, date(2021, 1, 10), "V-ayah", 25_000),
        (ShpEventKind.EXTENDED, date(2022, 12, 1), "V-ayah", 50_000),
        (ShpEventKind.TRANSFERRED, date(2023, 12, 1), "V-anak", 75_000),
        (ShpEventKind.REVOKED, date(2024, 6, 1), "V-anak", 0),
    ]
    assert all(e.fee_to_verify for e in right.events[:-1])
    assert right.arrears_at_revocation == 431_340  # recorded as still due, not written off
    assert SHP.holder_id == "V-ayah"
    assert len(SHP.events) == 1


@pytest.mark.parametrize(
    ("day", "status"),
    [
        (date(2019, 12, 31), ShpStatus.NOT_YET),
        (date(2020, 1, 1), ShpStatus.ACTIVE),
        (date(2022, 12, 31), ShpStatus.ACTIVE),
        (date(2023, 1, 1), ShpStatus.EXPIRED),
    ],
)
def test_status_on_a_day(day: date, status: ShpStatus) -> None:
    assert SHP.status_on(day) is status


def test_expired_right_can_be_extended_late_but_not_transferred_or_reregistered() -> None:
    late = date(2023, 3, 1)
    operations: tuple[Callable[[], object], ...] = (
        lambda: transfer_shp(SHP, on=late, to_holder_id="V2", fees=FEES),
        lambda: reregister_shp(SHP, on=late, fees=FEES),
    )
    for operation in operations:
        with pytest.raises(Conflict) as err:
            operation()
        assert err.value.code == "billing.shp_invalid_transition"
        assert err.value.details["current_state"] == "expired"
    renewed = extend_shp(SHP, on=late, valid_until=date(2026, 2, 28), fees=FEES)
    assert renewed.status_on(late) is ShpStatus.ACTIVE


def test_nothing_happens_after_revocation() -> None:
    revoked = revoke_shp(SHP, on=date(2021, 5, 1), reason="abandoned", arrears_outstanding=0)
    assert revoked.status_on(date(2021, 5, 1)) is ShpStatus.REVOKED
    assert revoked.status_on(date(2021, 4, 30)) is ShpStatus.ACTIVE
    operations: tuple[Callable[[], object], ...] = (
        lambda: extend_shp(revoked, on=date(2021, 6, 1), valid_until=date(2030, 1, 1), fees=FEES),
        lambda: transfer_shp(revoked, on=date(2021, 6, 1), to_holder_id="V2", fees=FEES),
        lambda: reregister_shp(revoked, on=date(2021, 6, 1), fees=FEES),
        lambda: revoke_shp(revoked, on=date(2021, 6, 1), reason="again", arrears_outstanding=0),
    )
    for operation in operations:
        with pytest.raises(Conflict) as err:
            operation()
        assert err.value.details["current_state"] == "revoked"
        assert "revoked" in err.value.message


@pytest.mark.parametrize(
    ("operation", "code"),
    [
        (
            lambda: extend_shp(SHP, on=date(2021, 1, 1), valid_until=date(2022, 6, 1), fees=FEES),
            "billing.shp_validity_invalid",
        ),
        (
            lambda: transfer_shp(SHP, on=date(2021, 1, 1), to_holder_id="V-ayah", fees=FEES),
            "billing.shp_same_holder",
        ),
        (
            lambda: reregister_shp(SHP, on=date(2019, 6, 1), fees=FEES),
            "billing.shp_event_out_of_order",
        ),
        (
            lambda: revoke_shp(SHP, on=date(2021, 1, 1), reason=" ", arrears_outstanding=0),
            "billing.shp_reason_missing",
        ),
        (
            lambda: revoke_shp(SHP, on=date(2021, 1, 1), reason="x", arrears_outstanding=-5),
            "billing.amount_negative",
        ),
        (
            lambda: issue_shp(
                shp_number="S",
                stall_id="K",
                holder_id="V",
                effective_on=date(2022, 1, 2),
                valid_until=date(2022, 1, 1),
                fees=FEES,
            ),
            "billing.shp_validity_invalid",
        ),
        (
            lambda: issue_shp(
                shp_number=" ",
                stall_id="K",
                holder_id="V",
                effective_on=date(2022, 1, 1),
                valid_until=date(2022, 1, 1),
                fees=FEES,
            ),
            "billing.shp_field_missing",
        ),
        (
            lambda: ShpFeeSchedule(issue=-1, extension=0, transfer=0, reregistration=0),
            "billing.amount_negative",
        ),
    ],
)
def test_refusals(operation: Callable[[], object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        operation()
    assert err.value.code == code
