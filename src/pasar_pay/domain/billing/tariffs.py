"""Versioned retribution tariffs: which figures were in force for a (market class, stall type)
on a given day, on what legal basis, and whether the figures still need verifying.

Dates are inclusive on both ends, as legal instruments state them ("berlaku sampai dengan"):
a successor version starts the day after its predecessor's `valid_to`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from pasar_pay.domain.billing.area import StallArea
from pasar_pay.domain.billing.exact import require_non_negative_int
from pasar_pay.domain.errors import Conflict, ValidationFailed


class StallType(StrEnum):
    KIOS = "kios"  # walled, permanent
    LOS = "los"  # permanent floor, no dividing walls
    PELATARAN = "pelataran"  # ground spot (oprokan)


class MarketClass(StrEnum):
    IA = "IA"
    IB = "IB"
    II = "II"
    IIB = "IIB"
    UNKNOWN = "unknown"  # no published kelas: billed on an explicit, to-verify fallback


def market_class_from_registry(value: str | None) -> MarketClass:
    """Map the registry's `kelas` column; blank means unknown, anything unrecognised is refused
    (a class "III" must get its own tariff, not silently the fallback)."""
    text = (value or "").strip()
    if text == "" or text.lower() == "unknown":
        return MarketClass.UNKNOWN
    for member in MarketClass:
        if member.value == text.upper():
            return member
    raise ValidationFailed(
        f"market class {value!r} has no tariff", code="billing.market_class_unknown", kelas=value
    )


@dataclass(frozen=True, slots=True)
class TariffVersion:
    market_class: MarketClass
    stall_type: StallType
    valid_from: date
    valid_to: date | None  # inclusive; None = open-ended
    legal_basis: str
    service_per_m2_day: int  # retribusi pelayanan pasar, Rp per m² per day
    cleaning_per_m2_day: int  # kebersihan / persampahan, Rp per m² per day
    fixed_per_month: int  # a flat monthly amount, prorated by calendar day
    electricity_per_kwh: int  # 0 = no price known: metered bills are refused
    to_verify: bool
    note: str

    def __post_init__(self) -> None:
        for name in (
            "service_per_m2_day",
            "cleaning_per_m2_day",
            "fixed_per_month",
            "electricity_per_kwh",
        ):
            require_non_negative_int(getattr(self, name), field=name)
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValidationFailed(
                f"tariff valid_to {self.valid_to} is before valid_from {self.valid_from}",
                code="billing.tariff_dates_invalid",
                valid_from=self.valid_from.isoformat(),
                valid_to=self.valid_to.isoformat(),
            )
        if not self.legal_basis.strip():
            raise ValidationFailed(
                "a tariff needs its legal basis", code="billing.tariff_legal_basis_missing"
            )

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def overlaps(self, other: TariffVersion) -> bool:
        self_end = self.valid_to or date.max
        other_end = other.valid_to or date.max
        return self.valid_from <= other_end and other.valid_from <= self_end

    def label(self) -> str:
        end = self.valid_to.isoformat() if self.valid_to else "open"
        return (
            f"{self.market_class.value}/{self.stall_type.value} "
            f"{self.valid_from.isoformat()}..{end} ({self.legal_basis})"
        )


class TariffBook:
    """All tariff versions; at most one in force per (class, type) on any day."""

    def __init__(self, versions: Iterable[TariffVersion]) -> None:
        by_key: dict[tuple[MarketClass, StallType], list[TariffVersion]] = {}
        for version in versions:
            by_key.setdefault((version.market_class, version.stall_type), []).append(version)
        for chain in by_key.values():
            chain.sort(key=lambda v: v.valid_from)
            for earlier, later in pairwise(chain):
                if earlier.overlaps(later):
                    raise Conflict(
                        f"tariff versions overlap: {earlier.label()} and {later.label()}",
                        code="billing.tariff_overlap",
                        first=earlier.label(),
                        second=later.label(),
                    )
        self._by_key = {key: tuple(chain) for key, chain in by_key.items()}

    def with_version(self, version: TariffVersion) -> TariffBook:
        """A new book with one more version (refused if it overlaps); this one is unchanged."""
        return TariffBook([*self.versions(), version])

    def versions(self) -> tuple[TariffVersion, ...]:
        return tuple(v for chain in self._by_key.values() for v in chain)

    def history(
        self, market_class: MarketClass, stall_type: StallType
    ) -> tuple[TariffVersion, ...]:
        return self._by_key.get((market_class, stall_type), ())

    def in_force(self, market_class: MarketClass, stall_type: StallType, on: date) -> TariffVersion:
        for version in self.history(market_class, stall_type):
            if version.covers(on):
                return version
        raise ValidationFailed(
            f"no {market_class.value}/{stall_type.value} tariff in force on {on.isoformat()}",
            code="billing.tariff_missing",
            market_class=market_class.value,
            stall_type=stall_type.value,
            on=on.isoformat(),
        )

    def segments(
        self, market_class: MarketClass, stall_type: StallType, first: date, last: date
    ) -> list[tuple[date, date, TariffVersion]]:
        """Split the inclusive range [first, last] at version boundaries; refuse any gap."""
        out: list[tuple[date, date, TariffVersion]] = []
        day = first
        while day <= last:
            version = self.in_force(market_class, stall_type, day)
            end = last if version.valid_to is None else min(last, version.valid_to)
            out.append((day, end, version))
            day = end + timedelta(days=1)
        return out


# --- Perda 5/2016 seed ---------------------------------------------------------------------

PERDA_5_2016 = "Perda Kota Surakarta 5/2016 (amending Perda 9/2011 Retribusi Daerah)"
# The Perda applied from about August 2016 (press, S13-S15); the exact day is to verify.
PERDA_5_2016_FROM = date(2016, 8, 1)
CLEANING_PER_M2_DAY = 100  # up from Rp 10 before 2016 (S15, S16)
CALIBRATION_DAYS = 30  # a published "per month" bill is read as 30 days of daily tariff

KLEWER_KIOS_BILL, KLEWER_KIOS_AREA = 158_000, StallArea.from_m2(5)  # 2019, S32
KADIPOLO_KIOS_BILL, KADIPOLO_KIOS_AREA = 215_670, StallArea.from_m2(9)  # 2022, S07


def calibrate_from_monthly_bill(
    monthly_bill: int, area: StallArea, *, cleaning_per_m2_day: int = CLEANING_PER_M2_DAY
) -> tuple[int, int]:
    """(service Rp/m²/day, fixed Rp/month) that reproduce one published monthly bill exactly.

    One bill cannot separate a per-m² rate from a flat fee, so the per-m² part takes as much as
    whole rupiah allow and the flat fee is the smallest remainder: service = ⌊bill / (m²·30)⌋ −
    cleaning, fixed = bill − (service + cleaning)·m²·30. Larger stalls then pay more, as the
    Perda's per-m² structure intends, and the published bill comes out to the rupiah.
    """
    m2_days = area.m2 * CALIBRATION_DAYS
    if m2_days.denominator != 1:
        raise ValidationFailed(
            "calibration needs a whole-m² stall", code="billing.calibration_area"
        )
    per_m2_day = monthly_bill // int(m2_days)
    service = per_m2_day - cleaning_per_m2_day
    fixed = monthly_bill - per_m2_day * int(m2_days)
    return require_non_negative_int(service, field="service"), fixed


def perda_5_2016_tariffs() -> TariffBook:
    """Perda 5/2016 figures; kios/los calibrated where the TNTD table is not public.

    - Pelataran: Rp 500/m²/day in class I, Rp 300 in class II (S13, S14); A/B subclasses take
      their class's rate. Cleaning Rp 100/m²/day.
    - Kios: the Perda charges a percentage of the assessed stall value (TNTD), table unknown.
      Class I (IA, IB) is calibrated on the Klewer (IA) bill; class II (II, IIB) and the
      unknown-class fallback on the Kadipolo bill. Kadipolo's class is unknown in the registry,
      so a Kadipolo stall is billed through the fallback and reproduces its published bill; a
      ~44-kios market is most plausibly class II, which is why class II shares the figures.
    - Los: no published bill. Charged at the class's pelataran rate plus cleaning: a los is an
      open spot with a permanent floor, so it should cost at least a pelataran and less than a
      walled kios. A placeholder to replace with the TNTD figures.
    - Electricity: the market kWh price is not known (SK Walikota 12/2002 is historical), so it
      is 0 and metered bills are refused until a real price is entered.
    """
    class_i_kios = calibrate_from_monthly_bill(KLEWER_KIOS_BILL, KLEWER_KIOS_AREA)
    class_ii_kios = calibrate_from_monthly_bill(KADIPOLO_KIOS_BILL, KADIPOLO_KIOS_AREA)
    pelataran = {
        MarketClass.IA: 500,
        MarketClass.IB: 500,
        MarketClass.II: 300,
        MarketClass.IIB: 300,
        MarketClass.UNKNOWN: 300,  # the lower class II rate until the class is known
    }
    klewer = "calibrated: 5 m² Klewer (IA) kios Rp 158,000/month incl. cleaning (2019, S32)"
    kadipolo = "calibrated: 9 m² Kadipolo kios Rp 215,670/month (2022, S07; class unknown)"
    notes = {
        MarketClass.IA: klewer,
        MarketClass.IB: f"assumed equal to IA; {klewer}",
        MarketClass.II: f"assumed equal to Kadipolo; {kadipolo}",
        MarketClass.IIB: f"assumed equal to Kadipolo; {kadipolo}",
        MarketClass.UNKNOWN: f"fallback for markets without a known class; {kadipolo}",
    }
    versions: list[TariffVersion] = []
    for market_class, pelataran_rate in pelataran.items():
        kios_service, kios_fixed = (
            class_i_kios if market_class in (MarketClass.IA, MarketClass.IB) else class_ii_kios
        )
        fallback = market_class is MarketClass.UNKNOWN
        pelataran_note = (
            "unknown class: class II rate applied, to verify"
            if fallback
            else "Perda 5/2016 pelataran rate (S13, S14)"
        )
        los_note = "TNTD unknown: placeholder at the class's pelataran rate; no published los bill"
        versions += [
            _seed(market_class, StallType.PELATARAN, pelataran_rate, 0, fallback, pelataran_note),
            _seed(
                market_class, StallType.KIOS, kios_service, kios_fixed, True, notes[market_class]
            ),
            _seed(market_class, StallType.LOS, pelataran_rate, 0, True, los_note),
        ]
    return TariffBook(versions)


def _seed(
    market_class: MarketClass,
    stall_type: StallType,
    service: int,
    fixed: int,
    to_verify: bool,
    note: str,
) -> TariffVersion:
    return TariffVersion(
        market_class=market_class,
        stall_type=stall_type,
        valid_from=PERDA_5_2016_FROM,
        valid_to=None,
        legal_basis=PERDA_5_2016,
        service_per_m2_day=service,
        cleaning_per_m2_day=CLEANING_PER_M2_DAY,
        fixed_per_month=fixed,
        electricity_per_kwh=0,
        to_verify=to_verify,
        note=note,
    )
