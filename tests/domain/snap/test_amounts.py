"""SNAP amount strings <-> int rupiah, strictly."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.snap.amounts import (
    MAX_RUPIAH,
    format_amount,
    format_value,
    parse_amount,
    parse_amount_sen,
    parse_value,
)
from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.errors import SnapError


def test_format_and_parse() -> None:
    assert format_amount(215670) == {"value": "215670.00", "currency": "IDR"}
    assert format_value(0) == "0.00"
    assert parse_amount({"value": "215670.00", "currency": "IDR"}, field="paidAmount") == 215670
    assert parse_value("0.00", field="x") == 0
    assert parse_amount_sen({"value": "647.01", "currency": "IDR"}, field="feeAmount") == 64701


@pytest.mark.parametrize("bad", [-1, True, 1.0, MAX_RUPIAH + 1])
def test_format_refuses_what_we_never_bill(bad: Any) -> None:
    with pytest.raises((TypeError, ValueError)):
        format_value(bad)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (215670.0, "snap_amount_not_string"),
        (215670, "snap_amount_not_string"),
        ("215,670.00", "snap_amount_format"),
        ("215.670,00", "snap_amount_format"),
        ("215670", "snap_amount_format"),
        ("215670.0", "snap_amount_format"),
        ("215670.000", "snap_amount_format"),
        ("-100.00", "snap_amount_format"),
        ("+100.00", "snap_amount_format"),
        ("1e5", "snap_amount_format"),
        ("2.1567E5", "snap_amount_format"),
        ("0100.00", "snap_amount_format"),
        (" 100.00", "snap_amount_format"),
        ("١٠٠.٠٠", "snap_amount_format"),  # Arabic-Indic digits pass str.isdigit, not us
        ("10000000000000.00", "snap_amount_format"),  # 17 characters
    ],
)
def test_format_errors_are_case_01(value: object, code: str) -> None:
    with pytest.raises(SnapError) as info:
        parse_amount({"value": value, "currency": "IDR"}, field="paidAmount")
    assert info.value.code == code
    status = info.value.status(ServiceCode.VA_PAYMENT)
    assert (status.code, status.message) == ("4002501", "Invalid Field Format paidAmount.value")


def test_sen_on_a_rupiah_amount_is_invalid_amount() -> None:
    with pytest.raises(SnapError) as info:
        parse_amount({"value": "100.50", "currency": "IDR"}, field="paidAmount")
    assert info.value.code == "snap_amount_fractional_rupiah"
    assert info.value.status(ServiceCode.VA_PAYMENT).code == "4042513"


@pytest.mark.parametrize(
    ("obj", "code", "response"),
    [
        ({"value": "1.00", "currency": "USD"}, "snap_amount_currency", "4002501"),
        ({"value": "1.00", "currency": "idr"}, "snap_amount_currency", "4002501"),
        ({"value": "1.00"}, "snap_field_missing", "4002502"),
        ({"currency": "IDR"}, "snap_field_missing", "4002502"),
        ({"value": "", "currency": "IDR"}, "snap_field_missing", "4002502"),
        (None, "snap_field_missing", "4002502"),
        ("215670.00", "snap_amount_not_object", "4002501"),
    ],
)
def test_object_errors(obj: object, code: str, response: str) -> None:
    with pytest.raises(SnapError) as info:
        parse_amount(obj, field="paidAmount")
    assert info.value.code == code
    assert info.value.status(ServiceCode.VA_PAYMENT).code == response


@given(st.integers(min_value=0, max_value=MAX_RUPIAH))
def test_round_trip(rupiah: int) -> None:
    wire = format_amount(rupiah)
    assert wire["value"].endswith(".00")
    assert parse_amount(wire, field="amount") == rupiah
    assert parse_amount_sen(wire, field="amount") == rupiah * 100
