"""Chart of accounts: readable codes, what each account is, and its balance rule.

Codes are colon-separated paths, e.g. `market:PSR-GEDE:receivable:V000123`. A vendor's
receivable lives under the market it is owed to, so a market's "receivable from vendors" is the
sum of its `receivable:*` accounts and a vendor's receivable is the sum across markets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from pasar_pay.domain.errors import ValidationFailed


class Side(StrEnum):
    DEBIT = "debit"
    CREDIT = "credit"

    @property
    def opposite(self) -> Side:
        return Side.CREDIT if self is Side.DEBIT else Side.DEBIT


class AccountKind(StrEnum):
    # per market
    RECEIVABLE = "receivable"  # owed by a vendor to a market (one per vendor per market)
    RETRIBUTION_REVENUE = "retribution_revenue"
    PENALTY_REVENUE = "penalty_revenue"
    COLLECTOR_CASH = "collector_cash"  # cash held by a collector until deposited
    BANK_CLEARING = "bank_clearing"  # money a bank/acquirer reported for the market
    # per vendor
    VENDOR_CREDIT = "vendor_credit"  # overpayments kept for the next bill
    VENDOR_PAYABLE = "vendor_payable"  # online-order money held for the vendor
    COMMISSION_DUE = "commission_due"  # commission on cash-on-delivery orders, owed by the vendor
    # per shopper
    SHOPPER_CREDIT = "shopper_credit"  # order refunds kept as credit (small amounts)
    # city-wide
    ACQUIRER_FEES = "acquirer_fees"
    COMMISSION_REVENUE = "commission_revenue"
    WRITE_OFFS = "write_offs"
    ORDER_CLEARING = "order_clearing"  # shopper payments received for online orders, per bank
    SUSPENSE = "suspense"  # money received that cannot be applied yet (never dropped)


# Which side increases the balance. Assets and expenses are debit-normal.
_DEBIT_NORMAL = {
    AccountKind.RECEIVABLE,
    AccountKind.COLLECTOR_CASH,
    AccountKind.BANK_CLEARING,
    AccountKind.ACQUIRER_FEES,
    AccountKind.WRITE_OFFS,
    AccountKind.ORDER_CLEARING,
    AccountKind.COMMISSION_DUE,
}

# Liabilities that must never go negative: a vendor's credit or payable cannot be spent twice.
_CREDITS_COVER_DEBITS = {
    AccountKind.VENDOR_CREDIT,
    AccountKind.VENDOR_PAYABLE,
    AccountKind.SHOPPER_CREDIT,
}
# Assets that must never go negative: a collector cannot hand over more cash than collected.
_DEBITS_COVER_CREDITS = {AccountKind.COLLECTOR_CASH}

_SEGMENT = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")


@dataclass(frozen=True, slots=True)
class AccountSpec:
    code: str
    kind: AccountKind
    market_code: str | None = None
    vendor_code: str | None = None
    qualifier: str | None = None  # bank code, collector id

    @property
    def normal_side(self) -> Side:
        return Side.DEBIT if self.kind in _DEBIT_NORMAL else Side.CREDIT

    @property
    def debits_must_not_exceed_credits(self) -> bool:
        return self.kind in _CREDITS_COVER_DEBITS

    @property
    def credits_must_not_exceed_debits(self) -> bool:
        return self.kind in _DEBITS_COVER_CREDITS


def _seg(value: str, what: str) -> str:
    if not _SEGMENT.match(value):
        raise ValidationFailed(
            f"{what} {value!r} must be upper-case letters, digits and dashes",
            code="account_code_invalid",
            field=what,
        )
    return value


def market_receivable(market: str, vendor: str) -> AccountSpec:
    code = f"market:{_seg(market, 'market')}:receivable:{_seg(vendor, 'vendor')}"
    return AccountSpec(code, AccountKind.RECEIVABLE, market, vendor)


def retribution_revenue(market: str) -> AccountSpec:
    code = f"market:{_seg(market, 'market')}:revenue:retribution"
    return AccountSpec(code, AccountKind.RETRIBUTION_REVENUE, market)


def penalty_revenue(market: str) -> AccountSpec:
    code = f"market:{_seg(market, 'market')}:revenue:penalty"
    return AccountSpec(code, AccountKind.PENALTY_REVENUE, market)


def collector_cash(market: str, collector: str) -> AccountSpec:
    code = f"market:{_seg(market, 'market')}:cash:{_seg(collector, 'collector')}"
    return AccountSpec(code, AccountKind.COLLECTOR_CASH, market, qualifier=collector)


def bank_clearing(market: str, bank: str) -> AccountSpec:
    code = f"market:{_seg(market, 'market')}:clearing:{_seg(bank, 'bank')}"
    return AccountSpec(code, AccountKind.BANK_CLEARING, market, qualifier=bank)


def vendor_credit(vendor: str) -> AccountSpec:
    code = f"vendor:{_seg(vendor, 'vendor')}:credit"
    return AccountSpec(code, AccountKind.VENDOR_CREDIT, vendor_code=vendor)


def vendor_payable(vendor: str) -> AccountSpec:
    code = f"vendor:{_seg(vendor, 'vendor')}:payable"
    return AccountSpec(code, AccountKind.VENDOR_PAYABLE, vendor_code=vendor)


def vendor_commission_due(vendor: str) -> AccountSpec:
    """Commission on cash-on-delivery orders: the vendor kept the cash, so the platform's fee
    is owed by the vendor and taken from the next payout."""
    code = f"vendor:{_seg(vendor, 'vendor')}:commission-due"
    return AccountSpec(code, AccountKind.COMMISSION_DUE, vendor_code=vendor)


def shopper_credit(shopper: str) -> AccountSpec:
    """A shopper's credit from order refunds too small to send back through the channel."""
    code = f"shopper:{_seg(shopper, 'shopper')}:credit"
    return AccountSpec(code, AccountKind.SHOPPER_CREDIT, qualifier=shopper)


ACQUIRER_FEES = AccountSpec("city:expense:acquirer-fees", AccountKind.ACQUIRER_FEES)
COMMISSION_REVENUE = AccountSpec("city:revenue:commission", AccountKind.COMMISSION_REVENUE)
WRITE_OFFS = AccountSpec("city:expense:write-offs", AccountKind.WRITE_OFFS)
SUSPENSE = AccountSpec("city:suspense", AccountKind.SUSPENSE)


def order_clearing(bank: str) -> AccountSpec:
    code = f"city:clearing:{_seg(bank, 'bank')}"
    return AccountSpec(code, AccountKind.ORDER_CLEARING, qualifier=bank)


def city_accounts() -> list[AccountSpec]:
    return [ACQUIRER_FEES, COMMISSION_REVENUE, WRITE_OFFS, SUSPENSE]


def market_accounts(market: str, banks: list[str]) -> list[AccountSpec]:
    """Accounts a market needs before anything can be booked for it."""
    specs = [retribution_revenue(market), penalty_revenue(market)]
    specs += [bank_clearing(market, bank) for bank in banks]
    return specs


def vendor_accounts(vendor: str, markets: list[str]) -> list[AccountSpec]:
    specs = [vendor_credit(vendor), vendor_payable(vendor)]
    specs += [market_receivable(market, vendor) for market in markets]
    return specs


def parse_account_code(code: str) -> AccountSpec:
    """Recover the spec from a code; refuses anything not in the chart."""
    parts = code.split(":")
    builders: dict[tuple[str, ...], AccountSpec] = {}
    try:
        match parts:
            case ["market", m, "receivable", v]:
                return market_receivable(m, v)
            case ["market", m, "revenue", "retribution"]:
                return retribution_revenue(m)
            case ["market", m, "revenue", "penalty"]:
                return penalty_revenue(m)
            case ["market", m, "cash", c]:
                return collector_cash(m, c)
            case ["market", m, "clearing", b]:
                return bank_clearing(m, b)
            case ["vendor", v, "credit"]:
                return vendor_credit(v)
            case ["vendor", v, "payable"]:
                return vendor_payable(v)
            case ["vendor", v, "commission-due"]:
                return vendor_commission_due(v)
            case ["shopper", shopper, "credit"]:
                return shopper_credit(shopper)
            case ["city", "clearing", b]:
                return order_clearing(b)
    except ValidationFailed:
        pass
    for spec in city_accounts():
        builders[(spec.code,)] = spec
    if (code,) in builders:
        return builders[(code,)]
    raise ValidationFailed(
        f"{code!r} is not an account code of the chart",
        code="account_code_invalid",
        field="account",
    )
