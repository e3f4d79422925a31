"""After picking: weighed amounts, refunds of the difference, substitutions, cash on delivery.

Weighing. The final amount of a weighed line is `weighed_amount(price, actual grams)` (half
up). A prepaid line is never charged more than was held (QRIS has no capture): the charge is
`min(final, held)` and `held − charge` is refunded. A weighing more than the tolerance away
from the estimate, either way, needs the shopper's approval; if the shopper does not answer
before the deadline the default applies: accept when the charge fits in what the shopper agreed
to pay (always true for prepaid lines, capped at the hold; for cash on delivery, when the final
amount ≤ the held amount), otherwise refuse (the vendor re-weighs or removes the line).

Substitutions. A proposal is decided by the shopper's answer before the deadline, else by the
line's preference: `specific` accepts only the named product, `best_match` accepts any
proposal whose amount fits in the line's held amount, `remove` drops the line.

Refund route. A difference is refunded to the paying channel, except amounts under the
market's `min_channel_refund` which go to the shopper's credit (a channel refund costs more
than it returns).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pasar_pay.domain.errors import Conflict, ValidationFailed
from pasar_pay.domain.orders.checkout import OrderLine, SubstitutionPreference
from pasar_pay.domain.orders.quantities import require_grams, require_non_negative, weighed_amount
from pasar_pay.domain.orders.state import PaymentMode


class Answer(StrEnum):
    APPROVE = "approve"
    REFUSE = "refuse"


class RefundRoute(StrEnum):
    CHANNEL = "channel"  # back to the QRIS / VA / e-wallet that paid
    CREDIT = "credit"  # kept as the shopper's credit


@dataclass(frozen=True, slots=True)
class MarketPaymentOptions:
    market_code: str
    cash_on_delivery: bool = False
    cod_max_amount: int | None = None  # refuse COD above this; None: no cap
    min_channel_refund: int = 0


def payment_mode_for(options: MarketPaymentOptions, mode: PaymentMode, amount: int) -> PaymentMode:
    """Refuse cash on delivery where the market does not offer it, or above its cap."""
    if mode is PaymentMode.CASH_ON_DELIVERY:
        if not options.cash_on_delivery:
            raise ValidationFailed(
                "this market does not offer cash on delivery",
                code="order.cod_not_offered",
                market_code=options.market_code,
            )
        if options.cod_max_amount is not None and amount > options.cod_max_amount:
            raise ValidationFailed(
                "the order is above the cash-on-delivery limit",
                code="order.cod_limit_exceeded",
                limit=options.cod_max_amount,
                amount=amount,
            )
    return mode


def refund_route(options: MarketPaymentOptions, amount: int) -> RefundRoute:
    require_non_negative(amount, field="refund")
    return RefundRoute.CREDIT if amount < options.min_channel_refund else RefundRoute.CHANNEL


@dataclass(frozen=True, slots=True)
class Weighing:
    line_id: str
    estimated_grams: int
    actual_grams: int
    tolerance_grams: int
    held_amount: int
    final_amount: int  # at the actual weight
    charge: int  # what the shopper finally pays for the line
    refund: int  # held − charge (prepaid); 0 for cash on delivery
    needs_approval: bool


def weigh(line: OrderLine, actual_grams: int, mode: PaymentMode = PaymentMode.PREPAID) -> Weighing:
    if not line.weighed or line.estimated_grams is None:
        raise ValidationFailed(
            "only weighed lines are weighed", code="order.weight_wrong_unit", line_id=line.line_id
        )
    require_grams(actual_grams, field="actual_grams")
    final = weighed_amount(line.unit_price, actual_grams)
    off = abs(actual_grams - line.estimated_grams) > line.tolerance_grams
    if mode is PaymentMode.PREPAID:
        charge = min(final, line.held_amount)
        refund = line.held_amount - charge
    else:
        charge, refund = final, 0
    return Weighing(
        line.line_id,
        line.estimated_grams,
        actual_grams,
        line.tolerance_grams,
        line.held_amount,
        final,
        charge,
        refund,
        off,
    )


def _answered(answer: Answer, at: datetime, deadline: datetime) -> Answer:
    if at > deadline:
        raise Conflict(
            "the approval deadline has passed",
            code="order.approval_expired",
            deadline=deadline.isoformat(),
        )
    return answer


def approve_weighing(
    weighing: Weighing, answer: Answer | None, at: datetime, deadline: datetime
) -> Answer | None:
    """The decision on a weighing; None while the shopper may still answer."""
    if not weighing.needs_approval:
        return Answer.APPROVE
    if answer is not None:
        return _answered(answer, at, deadline)
    if at < deadline:
        return None
    return Answer.APPROVE if weighing.charge <= weighing.held_amount else Answer.REFUSE


@dataclass(frozen=True, slots=True)
class SubstitutionProposal:
    line_id: str
    product_id: str
    amount: int  # what the substitute costs, whole rupiah


class SubstitutionOutcome(StrEnum):
    PENDING = "pending"
    SUBSTITUTED = "substituted"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class SubstitutionDecision:
    outcome: SubstitutionOutcome
    charge: int
    refund: int
    by_default: bool


def decide_substitution(
    line: OrderLine,
    proposal: SubstitutionProposal | None,
    answer: Answer | None,
    at: datetime,
    deadline: datetime,
) -> SubstitutionDecision:
    """An out-of-stock line: substitute, remove, or keep waiting for the shopper."""
    removed = SubstitutionDecision(SubstitutionOutcome.REMOVED, 0, line.held_amount, answer is None)
    if proposal is None:
        return removed
    require_non_negative(proposal.amount, field="proposal.amount")
    if proposal.amount > line.held_amount:
        return removed  # the shopper cannot be charged more than was paid for the line
    if answer is not None:
        decided = _answered(answer, at, deadline)
    elif line.substitution is SubstitutionPreference.REMOVE:
        return removed  # the shopper said in advance: no substitutes
    elif at < deadline:
        return SubstitutionDecision(SubstitutionOutcome.PENDING, 0, 0, False)
    else:
        fits = (
            line.substitution is SubstitutionPreference.BEST_MATCH
            or proposal.product_id == line.substitute_product_id
        )
        decided = Answer.APPROVE if fits else Answer.REFUSE
    if decided is Answer.REFUSE:
        return removed
    return SubstitutionDecision(
        SubstitutionOutcome.SUBSTITUTED,
        proposal.amount,
        line.held_amount - proposal.amount,
        answer is None,
    )


@dataclass(frozen=True, slots=True)
class LineSettlement:
    line_id: str
    charge: int
    refund: int


def order_refund(held: Mapping[str, int], settled: Mapping[str, LineSettlement]) -> int:
    """Total refund of a prepaid order: every held line settled once, charge + refund = held."""
    if set(held) != set(settled):
        raise ValidationFailed(
            "every line must be settled",
            code="order.lines_unsettled",
            missing=sorted(set(held) - set(settled)),
            unknown=sorted(set(settled) - set(held)),
        )
    for line_id, s in settled.items():
        if s.charge + s.refund != held[line_id]:
            raise ValidationFailed(
                "charge and refund must add up to the held amount",
                code="order.settlement_unbalanced",
                line_id=line_id,
            )
    return sum(s.refund for s in settled.values())
