"""VA numbers: compose/parse, padding tolerance, Luhn typo protection."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.errors import SnapError
from pasar_pay.domain.snap.virtual_account import (
    CustomerNoLayout,
    VirtualAccount,
    luhn_check_digit,
    luhn_valid,
    parse_virtual_account,
)


def test_shapes() -> None:
    va = VirtualAccount("12345", "0101000123")
    assert va.padded == "   123450101000123"
    assert va.digits == "123450101000123"
    assert va.padded_partner_service_id == "   12345"


@pytest.mark.parametrize(
    ("psid", "va_no"),
    [
        ("   12345", "   123450101000123"),
        ("00012345", "000123450101000123"),
        ("00012345", "   123450101000123"),  # mixed padding between the two fields
        ("12345", "123450101000123"),
        ("   12345", "123450101000123"),
    ],
)
def test_parse_accepts_space_or_zero_padding(psid: str, va_no: str) -> None:
    va = parse_virtual_account(psid, "0101000123", va_no)
    assert va == VirtualAccount("12345", "0101000123")


@pytest.mark.parametrize(
    ("psid", "cust", "va_no", "field", "response"),
    [
        ("   12345", "0101000123", "   123450101000124", "virtualAccountNo", "4002401"),
        ("   12345", "0101000123", "   543210101000123", "virtualAccountNo", "4002401"),
        ("   12345", "0101000123", "0101000123", "virtualAccountNo", "4002401"),
        ("  1 2345", "0101000123", "  1 23450101000123", "partnerServiceId", "4002401"),
        ("123456789", "0101000123", "1234567890101000123", "partnerServiceId", "4002401"),
        ("   12345", "01010A0123", "   1234501010A0123", "customerNo", "4002401"),
        ("   12345", "0" * 21, "   12345" + "0" * 21, "customerNo", "4002401"),
        ("00000000", "0101000123", "000000000101000123", "partnerServiceId", "4002401"),
        ("", "0101000123", "0101000123", "partnerServiceId", "4002402"),
        ("   12345", None, "   12345", "customerNo", "4002402"),
        ("   12345", 101000123, "   12345101000123", "customerNo", "4002401"),
    ],
)
def test_parse_errors_name_the_field(
    psid: str, cust: object, va_no: str, field: str, response: str
) -> None:
    with pytest.raises(SnapError) as info:
        parse_virtual_account(psid, cust, va_no)
    assert info.value.field == field
    assert info.value.status(ServiceCode.VA_INQUIRY).code == response


def test_luhn_known_values() -> None:
    assert luhn_check_digit("7992739871") == "3"  # the textbook example
    assert luhn_valid("79927398713")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("7")
    assert not luhn_valid("12a4")


def test_layout() -> None:
    layout = CustomerNoLayout(length=10, prefix="01")
    number = layout.customer_no(123)
    assert number == "0100001239"  # by hand: 6+2+2+1 = 11 -> check digit 9
    assert len(number) == 10
    assert layout.owns(number)
    assert not layout.owns("02" + number[2:])
    assert layout.capacity == 10**7
    with pytest.raises(ValueError, match="does not fit"):
        layout.customer_no(10**7)
    with pytest.raises(ValueError, match="room"):
        CustomerNoLayout(length=3, prefix="01")


@given(st.integers(0, 10**7 - 1), st.data())
def test_luhn_catches_every_single_digit_typo(sequence: int, data: st.DataObject) -> None:
    number = CustomerNoLayout(length=10, prefix="01").customer_no(sequence)
    position = data.draw(st.integers(0, len(number) - 1))
    for wrong in "0123456789":
        if wrong != number[position]:
            typo = number[:position] + wrong + number[position + 1 :]
            assert not luhn_valid(typo)


@given(
    st.from_regex(r"[1-9][0-9]{0,7}", fullmatch=True),
    st.from_regex(r"[0-9]{1,20}", fullmatch=True),
)
def test_compose_parse_round_trip(psid: str, cust: str) -> None:
    va = VirtualAccount(psid, cust)
    assert len(va.padded) == 8 + len(cust)
    assert parse_virtual_account(va.padded_partner_service_id, cust, va.padded) == va
    zero_padded = psid.rjust(8, "0")
    assert parse_virtual_account(zero_padded, cust, zero_padded + cust) == va
    assert va.padded.replace(" ", "") == va.digits
