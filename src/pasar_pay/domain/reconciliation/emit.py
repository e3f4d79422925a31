"""Turn the matcher's claims into matches and typed exceptions, one home per item."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pasar_pay.domain.reconciliation.model import (
    ExceptionType,
    FeeToPost,
    Match,
    MatchResult,
    MatchRule,
    ReconException,
    SettlementBatch,
    Side,
    StatementLine,
)
from pasar_pay.domain.reconciliation.settlement import BatchCheck
from pasar_pay.domain.reconciliation.units import Unit


def emit(
    lines: list[StatementLine],
    units: list[Unit],
    batches: list[SettlementBatch],
    checks: list[BatchCheck],
    consumed: list[bool],
) -> MatchResult:
    matches: list[Match] = []
    exceptions: list[ReconException] = []
    fees: list[FeeToPost] = []
    for batch, check in zip(batches, checks, strict=True):
        _emit_batch(batch, check, lines, matches, exceptions, fees)
    for unit in units:
        if unit.in_batch and unit.flag is None:
            continue  # reported with its batch
        _emit_unit(unit, lines, matches, exceptions)
    for i, line in enumerate(lines):
        if not consumed[i]:
            kind = (
                ExceptionType.CREDIT_WITHOUT_CALLBACK
                if line.side is Side.CREDIT
                else ExceptionType.UNMATCHED_DEBIT
            )
            exceptions.append(
                ReconException(
                    kind,
                    line.amount,
                    line.value_date,
                    lines=(line,),
                    detail="statement line with no counterpart",
                    actual=line.amount,
                )
            )
    return MatchResult(tuple(matches), tuple(exceptions), tuple(fees))


def _emit_batch(
    batch: SettlementBatch,
    check: BatchCheck,
    lines: list[StatementLine],
    matches: list[Match],
    exceptions: list[ReconException],
    fees: list[FeeToPost],
) -> None:
    # A double payment inside a batch goes to its own exception; the batch still settles.
    clean = [u for u in check.units if u.flag is None]
    callbacks = tuple(u.callback for u in clean if u.callback is not None)
    ledger = tuple(u.ledger for u in clean if u.ledger is not None)
    batch_lines = (lines[check.line],) if check.line is not None else ()
    if not check.problems:
        matches.append(
            Match(
                MatchRule.SETTLEMENT_BATCH,
                check.actual,
                check.actual - check.expected_net,
                callbacks,
                ledger,
                batch_lines,
                batch,
            )
        )
        if batch.fee_total:
            fees.append(
                FeeToPost(batch.acquirer, batch.batch_id, batch.fee_total, batch.settled_date)
            )
        return
    exceptions.append(
        ReconException(
            ExceptionType.SETTLEMENT_MISMATCH,
            abs(check.actual - check.expected_net) if check.line is not None else batch.net_credit,
            _earliest([batch.settled_date], clean, batch_lines),
            market=_market(clean),
            detail="; ".join(check.problems),
            callbacks=callbacks,
            ledger=ledger,
            lines=batch_lines,
            batch=batch,
            expected=check.expected_net,
            actual=check.actual,
        )
    )


def _emit_unit(
    unit: Unit, lines: list[StatementLine], matches: list[Match], exceptions: list[ReconException]
) -> None:
    if len(unit.lines) == 1:  # the common case, kept cheap: this runs once per payment
        got: tuple[StatementLine, ...] = (lines[unit.lines[0]],)
        total = got[0].amount
    else:
        got = tuple(lines[i] for i in unit.lines)
        total = sum(ln.amount for ln in got)
    callbacks = (unit.callback,) if unit.callback is not None else ()
    ledger = (unit.ledger,) if unit.ledger is not None else ()
    if got and unit.flag is None and not unit.mismatch:
        assert unit.rule is not None
        matches.append(Match(unit.rule, total, total - unit.expected, callbacks, ledger, got))
        return
    kind, amount, detail = _classify(unit, got, total)
    exceptions.append(
        ReconException(
            kind,
            amount,
            _earliest([], [unit], got),
            market=unit.market,
            detail=detail,
            callbacks=callbacks,
            ledger=ledger,
            lines=got,
            expected=unit.expected,
            actual=total if got else None,
        )
    )


def _classify(
    unit: Unit, got: tuple[StatementLine, ...], total: int
) -> tuple[ExceptionType, int, str]:
    if unit.flag is not None:
        if unit.flag is ExceptionType.AMOUNT_MISMATCH and unit.ledger and unit.callback:
            drift = abs(unit.ledger.amount - unit.callback.gross_amount)
            return unit.flag, drift, unit.flag_detail
        return unit.flag, unit.expected, unit.flag_detail
    if unit.is_cash:
        if got:
            return (
                ExceptionType.CASH_DEPOSIT_MISMATCH,
                abs(total - unit.expected),
                f"deposit {unit.expected}, bank credited {total}",
            )
        return ExceptionType.CASH_DEPOSIT_MISMATCH, unit.expected, "deposit not on the statement"
    if got:
        return (
            ExceptionType.AMOUNT_MISMATCH,
            abs(total - unit.expected),
            f"expected {unit.expected}, statement shows {total}",
        )
    if unit.side is Side.DEBIT:
        return ExceptionType.UNMATCHED_DEBIT, unit.expected, "payout not on the statement"
    detail = "no statement credit" if unit.callback else "ledger entry with no statement credit"
    return ExceptionType.CALLBACK_WITHOUT_CREDIT, unit.expected, detail


def _earliest(dates: list[date], units: Iterable[Unit], got: Iterable[StatementLine]) -> date:
    """Ageing starts when the first involved item happened."""
    return min([*dates, *(u.day for u in units), *(ln.value_date for ln in got)])


def _market(units: Iterable[Unit]) -> str | None:
    return next((m for u in units if (m := u.market)), None)
