"""Cross-check against qriskit (an independent implementation, test-only dependency).

Agreement is tested where both follow qris.md. Documented differences, each tested below:
- qriskit's `parse` accepts a payload cut at an element boundary (no 63) and only `validate`
  reports it; ours refuses at parse (`qris.crc_missing`). Both refuse to convert it.
- qriskit accepts `Decimal`/`str` amounts with decimals; ours accepts `int` rupiah only.
- qriskit's `to_dynamic` can add a tip and does not validate its result; ours never adds
  55-57 and validates (with `retribution=True`) before returning.
- qriskit rates a missing national template 51 a warning; qris.md requires 51: ours errors.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
import qriskit
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.qris import (
    MerchantData,
    QrisBuildError,
    QrisParseError,
    build,
    parse,
    to_dynamic,
    validate,
)
from tests.domain.qris.samples import ans, assemble, merchants, replace, static_elements


def qriskit_errors(payload: str) -> list[str]:
    return [i.code for i in qriskit.validate(payload) if i.severity == "error"]


@settings(max_examples=80, deadline=None)
@given(merchants)
def test_qriskit_parses_our_output_without_errors(merchant: MerchantData) -> None:
    payload = build(merchant)
    assert qriskit_errors(payload) == []
    q = qriskit.parse(payload)
    assert (q.merchant_name, q.merchant_city, q.nmid) == (
        merchant.name,
        merchant.city,
        merchant.nmid,
    )


@settings(max_examples=80, deadline=None)
@given(merchants, st.integers(min_value=1, max_value=10_000_000), ans(25), st.randoms())
def test_same_conversion_as_qriskit(
    merchant: MerchantData, amount: int, reference: str, rnd: random.Random
) -> None:
    """Including sources whose middle elements arrive out of order."""
    tree = parse(build(dataclasses.replace(merchant, amount=None)))
    middle = [(e.tag, e.value) for e in tree if e.tag not in ("00", "63")]
    rnd.shuffle(middle)
    source = assemble([("00", "01"), *middle])
    try:
        ours = to_dynamic(source, amount=amount, reference=reference)
    except QrisBuildError as exc:
        assert exc.code == "qris.value_length"  # template 62 overfull; qriskit raises too
        with pytest.raises(ValueError, match="99"):
            qriskit.parse(source).to_dynamic(amount, reference=reference)
        return
    theirs = str(qriskit.parse(source).to_dynamic(amount, reference=reference))
    assert ours == theirs


@pytest.mark.parametrize("name", ["TOKO 5802ID", "KEDAI 010211"])
def test_same_conversion_for_tag_like_names_missing_01_and_tips(name: str) -> None:
    sources = [
        assemble(static_elements(name)),
        assemble(replace(static_elements(name), "01", None)),
        assemble(replace(replace(static_elements(name), "55", "02"), "56", "1000")),
    ]
    for source in sources:
        ours = to_dynamic(source, amount=215670, reference="RET-1", retribution=False)
        assert ours == str(qriskit.parse(source).to_dynamic(215670, reference="RET-1"))


def test_difference_truncated_payload() -> None:
    payload = assemble(static_elements())
    cut = payload[: payload.index("6304")]
    qriskit.parse(cut)  # qriskit: a partial tree; only validate says crc.missing
    assert "crc.missing" in qriskit_errors(cut)
    with pytest.raises(QrisParseError) as info:
        parse(cut)
    assert info.value.code == "qris.crc_missing"


def test_difference_missing_national_template() -> None:
    payload = assemble(replace(static_elements(), "51", None))
    assert qriskit_errors(payload) == []
    assert "qris.national_missing" in {f.code for f in validate(payload)}


def test_difference_decimal_amounts() -> None:
    source = assemble(static_elements())
    assert qriskit.parse(source).to_dynamic("1500.50").amount is not None
    with pytest.raises(QrisBuildError):
        to_dynamic(source, amount="1500.50", reference="R1")  # type: ignore[arg-type]
