"""Static -> dynamic on the tree, following qris.md step by step."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.qris import (
    AdditionalData,
    MerchantData,
    QrisBuildError,
    QrisInvalid,
    build,
    parse,
    to_dynamic,
    to_merchant_data,
    validate,
)
from tests.domain.qris.samples import ans, assemble, merchants, replace, static_elements


def test_sets_01_inserts_54_in_order_and_adds_reference() -> None:
    source = assemble(static_elements())
    result = parse(to_dynamic(source, amount=215670, reference="RET-2026-11-0042"))
    assert result.get("01") == "12"
    assert result.get("54") == "215670"
    assert result.get("62.05") == "RET-2026-11-0042"
    assert result.get("62.07") == "A01"  # other 62 sub-tags kept
    tags = result.tags()
    assert tags.index("53") < tags.index("54") < tags.index("58")
    assert validate(result, retribution=True) == []


@pytest.mark.parametrize(
    "name", ["TOKO 5802ID", "KEDAI 010211", "WARUNG 6304ABCD", "54041000 SOTO"]
)
def test_merchant_names_that_look_like_tags_survive(name: str) -> None:
    """Peer bug: string replacement (`replace("010211", "010212")`, `"5802ID"` as an anchor)."""
    source = assemble(static_elements(name))
    result = to_dynamic(source, amount=5000, reference="R1")
    assert parse(result).get("59") == name
    assert name in result


def test_refuses_a_source_with_a_bad_crc() -> None:
    """Recomputing the CRC of a tampered source would launder the tampering."""
    source = assemble(static_elements("PASAR GEDE"))
    tampered = source.replace("PASAR GEDE", "PASAR GEDF")
    with pytest.raises(QrisInvalid) as info:
        to_dynamic(tampered, amount=5000, reference="R1")
    assert info.value.code == "qris.source_crc"
    with pytest.raises(QrisInvalid):
        to_dynamic(source[:-4] + "ZZZZ", amount=5000, reference="R1")


def test_inserts_01_after_00_when_missing() -> None:
    source = assemble(replace(static_elements(), "01", None))
    result = parse(to_dynamic(source, amount=5000, reference="R1"))
    assert result.tags()[:2] == ["00", "01"]
    assert result.get("01") == "12"


def test_drops_54_to_57_and_replaces_an_old_reference() -> None:
    elements = replace(static_elements(), "55", "02")
    elements = replace(replace(elements, "56", "1000"), "54", "9999")
    elements = replace(elements, "62", [("01", "OLD-BILL"), ("05", "OLD"), ("07", "A01")])
    result = parse(to_dynamic(assemble(elements), amount=5000, reference="NEW"))
    assert {"55", "56", "57"}.isdisjoint(result.tags())
    assert result.get("54") == "5000"
    children = result.element("62").children  # type: ignore[union-attr]
    assert [(c.tag, c.value) for c in children or ()] == [
        ("01", "OLD-BILL"),
        ("05", "NEW"),
        ("07", "A01"),
    ]


def test_creates_62_before_64_when_absent() -> None:
    elements = [*replace(static_elements(), "62", None), ("64", [("00", "JV"), ("01", "Pasar")])]
    result = parse(to_dynamic(assemble(elements), amount=5000, reference="R1"))
    assert result.tags()[-3:] == ["62", "64", "63"]


@pytest.mark.parametrize("amount", [5000.0, "5000", "Rp 5.000", 0, 10_000_001, True])
def test_amount_must_be_int_rupiah(amount: object) -> None:
    with pytest.raises(QrisBuildError):
        to_dynamic(assemble(static_elements()), amount=amount, reference="R1")  # type: ignore[arg-type]


@pytest.mark.parametrize("reference", ["", "R" * 26, "RÉF", None])
def test_reference_must_fit_62_05(reference: object) -> None:
    with pytest.raises(QrisBuildError) as info:
        to_dynamic(assemble(static_elements()), amount=5000, reference=reference)  # type: ignore[arg-type]
    assert info.value.code == "qris.reference"


def test_result_is_validated() -> None:
    """A source with a broken rule (MCC) yields no half-valid dynamic QR."""
    source = assemble(replace(static_elements(), "52", "93"))
    with pytest.raises(QrisInvalid) as info:
        to_dynamic(source, amount=5000, reference="R1")
    assert info.value.code == "qris.conversion_invalid"
    assert [f.code for f in info.value.findings] == ["qris.mcc_invalid"]


def test_62_that_would_overflow_99_characters_is_refused() -> None:
    full = [(f"{n:02d}", "X" * 16) for n in (1, 2, 3, 4)] + [("06", "Y" * 10)]
    source = assemble(replace(static_elements(), "62", full))
    with pytest.raises(QrisBuildError) as info:
        to_dynamic(source, amount=5000, reference="R" * 25)
    assert info.value.code == "qris.value_length"


@settings(max_examples=80, deadline=None)
@given(merchants, st.integers(min_value=1, max_value=10_000_000), ans(25))
def test_converter_never_alters_merchant_fields(
    merchant: MerchantData, amount: int, reference: str
) -> None:
    static = dataclasses.replace(merchant, amount=None)
    try:
        result = to_dynamic(build(static), amount=amount, reference=reference)
    except QrisBuildError as exc:  # only an overfull template 62 may refuse
        assert exc.code == "qris.value_length"
        return
    decoded = to_merchant_data(result)
    extra = static.additional or AdditionalData()
    expected = dataclasses.replace(
        static, amount=amount, additional=dataclasses.replace(extra, reference_label=reference)
    )
    assert decoded == expected
