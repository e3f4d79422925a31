"""Stall area held as whole square centimetres: exact for every 1 cm × 1 cm measurement.

Registers give areas like "2.5 × 2 m" or "2.25 m²"; both are whole cm², so no rounding happens
before the tariff is applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pasar_pay.domain.billing.exact import to_fraction
from pasar_pay.domain.errors import ValidationFailed

CM2_PER_M2 = 10_000
MAX_AREA_CM2 = 10_000 * CM2_PER_M2  # 10,000 m²: larger than any single stall


@dataclass(frozen=True, slots=True, order=True)
class StallArea:
    cm2: int

    def __post_init__(self) -> None:
        if isinstance(self.cm2, bool) or not isinstance(self.cm2, int):
            raise ValidationFailed(
                "area must be a whole number of cm²", code="billing.area_invalid", cm2=self.cm2
            )
        if not 0 < self.cm2 <= MAX_AREA_CM2:
            raise ValidationFailed(
                f"area must be between 1 cm² and {MAX_AREA_CM2 // CM2_PER_M2} m²",
                code="billing.area_invalid",
                cm2=self.cm2,
            )

    @classmethod
    def from_m2(cls, value: int | Fraction | str | object) -> StallArea:
        """`StallArea.from_m2("2.25")`; refuses values that are not whole cm² (e.g. 0.00001)."""
        m2 = to_fraction(value, field="area_m2")
        cm2 = m2 * CM2_PER_M2
        if cm2.denominator != 1:
            raise ValidationFailed(
                f"area {value} m² is not a whole number of cm²",
                code="billing.area_invalid",
                area_m2=str(value),
            )
        return cls(int(cm2))

    @classmethod
    def from_dimensions_cm(cls, width_cm: int, length_cm: int) -> StallArea:
        for name, side in (("width_cm", width_cm), ("length_cm", length_cm)):
            if isinstance(side, bool) or not isinstance(side, int) or side <= 0:
                raise ValidationFailed(
                    f"{name} must be a positive whole number of cm",
                    code="billing.area_invalid",
                    field=name,
                )
        return cls(width_cm * length_cm)

    @property
    def m2(self) -> Fraction:
        return Fraction(self.cm2, CM2_PER_M2)

    def __str__(self) -> str:
        whole, rest = divmod(self.cm2, CM2_PER_M2)
        if rest % 100 == 0:
            return f"{whole}.{rest // 100:02d} m²"
        return f"{whole}.{rest:04d} m²"
