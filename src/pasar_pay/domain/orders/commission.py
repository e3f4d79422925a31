"""Published commission rules: the most specific rule wins, rates in basis points.

Specificity: market + category > category (any market) > market (any category) > default.
Two rules with the same key are refused, so exactly one rate applies to any line.

Rounding: an order's commission is `floor(Σ net_line × rate_line / 10,000)`: exact rational
parts summed, one rounding per order, **down**: the odd rupiah goes to the vendor, never to the
platform, so the fee charged never exceeds the published rate.

Refunds: the commission is charged on what the shopper finally paid for each line (`net =
charged − refunded`). A partial refund therefore reduces the commission in proportion to the
line's rate, and the vendor's share falls by `refund − (commission before − commission after)`,
i.e. the refund times (1 − rate) up to the one-rupiah rounding. A full refund leaves commission
0. Repeated partial refunds telescope: the commission is always that of the current net.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.orders.quantities import BPS, require_bps, require_non_negative

MAX_RATE_BPS = 5_000  # 50 %: a safety rail, far above the 10-20 % vendors complain about


@dataclass(frozen=True, slots=True)
class CommissionRule:
    rate_bps: int
    market_code: str | None = None
    category: str | None = None
    legal_basis: str = ""  # the published decision the rate comes from

    def __post_init__(self) -> None:
        require_bps(self.rate_bps, field="rate_bps", maximum=MAX_RATE_BPS)

    @property
    def specificity(self) -> int:
        return (2 if self.category is not None else 0) + (1 if self.market_code else 0)

    def matches(self, market_code: str, category: str) -> bool:
        return (self.market_code is None or self.market_code == market_code) and (
            self.category is None or self.category == category
        )


@dataclass(frozen=True, slots=True)
class CommissionSchedule:
    default: CommissionRule
    rules: tuple[CommissionRule, ...] = ()

    def __post_init__(self) -> None:
        if self.default.market_code is not None or self.default.category is not None:
            raise ValidationFailed(
                "the default rule names no market or category", code="order.commission_invalid"
            )
        keys = [(r.market_code, r.category) for r in self.rules]
        if (None, None) in keys or len(set(keys)) != len(keys):
            raise ValidationFailed(
                "two commission rules for the same market and category",
                code="order.commission_duplicate_rule",
            )

    def rule_for(self, market_code: str, category: str) -> CommissionRule:
        matching = [r for r in self.rules if r.matches(market_code, category)]
        if not matching:
            return self.default
        return max(matching, key=lambda r: r.specificity)


@dataclass(frozen=True, slots=True)
class CommissionLine:
    line_id: str
    category: str
    charged: int  # what the shopper paid for the line after weighing/substitution
    refunded: int = 0  # refunds attributed to the line afterwards (disputes)

    def __post_init__(self) -> None:
        require_non_negative(self.charged, field="charged")
        require_non_negative(self.refunded, field="refunded")
        if self.refunded > self.charged:
            raise ValidationFailed(
                "a line cannot be refunded more than was charged",
                code="order.refund_exceeds_charge",
                line_id=self.line_id,
            )

    @property
    def net(self) -> int:
        return self.charged - self.refunded


@dataclass(frozen=True, slots=True)
class CommissionBreakdown:
    gross: int  # Σ charged
    refunded: int
    net: int
    commission: int
    vendor_share: int  # net − commission
    rates_bps: tuple[tuple[str, int], ...]  # (line id, rate) as applied


def commission_for(
    schedule: CommissionSchedule, market_code: str, lines: Sequence[CommissionLine]
) -> CommissionBreakdown:
    ids = [line.line_id for line in lines]
    if len(set(ids)) != len(ids):
        raise ValidationFailed("duplicate line id", code="order.duplicate_line")
    exact = Fraction(0)
    rates: list[tuple[str, int]] = []
    for line in lines:
        rate = schedule.rule_for(market_code, line.category).rate_bps
        rates.append((line.line_id, rate))
        exact += Fraction(line.net * rate, BPS)
    commission = int(exact.__floor__())
    gross = sum(line.charged for line in lines)
    refunded = sum(line.refunded for line in lines)
    net = gross - refunded
    return CommissionBreakdown(gross, refunded, net, commission, net - commission, tuple(rates))


def commission_reduction(before: CommissionBreakdown, after: CommissionBreakdown) -> int:
    """Commission given back when a refund moves an order from `before` to `after`."""
    if after.net > before.net:
        raise ValidationFailed("a refund cannot raise the net", code="order.refund_invalid")
    return before.commission - after.commission


def rates_table(rules: Iterable[CommissionRule]) -> list[dict[str, object]]:
    """The published table, most specific first (for the vendor-facing page)."""
    ordered = sorted(rules, key=lambda r: (-r.specificity, r.market_code or "", r.category or ""))
    return [
        {
            "market": r.market_code,
            "category": r.category,
            "rate_bps": r.rate_bps,
            "legal_basis": r.legal_basis,
        }
        for r in ordered
    ]
