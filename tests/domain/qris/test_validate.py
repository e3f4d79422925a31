"""One case per rule: mutate a valid static payload, re-seal it with the independent assembler,
and expect exactly that finding (code, severity, path)."""

from __future__ import annotations

import pytest

from pasar_pay.domain.qris import Severity, validate
from tests.domain.qris.samples import Value, assemble, replace, static_elements

E, W = Severity.ERROR, Severity.WARNING
NATIONAL = [("00", "ID.CO.QRIS.WWW"), ("02", "ID1020304050607"), ("03", "URE")]


def findings(elements: list[tuple[str, Value]], **options: bool) -> set[tuple[str, str, str]]:
    return {(f.code, f.severity, f.path) for f in validate(assemble(elements), **options)}


def test_the_base_sample_is_clean() -> None:
    assert findings(static_elements()) == set()
    assert findings(static_elements(), retribution=True) == set()


CASES: list[tuple[str, Value | None, tuple[str, str, str]]] = [
    ("00", "02", ("qris.pfi_invalid", E, "00")),
    ("01", None, ("qris.poi_missing", E, "01")),
    ("01", "13", ("qris.poi_invalid", E, "01")),
    ("51", None, ("qris.national_missing", E, "51")),
    ("51", [("00", "ID.CO.XQRIS.WWW"), *NATIONAL[1:]], ("qris.national_guid", W, "51.00")),
    ("51", [NATIONAL[0], NATIONAL[2]], ("qris.nmid_missing", E, "51.02")),
    ("51", [NATIONAL[0], ("02", "ID102030405060"), NATIONAL[2]], ("qris.nmid_invalid", E, "51.02")),
    (
        "51",
        [NATIONAL[0], ("02", "IX1020304050607"), NATIONAL[2]],
        ("qris.nmid_invalid", E, "51.02"),
    ),
    (
        "51",
        [NATIONAL[0], ("02", "ID10203040506O7"), NATIONAL[2]],
        ("qris.nmid_invalid", E, "51.02"),
    ),
    ("51", NATIONAL[:2], ("qris.criteria_missing", W, "51.03")),
    ("51", [*NATIONAL[:2], ("03", "UMK")], ("qris.criteria_invalid", E, "51.03")),
    ("26", None, ("qris.account_missing", W, "26")),
    ("26", [("01", "9360011300000012345")], ("qris.guid_invalid", E, "26.00")),
    ("26", [("00", "id.co.bank.www")], ("qris.guid_invalid", E, "26.00")),
    (
        "26",
        [("00", "ID.CO.BANK.WWW"), ("01", "93600113000000123456")],
        ("qris.pan_invalid", E, "26.01"),
    ),
    ("26", [("00", "ID.CO.BANK.WWW"), ("01", "1234567890")], ("qris.pan_nns", W, "26.01")),
    (
        "26",
        [("00", "ID.CO.BANK.WWW"), ("02", "1234567890123456")],
        ("qris.merchant_id_invalid", E, "26.02"),
    ),
    ("26", [("00", "ID.CO.BANK.WWW"), ("03", "XXX")], ("qris.criteria_invalid", E, "26.03")),
    ("52", "939", ("qris.mcc_invalid", E, "52")),
    ("52", "93A9", ("qris.mcc_invalid", E, "52")),
    ("52", None, ("qris.mcc_invalid", E, "52")),
    ("53", "840", ("qris.currency_invalid", E, "53")),
    ("53", None, ("qris.currency_invalid", E, "53")),
    ("58", "MY", ("qris.country_invalid", E, "58")),
    ("59", None, ("qris.59_missing", E, "59")),
    ("59", "A" * 26, ("qris.too_long_value", E, "59")),
    ("59", "PASAR GÉDE", ("qris.charset", E, "59")),
    ("59", "PASAR\tGEDE", ("qris.charset", E, "59")),
    ("60", None, ("qris.60_missing", E, "60")),
    ("60", "KOTA SURAKARTA XX", ("qris.too_long_value", E, "60")),
    ("61", None, ("qris.postal_missing", W, "61")),
    ("61", "57111-12345", ("qris.too_long_value", E, "61")),
    ("62", [("05", "R" * 26)], ("qris.additional_invalid", E, "62.05")),
    ("62", [("09", "AX")], ("qris.additional_invalid", E, "62.09")),
    ("62", [("07", "Ä01")], ("qris.charset", E, "62.07")),
    ("64", [("01", "PASAR")], ("qris.language_invalid", E, "64.00")),
    ("64", [("00", "JV")], ("qris.language_invalid", E, "64.01")),
    ("64", [("00", "ID"), ("01", "P"), ("02", "K" * 16)], ("qris.language_invalid", E, "64.02")),
    ("54", "10000", ("qris.amount_on_static", W, "54")),
]


@pytest.mark.parametrize(("tag", "value", "expected"), CASES, ids=[c[2][0] for c in CASES])
def test_each_rule(tag: str, value: Value | None, expected: tuple[str, str, str]) -> None:
    assert findings(replace(static_elements(), tag, value)) == {expected}


def dynamic(amount: str | None) -> list[tuple[str, Value]]:
    return replace(replace(static_elements(), "01", "12"), "54", amount)


@pytest.mark.parametrize("amount", ["215670", "100003.00", "98.", "17000", "500000.00", "1"])
def test_valid_amounts(amount: str) -> None:
    assert findings(dynamic(amount)) == set()


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        ("0", "qris.amount_zero"),
        ("0.00", "qris.amount_zero"),
        ("-5", "qris.amount_format"),
        ("10,000", "qris.amount_format"),
        ("10.000,00", "qris.amount_format"),
        ("1e3", "qris.amount_format"),
        ("1.2.3", "qris.amount_format"),
        (".", "qris.amount_format"),
        ("12345678901234", "qris.amount_too_long"),
        ("10000001", "qris.amount_over_cap"),
        ("10000000.01", "qris.amount_over_cap"),
    ],
)
def test_invalid_amounts(amount: str, code: str) -> None:
    assert findings(dynamic(amount)) == {(code, E, "54")}


def test_cap_is_inclusive_and_three_decimals_warn() -> None:
    assert findings(dynamic("10000000")) == set()
    assert findings(dynamic("10.005")) == {("qris.amount_decimals", W, "54")}


def test_dynamic_requires_an_amount() -> None:
    assert findings(dynamic(None)) == {("qris.amount_missing", E, "54")}


def test_missing_01_is_not_silently_static() -> None:
    """Peer bug: no 01 read as static. With an amount it is neither 'static with amount'
    (warning) nor valid: the missing 01 is an error either way."""
    no_poi = replace(static_elements(), "01", None)
    assert ("qris.poi_missing", E, "01") in findings(no_poi)
    with_amount = replace(no_poi, "54", "5000")
    assert findings(with_amount) == {("qris.poi_missing", E, "01")}


TIPS = [
    ([("55", "01")], set()),
    ([("55", "02"), ("56", "2000")], set()),
    ([("55", "03"), ("57", "2.5")], set()),
    ([("55", "04")], {("qris.tip_invalid", E, "55")}),
    ([("55", "02")], {("qris.fee_invalid", E, "56")}),
    ([("55", "02"), ("56", "0")], {("qris.fee_invalid", E, "56")}),
    ([("55", "03"), ("57", "100")], {("qris.fee_invalid", E, "57")}),
    # Peer bug: a default `57=0` fee is emitted with no indicator.
    ([("57", "0")], {("qris.fee_orphan", E, "57")}),
    ([("55", "03"), ("57", "0")], {("qris.fee_invalid", E, "57")}),
    ([("56", "500")], {("qris.fee_orphan", E, "56")}),
]


@pytest.mark.parametrize(("tips", "expected"), TIPS)
def test_tip_rules_outside_retribution(
    tips: list[tuple[str, str]], expected: set[tuple[str, str, str]]
) -> None:
    elements = dynamic("5000")
    for tag, value in tips:
        elements = replace(elements, tag, value)
    assert findings(elements) == expected
    forbidden = {("qris.tip_forbidden", E, tag) for tag, _ in tips}
    assert findings(elements, retribution=True) == forbidden


def test_too_long_payload_is_a_warning() -> None:
    elements = [*static_elements(), *((f"{n:02d}", "X" * 99) for n in range(2, 7))]
    assert findings(elements) == {("qris.too_long", W, "")}


def test_unparseable_string_yields_one_error_finding_with_position() -> None:
    [finding] = validate("00020101021")
    assert (finding.code, finding.severity, finding.position) == ("qris.truncated", E, 6)
