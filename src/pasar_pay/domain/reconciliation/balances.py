"""Statement continuity: balances must chain, and each statement must add up.

A gap means a missing statement, a missing or doubled line, or a bank correction we have not
seen; either way nothing matched against that account can be trusted until it is explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pasar_pay.domain.reconciliation.model import (
    ExceptionType,
    ReconException,
    Side,
    StatementLine,
)


@dataclass(frozen=True, slots=True)
class Statement:
    bank: str
    account: str
    statement_ref: str  # :20: / :28C: or the export's file identity
    opening_date: date
    closing_date: date
    opening: int  # signed rupiah: negative means overdrawn (MT940 "D" balance)
    closing: int
    lines: tuple[StatementLine, ...]

    @property
    def movement(self) -> int:
        return sum(ln.amount if ln.side is Side.CREDIT else -ln.amount for ln in self.lines)


def check_continuity(statements: Iterable[Statement]) -> tuple[ReconException, ...]:
    """One `statement_balance_gap` per break, per account, in date order.

    Two checks: opening + Σ lines == closing within a statement, and opening == the previous
    statement's closing across statements of the same account.
    """
    ordered = sorted(
        statements,
        key=lambda s: (s.bank, s.account, s.opening_date, s.closing_date, s.statement_ref),
    )
    out: list[ReconException] = []
    previous: Statement | None = None
    for st in ordered:
        same_account = previous is not None and (previous.bank, previous.account) == (
            st.bank,
            st.account,
        )
        if previous is not None and same_account and previous.closing != st.opening:
            out.append(
                ReconException(
                    ExceptionType.STATEMENT_BALANCE_GAP,
                    abs(st.opening - previous.closing),
                    st.opening_date,
                    detail=(
                        f"{st.bank} {st.account}: statement {st.statement_ref} opens at "
                        f"{st.opening}, {previous.statement_ref} closed at {previous.closing}"
                    ),
                    expected=previous.closing,
                    actual=st.opening,
                )
            )
        computed = st.opening + st.movement
        if computed != st.closing:
            out.append(
                ReconException(
                    ExceptionType.STATEMENT_BALANCE_GAP,
                    abs(st.closing - computed),
                    st.closing_date,
                    detail=(
                        f"{st.bank} {st.account}: statement {st.statement_ref} opening "
                        f"{st.opening} + lines {st.movement} = {computed}, closing says "
                        f"{st.closing}"
                    ),
                    expected=computed,
                    actual=st.closing,
                )
            )
        previous = st
    return tuple(out)
