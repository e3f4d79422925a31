"""Journal entries: balanced sets of postings in integer rupiah, never edited.

Corrections are new entries: a reversal swaps every posting's side; a pending entry (a hold) is
later posted (fully or partly) or voided by a new entry that names it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from pasar_pay.domain.accounts import AccountSpec, Side
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.money import require_amount

MAX_POSTINGS = 200
MAX_DESCRIPTION = 500
CITY_CHAIN = "CITY"


class EntryKind(StrEnum):
    STANDARD = "standard"
    ADJUSTMENT = "adjustment"  # a finance-office correction with a reason, audited
    PENDING = "pending"  # a hold: moves pending balances only
    POST_PENDING = "post_pending"  # settles a hold, fully or partly
    VOID_PENDING = "void_pending"  # releases a hold
    REVERSAL = "reversal"


@dataclass(frozen=True, slots=True)
class Posting:
    account: str
    side: Side
    amount: int

    def reversed(self) -> Posting:
        return Posting(self.account, self.side.opposite, self.amount)


@dataclass(frozen=True, slots=True)
class EntryDraft:
    """What a use case asks the ledger to record."""

    kind: EntryKind
    postings: tuple[Posting, ...]
    effective_at: datetime
    description: str
    chain: str
    reference: str | None = None
    metadata: Mapping[str, str] = field(default_factory=dict)
    reverses: str | None = None
    pending_id: str | None = None
    expires_at: datetime | None = None


def require_utc(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise ValidationFailed(f"{what} must carry a time zone", code="naive_datetime", field=what)
    return moment.astimezone(UTC)


def validate_postings(postings: Sequence[Posting]) -> tuple[Posting, ...]:
    """Balanced, positive integer postings: the invariant every entry must hold."""
    if len(postings) < 2:
        raise ValidationFailed(
            "an entry needs at least two postings", code="entry_too_few_postings"
        )
    if len(postings) > MAX_POSTINGS:
        raise ValidationFailed(
            f"an entry holds at most {MAX_POSTINGS} postings", code="entry_too_many_postings"
        )
    debits = credits = 0
    for index, posting in enumerate(postings):
        require_amount(posting.amount, field=f"postings[{index}].amount")
        if posting.side is Side.DEBIT:
            debits += posting.amount
        else:
            credits += posting.amount
    if debits != credits:
        raise ValidationFailed(
            "debits must equal credits",
            code="entry_unbalanced",
            debits=debits,
            credits=credits,
        )
    return tuple(postings)


def chain_for(accounts: Iterable[AccountSpec]) -> str:
    """The hash chain an entry belongs to: its market's, or the city's when none or several."""
    markets = {spec.market_code for spec in accounts if spec.market_code}
    return markets.pop() if len(markets) == 1 else CITY_CHAIN


def reversal_postings(postings: Sequence[Posting]) -> tuple[Posting, ...]:
    return tuple(p.reversed() for p in postings)


def settle_pending(
    pending: Sequence[Posting], amounts: Sequence[int] | None
) -> tuple[Posting, ...]:
    """Postings that settle a hold: the same accounts and sides, each amount at most the held one.

    Whatever is not settled is released, as in two-phase transfers elsewhere: a hold is
    resolved exactly once.
    """
    if amounts is None:
        return tuple(pending)
    if len(amounts) != len(pending):
        raise ValidationFailed(
            "give one amount per held posting",
            code="pending_amounts_mismatch",
            expected=len(pending),
            got=len(amounts),
        )
    settled = []
    for index, (held, amount) in enumerate(zip(pending, amounts, strict=True)):
        require_amount(amount, field=f"amounts[{index}]")
        if amount > held.amount:
            raise ValidationFailed(
                "cannot post more than was held",
                code="pending_amount_exceeds_hold",
                index=index,
                held=held.amount,
                requested=amount,
            )
        settled.append(Posting(held.account, held.side, amount))
    return validate_postings(settled)


@dataclass(frozen=True, slots=True)
class Balance:
    """An account's four running totals, as TigerBeetle keeps them."""

    posted_debits: int = 0
    posted_credits: int = 0
    pending_debits: int = 0
    pending_credits: int = 0

    def __add__(self, other: Balance) -> Balance:
        return Balance(
            self.posted_debits + other.posted_debits,
            self.posted_credits + other.posted_credits,
            self.pending_debits + other.pending_debits,
            self.pending_credits + other.pending_credits,
        )

    def posted(self, normal: Side) -> int:
        net = self.posted_debits - self.posted_credits
        return net if normal is Side.DEBIT else -net

    def available(self, normal: Side) -> int:
        """Posted balance less holds that would reduce it."""
        if normal is Side.DEBIT:
            return self.posted_debits - self.posted_credits - self.pending_credits
        return self.posted_credits - self.posted_debits - self.pending_debits


def balance_effects(
    kind: EntryKind, postings: Sequence[Posting], released: Sequence[Posting] = ()
) -> dict[str, Balance]:
    """How an entry changes each account's totals.

    `released` are the held postings a POST_PENDING or VOID_PENDING resolves: they leave the
    pending totals whatever part of them is posted.
    """
    effects: dict[str, Balance] = {}

    def add(account: str, delta: Balance) -> None:
        effects[account] = effects.get(account, Balance()) + delta

    for held in released:
        if held.side is Side.DEBIT:
            add(held.account, Balance(pending_debits=-held.amount))
        else:
            add(held.account, Balance(pending_credits=-held.amount))
    if kind is EntryKind.VOID_PENDING:
        return effects
    for posting in postings:
        if kind is EntryKind.PENDING:
            delta = (
                Balance(pending_debits=posting.amount)
                if posting.side is Side.DEBIT
                else Balance(pending_credits=posting.amount)
            )
        else:
            delta = (
                Balance(posted_debits=posting.amount)
                if posting.side is Side.DEBIT
                else Balance(posted_credits=posting.amount)
            )
        add(posting.account, delta)
    return effects


def check_balance_rule(spec: AccountSpec, after: Balance) -> None:
    """Refuse a change that would let a guarded account go negative (holds included)."""
    if spec.debits_must_not_exceed_credits:
        used = after.posted_debits + after.pending_debits
        if used > after.posted_credits:
            raise ValidationFailed(
                f"{spec.code} would be overdrawn",
                code="insufficient_balance",
                account=spec.code,
                shortfall=used - after.posted_credits,
            )
    if spec.credits_must_not_exceed_debits:
        used = after.posted_credits + after.pending_credits
        if used > after.posted_debits:
            raise ValidationFailed(
                f"{spec.code} would go below zero",
                code="insufficient_balance",
                account=spec.code,
                shortfall=used - after.posted_debits,
            )
