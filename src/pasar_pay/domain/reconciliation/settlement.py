"""Many-to-one: an acquirer batch settles many payments as one net credit after fees."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pasar_pay.domain.reconciliation.fees import FeeRule, payment_fee
from pasar_pay.domain.reconciliation.model import SettlementBatch, StatementLine
from pasar_pay.domain.reconciliation.units import Unit


@dataclass(frozen=True, slots=True)
class BatchCheck:
    units: list[Unit]  # members found among the callbacks, in the batch's member order
    line: int | None  # index of the statement credit, if found
    problems: tuple[str, ...]
    expected_net: int  # Σ callback gross − Σ fee by rule: what the bank should have credited
    actual: int  # the statement credit (0 if none)
    fee_by_rule: int


def check_batch(
    batch: SettlementBatch,
    unit_by_ref: dict[str, Unit],
    find_line: Callable[[SettlementBatch], int | None],
    lines: list[StatementLine],
    fee_rule: FeeRule,
    tolerance: int,
) -> BatchCheck:
    """Claim the batch's member units and its credit line, and list every disagreement.

    The acquirer's own numbers are checked against each other (Σ gross, fee by rule, net) and
    against ours (callback gross per member, the statement credit). All are reported, not just
    the first, so a reviewer sees the whole picture.
    """
    problems: list[str] = []
    units: list[Unit] = []
    gross_ours = 0
    fee_by_rule = 0
    for m in batch.members:
        fee = payment_fee(m.gross, batch.mdr_bp, fee_rule) + batch.flat_fee
        fee_by_rule += fee
        if fee != m.fee:
            problems.append(f"member {m.reference}: fee {m.fee}, rule gives {fee}")
        unit = unit_by_ref.get(m.reference)
        if unit is None or unit.in_batch or unit.lines:
            problems.append(f"member {m.reference}: no callback")
            continue
        unit.in_batch = True
        units.append(unit)
        assert unit.callback is not None  # only callback units are indexed by reference
        gross_ours += unit.callback.gross_amount
        if unit.callback.gross_amount != m.gross:
            problems.append(
                f"member {m.reference}: gross {m.gross}, callback {unit.callback.gross_amount}"
            )
    gross_reported = sum(m.gross for m in batch.members)
    if gross_reported != batch.gross_total:
        problems.append(f"gross total {batch.gross_total}, members sum {gross_reported}")
    if fee_by_rule != batch.fee_total:
        problems.append(f"fee total {batch.fee_total}, rule gives {fee_by_rule}")
    if batch.gross_total - batch.fee_total != batch.net_credit:
        problems.append(
            f"net {batch.net_credit} != gross {batch.gross_total} - fee {batch.fee_total}"
        )
    line = find_line(batch)
    actual = lines[line].amount if line is not None else 0
    expected_net = gross_ours - fee_by_rule
    if line is None:
        problems.append("no statement credit for the batch")
    elif abs(actual - expected_net) > tolerance:
        problems.append(f"statement credit {actual}, expected {expected_net}")
    return BatchCheck(units, line, tuple(problems), expected_net, actual, fee_by_rule)
