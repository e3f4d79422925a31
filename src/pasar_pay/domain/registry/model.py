"""Registry records and their rules: stall types and statuses, minimal vendor data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from pasar_pay.domain.billing.periods import Cadence
from pasar_pay.domain.errors import ValidationFailed

__all__ = ["Cadence", "MarketSpec", "StallSpec", "StallStatus", "VendorSpec"]


class StallStatus(StrEnum):
    ACTIVE = "active"
    VACANT = "vacant"
    DAMAGED = "damaged"
    CLOSED = "closed"
    SEALED = "sealed"  # disegel after SP3: arrears stay due


STALL_TYPES = ("kios", "los", "pelataran")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,39}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{6,19}$")


def require_code(value: str, what: str) -> str:
    if not _CODE.match(value):
        raise ValidationFailed(
            f"{what} code must be 2-40 upper-case letters, digits and dashes",
            code="registry.code_invalid",
            field=what,
        )
    return value


@dataclass(frozen=True, slots=True)
class StallSpec:
    code: str
    market_code: str
    block: str
    number: str
    stall_type: str
    area_cm2: int
    status: StallStatus = StallStatus.ACTIVE
    electricity_meter: str | None = None
    synthetic: bool = False

    def __post_init__(self) -> None:
        require_code(self.code, "stall")
        require_code(self.market_code, "market")
        if self.stall_type not in STALL_TYPES:
            raise ValidationFailed(
                f"stall type must be one of {', '.join(STALL_TYPES)}",
                code="registry.stall_type_invalid",
                field="stall_type",
            )
        if (
            isinstance(self.area_cm2, bool)
            or not isinstance(self.area_cm2, int)
            or not (0 < self.area_cm2 <= 100_000_000)
        ):
            raise ValidationFailed(
                "area must be a positive whole number of cm² (at most 10,000 m²)",
                code="registry.area_invalid",
                field="area",
            )
        if not self.block.strip() or not self.number.strip():
            raise ValidationFailed("block and number are required", code="registry.stall_place")


@dataclass(frozen=True, slots=True)
class VendorSpec:
    """Minimal personal data: name, phone, trader card (KTPP) number."""

    code: str
    name: str
    phone: str | None = None
    trader_card: str | None = None
    cadence: Cadence = Cadence.MONTHLY
    synthetic: bool = False

    def __post_init__(self) -> None:
        require_code(self.code, "vendor")
        if not 1 <= len(self.name.strip()) <= 120:
            raise ValidationFailed("name must be 1-120 characters", code="registry.name_invalid")
        if self.phone is not None and not _PHONE.match(self.phone):
            raise ValidationFailed("phone number is malformed", code="registry.phone_invalid")


@dataclass(frozen=True, slots=True)
class MarketSpec:
    code: str
    name: str
    kecamatan: str | None = None
    kelas: str | None = None
    cashless_since: date | None = None
    channels: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        require_code(self.code, "market")
        if not 3 <= len(self.name.strip()) <= 200:
            raise ValidationFailed(
                "market name must be 3-200 characters", code="registry.name_invalid"
            )
