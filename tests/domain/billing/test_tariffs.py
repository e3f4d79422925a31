"""Tariff versions, the book that picks one, and the Perda 5/2016 seed with its calibration."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.exact import round_half_up, to_fraction
from pasar_pay.domain.billing.tariffs import (
    PERDA_5_2016_FROM,
    MarketClass,
    StallType,
    TariffBook,
    TariffVersion,
    calibrate_from_monthly_bill,
    market_class_from_registry,
    perda_5_2016_tariffs,
)
from pasar_pay.domain.errors import Conflict, ValidationFailed

BASE = TariffVersion(
    market_class=MarketClass.IA,
    stall_type=StallType.PELATARAN,
    valid_from=date(2016, 8, 1),
    valid_to=date(2023, 12, 31),
    legal_basis="Perda 5/2016",
    service_per_m2_day=500,
    cleaning_per_m2_day=100,
    fixed_per_month=0,
    electricity_per_kwh=0,
    to_verify=False,
    note="",
)
SUCCESSOR = replace(
    BASE, valid_from=date(2024, 1, 1), valid_to=None, legal_basis="Perda PDRD 2024", to_verify=True
)


@pytest.mark.parametrize(
    ("market_class", "stall_type", "service", "cleaning", "fixed", "to_verify"),
    [
        (MarketClass.IA, StallType.PELATARAN, 500, 100, 0, False),
        (MarketClass.IB, StallType.PELATARAN, 500, 100, 0, False),
        (MarketClass.II, StallType.PELATARAN, 300, 100, 0, False),
        (MarketClass.IIB, StallType.PELATARAN, 300, 100, 0, False),
        (MarketClass.UNKNOWN, StallType.PELATARAN, 300, 100, 0, True),
        (MarketClass.IA, StallType.KIOS, 953, 100, 50, True),
        (MarketClass.IB, StallType.KIOS, 953, 100, 50, True),
        (MarketClass.II, StallType.KIOS, 698, 100, 210, True),
        (MarketClass.UNKNOWN, StallType.KIOS, 698, 100, 210, True),
        (MarketClass.IA, StallType.LOS, 500, 100, 0, True),
        (MarketClass.IIB, StallType.LOS, 300, 100, 0, True),
    ],
)
def test_perda_5_2016_seed(
    market_class: MarketClass,
    stall_type: StallType,
    service: int,
    cleaning: int,
    fixed: int,
    to_verify: bool,
) -> None:
    version = perda_5_2016_tariffs().in_force(market_class, stall_type, date(2022, 6, 1))
    assert (version.service_per_m2_day, version.cleaning_per_m2_day, version.fixed_per_month) == (
        service,
        cleaning,
        fixed,
    )
    assert version.to_verify is to_verify
    assert "5/2016" in version.legal_basis
    assert version.note


def test_seed_covers_every_class_and_type_and_nothing_before_the_perda() -> None:
    book = perda_5_2016_tariffs()
    assert len(book.versions()) == len(MarketClass) * len(StallType)
    with pytest.raises(ValidationFailed) as err:
        book.in_force(MarketClass.IA, StallType.KIOS, PERDA_5_2016_FROM.replace(day=1, month=7))
    assert err.value.code == "billing.tariff_missing"


@pytest.mark.parametrize(
    ("bill", "m2", "service", "fixed"),
    [(158_000, 5, 953, 50), (215_670, 9, 698, 210), (150_000, 5, 900, 0)],
)
def test_calibration_reproduces_the_bill_with_the_smallest_fixed_fee(
    bill: int, m2: int, service: int, fixed: int
) -> None:
    assert calibrate_from_monthly_bill(bill, StallArea.from_m2(m2)) == (service, fixed)
    assert (service + 100) * m2 * 30 + fixed == bill
    assert 0 <= fixed < m2 * 30


def test_book_picks_the_version_in_force_on_inclusive_boundaries() -> None:
    book = TariffBook([BASE, SUCCESSOR])
    assert book.in_force(MarketClass.IA, StallType.PELATARAN, date(2023, 12, 31)) is BASE
    assert book.in_force(MarketClass.IA, StallType.PELATARAN, date(2024, 1, 1)) is SUCCESSOR
    assert book.segments(
        MarketClass.IA, StallType.PELATARAN, date(2023, 12, 30), date(2024, 1, 2)
    ) == [
        (date(2023, 12, 30), date(2023, 12, 31), BASE),
        (date(2024, 1, 1), date(2024, 1, 2), SUCCESSOR),
    ]


@pytest.mark.parametrize(
    "clash",
    [
        replace(SUCCESSOR, valid_from=date(2023, 12, 31)),  # one shared day
        replace(SUCCESSOR, valid_from=date(2016, 1, 1), valid_to=date(2016, 8, 1)),
        replace(BASE, valid_from=date(2020, 1, 1), valid_to=None),  # open-ended inside
    ],
)
def test_overlapping_versions_are_refused_naming_both(clash: TariffVersion) -> None:
    with pytest.raises(Conflict) as err:
        TariffBook([BASE, clash])
    assert err.value.code == "billing.tariff_overlap"
    assert BASE.label() in err.value.message
    assert clash.label() in err.value.message


def test_same_dates_for_another_type_or_class_do_not_clash() -> None:
    book = TariffBook([BASE, replace(BASE, stall_type=StallType.LOS)])
    book = book.with_version(replace(BASE, market_class=MarketClass.II))
    assert len(book.versions()) == 3
    with pytest.raises(Conflict):
        book.with_version(BASE)


def test_gap_inside_a_range_is_refused() -> None:
    book = TariffBook([BASE, replace(SUCCESSOR, valid_from=date(2024, 2, 1))])
    with pytest.raises(ValidationFailed) as err:
        book.segments(MarketClass.IA, StallType.PELATARAN, date(2023, 12, 1), date(2024, 2, 5))
    assert err.value.details["on"] == "2024-01-01"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"service_per_m2_day": -1}, "billing.amount_negative"),
        ({"fixed_per_month": 1.5}, "billing.amount_not_integer"),
        ({"valid_to": date(2016, 7, 31)}, "billing.tariff_dates_invalid"),
        ({"legal_basis": " "}, "billing.tariff_legal_basis_missing"),
    ],
)
def test_invalid_versions_are_refused(kwargs: dict[str, object], code: str) -> None:
    with pytest.raises(ValidationFailed) as err:
        replace(BASE, **kwargs)  # type: ignore[arg-type]
    assert err.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("IA", MarketClass.IA),
        ("iib", MarketClass.IIB),
        ("unknown", MarketClass.UNKNOWN),
        ("", MarketClass.UNKNOWN),
        (None, MarketClass.UNKNOWN),
    ],
)
def test_registry_classes(raw: str | None, expected: MarketClass) -> None:
    assert market_class_from_registry(raw) is expected


def test_unrecognised_registry_class_is_refused_not_defaulted() -> None:
    with pytest.raises(ValidationFailed) as err:
        market_class_from_registry("III")
    assert err.value.code == "billing.market_class_unknown"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(5, 2), 3),
        (Fraction(3, 2), 2),
        (Fraction(149, 100), 1),
        (Fraction(0), 0),
        (Fraction(-5, 2), -3),
    ],
)
def test_round_half_up(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


@pytest.mark.parametrize("bad", [2.5, True, "abc", "NaN", Decimal("Infinity"), None])
def test_inexact_numbers_are_refused(bad: object) -> None:
    with pytest.raises(ValidationFailed) as err:
        to_fraction(bad, field="x")
    assert err.value.code == "billing.inexact_number"
