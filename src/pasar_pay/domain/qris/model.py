"""Typed merchant data: what a payload means, independent of its element order."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Criteria(StrEnum):
    """Merchant criteria: micro, small, medium, large, regular (QRIS `03` sub-tag)."""

    UMI = "UMI"
    UKE = "UKE"
    UME = "UME"
    UBE = "UBE"
    URE = "URE"


@dataclass(frozen=True, slots=True, kw_only=True)
class MerchantAccount:
    """An acquirer's merchant account template, root tag 26..45."""

    tag: str = "26"
    guid: str
    pan: str | None = None
    merchant_id: str | None = None
    criteria: Criteria | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AdditionalData:
    """Template 62 sub-tags this project emits."""

    bill_number: str | None = None  # 01
    reference_label: str | None = None  # 05
    customer_label: str | None = None  # 06
    terminal_label: str | None = None  # 07
    purpose: str | None = None  # 08

    def items(self) -> list[tuple[str, str]]:
        pairs = (
            ("01", self.bill_number),
            ("05", self.reference_label),
            ("06", self.customer_label),
            ("07", self.terminal_label),
            ("08", self.purpose),
        )
        return [(tag, value) for tag, value in pairs if value is not None]


ADDITIONAL_FIELDS = {
    "01": "bill_number",
    "05": "reference_label",
    "06": "customer_label",
    "07": "terminal_label",
    "08": "purpose",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class LanguageTemplate:
    """Template 64: the merchant's name (and city) in another language; any Unicode."""

    language: str  # 00, e.g. "ID"
    name: str  # 01
    city: str | None = None  # 02


@dataclass(frozen=True, slots=True, kw_only=True)
class MerchantData:
    """Everything a QRIS payload built by `build` says. `amount` is whole rupiah (`int`)."""

    accounts: tuple[MerchantAccount, ...]
    nmid: str
    criteria: Criteria
    mcc: str
    name: str
    city: str
    postal_code: str | None = None
    amount: int | None = None
    additional: AdditionalData | None = None
    language: LanguageTemplate | None = None
    national_guid: str = field(default="ID.CO.QRIS.WWW")

    @property
    def is_dynamic(self) -> bool:
        return self.amount is not None
