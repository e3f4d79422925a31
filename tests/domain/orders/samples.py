"""A small catalog at Pasar Gede: two stalls open, one closed, one stall at another market."""

from __future__ import annotations

from datetime import UTC, datetime

from pasar_pay.domain.orders.catalog import (
    PricingUnit,
    Product,
    Stock,
    WeightTolerance,
    index_products,
)
from pasar_pay.domain.orders.checkout import StallInfo

T0 = datetime(2024, 5, 6, 2, 0, tzinfo=UTC)  # 09:00 WIB

STALLS = {
    "S-GEDE-1": StallInfo("S-GEDE-1", "V000001", "PSR-GEDE", is_open=True),
    "S-GEDE-2": StallInfo("S-GEDE-2", "V000002", "PSR-GEDE", is_open=True),
    "S-GEDE-3": StallInfo("S-GEDE-3", "V000003", "PSR-GEDE", is_open=False),
    "S-LEGI-1": StallInfo("S-LEGI-1", "V000004", "PSR-LEGI", is_open=True),
}

BAYAM = Product(
    "P-BAYAM", "S-GEDE-1", "Bayam", "sayur", PricingUnit.BUNCH, 3_000, Stock.counted(10)
)
TELUR = Product(
    "P-TELUR", "S-GEDE-1", "Telur ayam", "telur", PricingUnit.PIECE, 2_000, Stock.available_today()
)
CABAI = Product(
    "P-CABAI",
    "S-GEDE-2",
    "Cabai rawit",
    "sayur",
    PricingUnit.KG,
    65_000,
    Stock.counted(5_000),
    tolerance=WeightTolerance(grams=50),
)
DAGING = Product(
    "P-DAGING",
    "S-GEDE-2",
    "Daging sapi",
    "daging",
    PricingUnit.KG,
    135_000,
    Stock.counted(20_000),
    tolerance=WeightTolerance(bps=1_000),
)
DAGING_HAS = Product(
    "P-HAS",
    "S-GEDE-2",
    "Daging has",
    "daging",
    PricingUnit.KG,
    150_000,
    Stock.counted(3_000),
    tolerance=WeightTolerance(bps=1_000),
)
TEMPE = Product("P-TEMPE", "S-GEDE-3", "Tempe", "lauk", PricingUnit.PACK, 5_000, Stock.counted(4))
BERAS = Product(
    "P-BERAS",
    "S-LEGI-1",
    "Beras medium",
    "beras",
    PricingUnit.KG,
    13_500,
    Stock.available_today(),
    tolerance=WeightTolerance(grams=0),
)

PRODUCTS = index_products([BAYAM, TELUR, CABAI, DAGING, DAGING_HAS, TEMPE, BERAS])
