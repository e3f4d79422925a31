"""Builder: typed data -> payload, amounts from int rupiah only, and its inverse."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings

from pasar_pay.domain.qris import (
    LanguageTemplate,
    MerchantAccount,
    MerchantData,
    QrisBuildError,
    QrisInvalid,
    build,
    demo_merchant,
    format_amount,
    parse,
    render,
    to_merchant_data,
    validate,
)
from tests.domain.qris.samples import assemble, merchants, replace, static_elements

BASE = demo_merchant("PSR-LEGI").merchant


def with_(merchant: MerchantData, **changes: object) -> MerchantData:
    return dataclasses.replace(merchant, **changes)  # type: ignore[arg-type]


@settings(max_examples=150, deadline=None)
@given(merchants)
def test_round_trip_data_and_text(merchant: MerchantData) -> None:
    """Includes arbitrary Unicode in template 64; everything else ASCII."""
    payload = build(merchant)
    assert to_merchant_data(payload) == merchant
    assert render(parse(payload)) == payload
    assert [f for f in validate(payload, retribution=True) if f.severity == "error"] == []
    tags = parse(payload).tags()
    assert tags[0] == "00"
    assert tags[-1] == "63"
    assert tags[1:-1] == sorted(tags[1:-1])


def test_rp_215_670_is_written_215670() -> None:
    payload = build(with_(BASE, amount=215670))
    tree = parse(payload)
    assert tree.get("54") == "215670"
    assert tree.get("01") == "12"
    assert "215.670" not in payload


@pytest.mark.parametrize(
    ("amount", "code"),
    [
        (215670.0, "qris.amount_type"),
        (215.67, "qris.amount_type"),
        ("215.670", "qris.amount_type"),
        ("Rp 215.670", "qris.amount_type"),
        ("215670", "qris.amount_type"),
        (Decimal("215670"), "qris.amount_type"),
        (True, "qris.amount_type"),
        (0, "qris.amount_range"),
        (-5, "qris.amount_range"),
        (10_000_001, "qris.amount_over_cap"),
    ],
)
def test_amount_refusals(amount: object, code: str) -> None:
    """Peer bug: amounts from floats or locale strings (Rp 215.670 -> 215.67)."""
    with pytest.raises(QrisBuildError) as info:
        format_amount(amount)  # type: ignore[arg-type]
    assert info.value.code == code
    with pytest.raises(QrisBuildError):
        build(with_(BASE, amount=amount))


def test_static_has_no_amount_and_no_tip_tags() -> None:
    """Peer bug: a default `57=0` fee."""
    tree = parse(build(BASE))
    assert tree.get("01") == "11"
    assert {"54", "55", "56", "57"}.isdisjoint(tree.tags())


def test_non_ascii_outside_template_64_is_refused() -> None:
    with pytest.raises(QrisInvalid) as info:
        build(with_(BASE, name="PASAR GÉDE"))
    assert [f.code for f in info.value.findings] == ["qris.charset"]
    ok = build(with_(BASE, language=LanguageTemplate(language="JV", name="Pasar Gédé")))
    assert parse(ok).get("64.01") == "Pasar Gédé"


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": "N" * 26}, "qris.build_invalid"),
        ({"nmid": "ID123"}, "qris.build_invalid"),
        ({"mcc": "93"}, "qris.build_invalid"),
        ({"name": ""}, "qris.value_length"),
        ({"city": 5}, "qris.field_type"),
        ({"criteria": "XYZ"}, "qris.criteria"),
        ({"accounts": ()}, "qris.accounts"),
        ({"accounts": (MerchantAccount(tag="51", guid="ID.CO.X"),)}, "qris.accounts"),
    ],
)
def test_bad_fields_are_refused_with_a_code(changes: dict[str, object], code: str) -> None:
    with pytest.raises((QrisBuildError, QrisInvalid)) as info:
        build(with_(BASE, **changes))
    assert info.value.code == code


def test_two_accounts_are_emitted_in_ascending_order() -> None:
    second = MerchantAccount(tag="27", guid="ID.CO.BNI.WWW", pan="9360000900000000001")
    merchant = with_(BASE, accounts=(second, *BASE.accounts))
    tags = parse(build(merchant)).tags()
    assert tags.index("26") < tags.index("27") < tags.index("51")


def test_decoding_reads_acquirer_decimal_amount_as_whole_rupiah() -> None:
    payload = assemble(replace(replace(static_elements(), "01", "12"), "54", "500000.00"))
    assert to_merchant_data(payload).amount == 500000


def test_decoding_refuses_a_fractional_amount() -> None:
    """`215.670` on the wire is Rp 215.67; it cannot be whole rupiah."""
    payload = assemble(replace(replace(static_elements(), "01", "12"), "54", "215.670"))
    with pytest.raises(QrisInvalid) as info:
        to_merchant_data(payload)
    assert info.value.code == "qris.amount_fraction"


def test_decoding_verifies_the_crc_first() -> None:
    payload = assemble(static_elements("PASAR GEDE"))
    with pytest.raises(QrisInvalid) as info:
        to_merchant_data(payload.replace("PASAR GEDE", "PASAR GEDF"))
    assert [f.code for f in info.value.findings] == ["qris.crc_mismatch"]


def test_strict_decoding_refuses_what_it_would_drop() -> None:
    payload = assemble(replace(static_elements(), "62", [("07", "A01"), ("09", "ME")]))
    with pytest.raises(QrisInvalid) as info:
        to_merchant_data(payload)
    assert info.value.details["paths"] == ["62.09"]
    assert to_merchant_data(payload, strict=False).additional.terminal_label == "A01"  # type: ignore[union-attr]
