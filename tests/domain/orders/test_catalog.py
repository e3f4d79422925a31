"""Catalog validation: units, weights, tolerances, photos, reference prices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from pasar_pay.domain.errors import DomainError, NotFound
from pasar_pay.domain.orders.catalog import (
    PricingUnit,
    Product,
    ReferencePrice,
    ReferencePriceBook,
    Stock,
    StockMode,
    WeightTolerance,
    index_products,
    require_quantity,
    validate_photo_url,
)
from tests.domain.orders.samples import BAYAM, BERAS, CABAI, DAGING


def _code(excinfo: pytest.ExceptionInfo[DomainError]) -> str:
    return excinfo.value.code


@pytest.mark.parametrize(
    ("product", "kwargs", "code"),
    [
        (BAYAM, {"count": 0}, "order.quantity_not_positive"),
        (BAYAM, {"count": -2}, "order.quantity_not_positive"),
        (BAYAM, {"count": 1.5}, "order.quantity_not_integer"),
        (BAYAM, {"count": True}, "order.quantity_not_integer"),
        (BAYAM, {"grams": 500}, "order.weight_wrong_unit"),
        (BAYAM, {}, "order.quantity_missing"),
        (CABAI, {"count": 2}, "order.quantity_wrong_unit"),
        (CABAI, {"grams": 0}, "order.quantity_not_positive"),
        (CABAI, {"grams": -100}, "order.quantity_not_positive"),
        (CABAI, {"grams": 2_000_000}, "order.quantity_too_large"),
        (CABAI, {"grams": 100, "count": 1}, "order.quantity_ambiguous"),
        (CABAI, {}, "order.quantity_missing"),
    ],
)
def test_bad_quantities_are_refused_with_a_stable_code(
    product: Product, kwargs: dict[str, object], code: str
) -> None:
    with pytest.raises(DomainError) as excinfo:
        require_quantity(product, **kwargs)
    assert _code(excinfo) == code


def test_good_quantities() -> None:
    assert require_quantity(BAYAM, count=3).amount == 3
    assert require_quantity(CABAI, grams=250).grams == 250


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"price": 0}, "order.price_not_positive"),
        ({"price": -500}, "order.price_not_positive"),
        ({"price": 1.5}, "order.price_not_integer"),
        ({"tolerance": None}, "order.tolerance_required"),
        ({"unit": PricingUnit.PIECE}, "order.tolerance_wrong_unit"),
        ({"name": " "}, "order.product_invalid"),
        ({"category": ""}, "order.product_invalid"),
        ({"photo_urls": ("http://img.example/cabai.jpg",)}, "order.photo_url_not_https"),
        ({"photo_urls": ("https://img.example/x.jpg",) * 9}, "order.too_many_photos"),
    ],
)
def test_bad_products_are_refused(changes: dict[str, object], code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        replace(CABAI, **changes)  # type: ignore[arg-type]
    assert _code(excinfo) == code


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({}, "order.tolerance_invalid"),
        ({"grams": 10, "bps": 100}, "order.tolerance_invalid"),
        ({"grams": -1}, "order.quantity_negative"),
        ({"bps": 10_001}, "order.rate_invalid"),
        ({"bps": -5}, "order.rate_invalid"),
    ],
)
def test_bad_tolerances(kwargs: dict[str, int], code: str) -> None:
    with pytest.raises(DomainError) as excinfo:
        WeightTolerance(**kwargs)
    assert _code(excinfo) == code


def test_tolerance_in_bps_rounds_up_to_the_gram() -> None:
    assert WeightTolerance(bps=1_000).grams_for(1_005) == 101  # 100.5 g -> 101 g
    assert WeightTolerance(bps=1_000).grams_for(1_000) == 100
    assert WeightTolerance(grams=50).grams_for(1_000) == 50


def test_stock_modes() -> None:
    assert Stock.counted(0).on_hand == 0
    assert Stock.available_today().mode is StockMode.AVAILABLE_TODAY
    with pytest.raises(DomainError, match="negative"):
        Stock.counted(-1)
    with pytest.raises(DomainError):
        Stock(StockMode.AVAILABLE_TODAY, 5)


@pytest.mark.parametrize(
    "url",
    [
        "http://cdn.example/a.jpg",
        "ftp://cdn.example/a.jpg",
        "javascript:alert(1)",
        "https:///nohost.jpg",
        "https://user:pw@cdn.example/a.jpg",
        "https://cdn.example/a b.jpg",
        "https://cdn.example:99999/a.jpg",
        "//cdn.example/a.jpg",
        "",
        "https://cdn.example/" + "a" * 2_100,
        42,
    ],
)
def test_photo_urls_must_be_https_with_a_host(url: object) -> None:
    with pytest.raises(DomainError) as excinfo:
        validate_photo_url(url)
    assert _code(excinfo).startswith("order.photo_url")


def test_a_good_photo_url_is_kept() -> None:
    url = "https://cdn.pasarpay.example/p/cabai.jpg?w=640"
    assert validate_photo_url(url) == url


def test_duplicate_product_ids_are_refused() -> None:
    with pytest.raises(DomainError) as excinfo:
        index_products([BAYAM, BAYAM])
    assert _code(excinfo) == "order.product_duplicate"


def test_reference_prices_latest_and_deviation() -> None:
    book = ReferencePriceBook(
        (
            ReferencePrice("PSR-LEGI", "beras-medium", PricingUnit.KG, 12_000, date(2024, 5, 1)),
            ReferencePrice("PSR-LEGI", "beras-medium", PricingUnit.KG, 12_500, date(2024, 5, 6)),
            ReferencePrice("PSR-LEGI", "beras-medium", PricingUnit.KG, 99_000, date(2024, 6, 1)),
        )
    )
    assert book.latest("PSR-LEGI", "beras-medium", date(2024, 5, 7)).price == 12_500
    assert book.deviation_bps(BERAS, "PSR-LEGI", "beras-medium", date(2024, 5, 7)) == 800
    cheaper = replace(BERAS, price=12_000)
    assert book.deviation_bps(cheaper, "PSR-LEGI", "beras-medium", date(2024, 5, 7)) == -400
    with pytest.raises(NotFound):
        book.latest("PSR-GEDE", "beras-medium", date(2024, 5, 7))
    with pytest.raises(DomainError) as excinfo:
        book.deviation_bps(BAYAM, "PSR-LEGI", "beras-medium", date(2024, 5, 7))
    assert _code(excinfo) == "order.reference_unit_mismatch"
    with pytest.raises(DomainError):
        ReferencePrice("PSR-LEGI", "beras", PricingUnit.KG, 0, date(2024, 5, 1))


def test_daging_fixture_is_weighed() -> None:
    assert DAGING.weighed
    assert not BAYAM.weighed
