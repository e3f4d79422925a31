"""A deterministic generator of SYNTHETIC stalls and vendors for the demo and benchmarks.

Sizes follow `../shared/reference/solo-markets.md` §3: about 16,000 units and 13,500 traders,
the published per-market counts where known, size tier S (50-250 units, "probably") for markets
with unknown counts, the known type mixes (Legi, Gede, Jebres, Nusukan; Klewer, Notoharjo,
Elpabes and Triwindu almost all kios) and the city-wide 25/60/15 mix elsewhere; typical stall
sizes from §2.2. Every record is flagged synthetic and named so; no real trader appears.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from pasar_pay.domain.registry.model import StallSpec, VendorSpec

# (kios, los, pelataran) shares in percent
_MIX = {
    "PSR-LEGI": (11, 80, 9),
    "PSR-GEDE": (13, 63, 24),
    "PSR-JEBRES": (11, 58, 31),
    "PSR-NUSUKAN": (15, 85, 0),
    "PSR-KLEWER": (100, 0, 0),
    "PSR-KLEWER-TIMUR": (100, 0, 0),
    "PSR-NOTOHARJO": (100, 0, 0),
    "PSR-ELPABES": (100, 0, 0),
    "PSR-TRIWINDU": (100, 0, 0),
}
_CITY_MIX = (25, 60, 15)
# Typical sizes in cm² (2×2, 2×3, 2.5×2, 2.5×3, 3×3 m kios; 1.5×1.5-2×2 m los; 1×1-2×1 m ground).
_SIZES = {
    "kios": (40_000, 60_000, 50_000, 75_000, 90_000),
    "los": (22_500, 30_000, 40_000),
    "pelataran": (10_000, 15_000, 20_000),
}
_PREFIX = {"kios": "K", "los": "L", "pelataran": "P"}
UNKNOWN_TIER = (50, 250)  # units in a market whose count is unknown (tier S, "probably")
SHARE_MULTI_HOLDERS = 0.18  # traders holding more than one unit: ~16,000 units, ~13,500 traders


@dataclass(frozen=True, slots=True)
class MarketSize:
    code: str
    stalls_estimate: int | None


@dataclass(frozen=True, slots=True)
class DemoRegistry:
    stalls: list[StallSpec]
    vendors: list[VendorSpec]
    holdings: list[tuple[str, str]]  # (stall code, vendor code)


def _split(total: int, mix: tuple[int, int, int]) -> dict[str, int]:
    kios = total * mix[0] // 100
    pelataran = total * mix[2] // 100
    return {"kios": kios, "los": total - kios - pelataran, "pelataran": pelataran}


def generate(markets: Sequence[MarketSize], seed: int = 2026) -> DemoRegistry:
    rng = random.Random(seed)
    stalls: list[StallSpec] = []
    for market in sorted(markets, key=lambda m: m.code):
        total = market.stalls_estimate or rng.randint(*UNKNOWN_TIER)
        for stall_type, count in _split(total, _MIX.get(market.code, _CITY_MIX)).items():
            for n in range(count):
                block = f"{_PREFIX[stall_type]}{n // 100 + 1:02d}"  # 100 units a block
                stalls.append(
                    StallSpec(
                        code=f"{market.code}-{block}-{n % 100 + 1:03d}",
                        market_code=market.code,
                        block=block,
                        number=f"{n % 100 + 1:03d}",
                        stall_type=stall_type,
                        area_cm2=rng.choice(_SIZES[stall_type]),
                        synthetic=True,
                    )
                )
    vendors: list[VendorSpec] = []
    holdings: list[tuple[str, str]] = []
    by_market: dict[str, list[StallSpec]] = {}
    for stall in stalls:
        by_market.setdefault(stall.market_code, []).append(stall)
    for market_code in sorted(by_market):
        queue = by_market[market_code]
        i = 0
        while i < len(queue):
            held = 1
            if rng.random() < SHARE_MULTI_HOLDERS:
                held = rng.choice((2, 2, 2, 3))
            code = f"S{len(vendors) + 1:06d}"
            vendors.append(
                VendorSpec(
                    code=code,
                    name=f"Pedagang Sintetis {len(vendors) + 1:05d}",
                    trader_card=f"SINTETIS-{len(vendors) + 1:06d}",
                    synthetic=True,
                )
            )
            for stall in queue[i : i + held]:
                holdings.append((stall.code, code))
            i += held
    return DemoRegistry(stalls, vendors, holdings)
