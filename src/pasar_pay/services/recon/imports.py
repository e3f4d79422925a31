"""Statements and settlement reports in: all or nothing, idempotent, balances checked.

A file is parsed completely before anything is written; the statements, their new lines and
any balance-gap exceptions are then written in one transaction. Re-importing the same or an
overlapping statement adds no line twice: the bank's line reference is unique per account.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.reconciliation import (
    ExceptionType,
    ReconException,
    SettlementBatch,
    Statement,
    check_continuity,
)
from pasar_pay.services.ports import Clock
from pasar_pay.services.recon.common import STAFF, fingerprint, record
from pasar_pay.services.recon_ports import (
    FeeRuleRecord,
    ReconAccount,
    ReconUnitOfWork,
    ReconUnitOfWorkFactory,
    StatementFile,
    StatementReader,
)


@dataclass(frozen=True, slots=True)
class ImportedStatement:
    id: str
    statement_ref: str
    account: str
    lines: int
    new_lines: int
    replayed: bool


@dataclass(frozen=True, slots=True)
class ImportResult:
    statements: tuple[ImportedStatement, ...]
    exceptions: int  # balance gaps raised by this import


class ReconImportService:
    def __init__(
        self, uow_factory: ReconUnitOfWorkFactory, clock: Clock, reader: StatementReader
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._reader = reader

    # -- configuration (finance) -------------------------------------------------------------
    def register_account(self, caller: Principal, account: ReconAccount) -> bool:
        caller.require_role(Role.FINANCE)
        with self._uow() as uow:
            if account.market is not None and uow.markets.get(account.market) is None:
                raise ValidationFailed("unknown market", code="market_unknown")
            added = uow.recon.add_account(account, self._clock())
            record(
                uow,
                self._clock(),
                caller.key_id,
                "account_registered",
                bank=account.bank,
                account=account.account_no,
                market=account.market,
                added=added,
            )
            uow.commit()
        return added

    def set_fee_rule(self, caller: Principal, rule: FeeRuleRecord) -> None:
        """MDR per acquirer in basis points (0 allowed); figures come from the contract."""
        caller.require_role(Role.FINANCE)
        if rule.mdr_bp < 0 or rule.flat_fee < 0 or rule.free_up_to < 0:
            raise ValidationFailed("fees must not be negative", code="fee_rule_invalid")
        with self._uow() as uow:
            uow.recon.save_fee_rule(rule, self._clock())
            record(
                uow,
                self._clock(),
                caller.key_id,
                "fee_rule_set",
                acquirer=rule.acquirer,
                mdr_bp=rule.mdr_bp,
                flat_fee=rule.flat_fee,
                note=rule.note,
            )
            uow.commit()

    def set_target(
        self, caller: Principal, market: str, month: date, target: int, source: str
    ) -> None:
        """A monthly collection target, with where it came from (never invented here)."""
        caller.require_role(Role.FINANCE)
        if target < 0 or not source.strip():
            raise ValidationFailed(
                "a target needs an amount >= 0 and a source", code="target_invalid"
            )
        with self._uow() as uow:
            if uow.markets.get(market) is None:
                raise ValidationFailed("unknown market", code="market_unknown")
            uow.recon.save_target(market, month.replace(day=1), target, source, self._clock())
            uow.commit()

    # -- statements --------------------------------------------------------------------------
    def import_statement(
        self,
        caller: Principal,
        *,
        kind: str,
        data: bytes,
        bank: str,
        account: str | None = None,
        source: str = "upload",
    ) -> ImportResult:
        """`kind`: "mt940" (accounts named in the file) or "csv" (the account's mapping)."""
        caller.require_role(*STAFF)
        with self._uow() as uow:
            if kind == "csv":
                known = uow.recon.account(bank, account or "")
                if known is None or not _sees(caller, known):
                    raise _unknown(bank, account or "", source, None)
                if known.csv_format is None:
                    raise ValidationFailed(
                        "the account has no CSV column mapping configured",
                        code="csv_format_missing",
                    )
                kind = f"csv:{known.csv_format}"
            files = self._reader.statements(kind, data, bank=bank, account=account, source=source)
            accounts = {}
            for st in files:  # every account is checked before anything is written
                found = uow.recon.account(st.bank, st.account)
                if found is None or not _sees(caller, found):
                    raise _unknown(st.bank, st.account, source, st.account_line)
                accounts[st.account] = found
            digest = hashlib.sha256(data).hexdigest()
            results, gaps = [], 0
            for st in sorted(files, key=lambda s: (s.account, s.closing_date, s.opening_date)):
                imported, raised = self._one(uow, caller, st, accounts[st.account], kind, digest)
                results.append(imported)
                gaps += raised
            uow.commit()
        return ImportResult(tuple(results), gaps)

    def _one(
        self,
        uow: ReconUnitOfWork,
        caller: Principal,
        st: StatementFile,
        account: ReconAccount,
        kind: str,
        digest: str,
    ) -> tuple[ImportedStatement, int]:
        now = self._clock()
        existing = uow.recon.find_statement(st)
        if existing is not None:
            return ImportedStatement(
                existing, st.statement_ref, st.account, len(st.lines), 0, True
            ), 0
        statement_id = str(uuid.uuid4())
        gaps = self._gaps(uow, st)
        if not uow.recon.add_statement(
            {
                "id": statement_id,
                "bank_code": st.bank,
                "account_no": st.account,
                "statement_ref": st.statement_ref,
                "format": kind[:20],
                "opening_date": st.opening_date,
                "closing_date": st.closing_date,
                "opening": st.opening,
                "closing": st.closing,
                "line_count": len(st.lines),
                "new_lines": 0,
                "file_sha256": digest,
                "imported_by": caller.key_id,
                "imported_at": now,
            }
        ):  # a concurrent import of the same statement won
            return ImportedStatement("", st.statement_ref, st.account, len(st.lines), 0, True), 0
        added = uow.recon.add_lines(
            [
                {
                    "bank_code": ln.bank,
                    "account_no": ln.account,
                    "line_ref": ln.line_ref[:64],
                    "statement_id": statement_id,
                    "market_code": account.market,
                    "value_date": ln.value_date,
                    "amount": ln.amount,
                    "side": ln.side.value,
                    "narrative": ln.narrative[:500],
                    "booked_at": ln.booked_at,
                    "rrn": ln.rrn,
                    "va_number": ln.va_number,
                    "qris_ref": ln.qris_ref,
                    "bill_ref": ln.bill_ref,
                    "source_line": ln.source_line,
                    "imported_at": now,
                }
                for ln in st.lines
            ]
        )
        raised = 0
        for gap in gaps:
            exception_id = str(uuid.uuid4())
            items = [f"statement:{st.bank}:{st.account}:{st.statement_ref}:{st.closing_date}"]
            if uow.recon.add_exception(
                exception_row(exception_id, gap, items, account.market, None, now)
            ):
                raised += 1
                record(
                    uow,
                    now,
                    None,
                    "exception_raised",
                    exception_id=exception_id,
                    type=gap.type.value,
                    amount=gap.amount,
                    detail=gap.detail,
                )
        record(
            uow,
            now,
            caller.key_id,
            "statement_imported",
            statement=statement_id,
            bank=st.bank,
            account=st.account,
            ref=st.statement_ref,
            lines=len(st.lines),
            new_lines=added,
        )
        return ImportedStatement(
            statement_id, st.statement_ref, st.account, len(st.lines), added, False
        ), raised

    def _gaps(self, uow: ReconUnitOfWork, st: StatementFile) -> tuple[ReconException, ...]:
        if st.opening is None or st.closing is None:
            return ()  # an export without balances cannot be checked; nothing to claim
        current = Statement(
            st.bank,
            st.account,
            st.statement_ref,
            st.opening_date,
            st.closing_date,
            st.opening,
            st.closing,
            st.lines,
        )
        chain = [current]
        prev = uow.recon.previous_statement(st.bank, st.account, st.opening_date, st.closing_date)
        if prev is not None and prev.closing is not None:
            chain.insert(
                0,
                Statement(
                    st.bank,
                    st.account,
                    prev.statement_ref,
                    prev.closing_date,
                    prev.closing_date,
                    prev.closing,
                    prev.closing,
                    (),
                ),
            )
        return check_continuity(chain)

    # -- settlement reports ------------------------------------------------------------------
    def import_settlement(
        self, caller: Principal, data: bytes, *, source: str = "settlement"
    ) -> dict[str, Any]:
        """An acquirer's settlement report (QRIS): batches kept for the next matching run."""
        caller.require_role(Role.FINANCE)
        batches = self._reader.settlements(data, source=source)
        now = self._clock()
        added = 0
        with self._uow() as uow:
            rules = uow.recon.fee_rules()
            for batch in batches:
                rule = rules.get(batch.acquirer)
                if rule is None:
                    raise ValidationFailed(
                        f"{source}: no fee rule for acquirer {batch.acquirer}: configure its "
                        "MDR first",
                        code="fee_rule_missing",
                        acquirer=batch.acquirer,
                    )
                if uow.recon.add_settlement(_settlement_row(batch, rule, caller, now)):
                    added += 1
                    record(
                        uow,
                        now,
                        caller.key_id,
                        "settlement_imported",
                        acquirer=batch.acquirer,
                        batch=batch.batch_id,
                        net=batch.net_credit,
                        fee=batch.fee_total,
                    )
                if rule.mdr_bp != batch.mdr_bp:
                    exc = ReconException(
                        ExceptionType.SETTLEMENT_MISMATCH,
                        batch.fee_total,
                        batch.settled_date,
                        market=rule.market,
                        detail=f"batch {batch.batch_id} charged {batch.mdr_bp} bp, the "
                        f"contract says {rule.mdr_bp} bp",
                        expected=rule.mdr_bp,
                        actual=batch.mdr_bp,
                    )
                    exception_id = str(uuid.uuid4())
                    items = [f"batch:{batch.acquirer}:{batch.batch_id}:rate"]
                    if uow.recon.add_exception(
                        exception_row(exception_id, exc, items, rule.market, None, now)
                    ):
                        record(
                            uow,
                            now,
                            None,
                            "exception_raised",
                            exception_id=exception_id,
                            type=exc.type.value,
                            detail=exc.detail,
                        )
            uow.commit()
        return {"batches": len(batches), "new": added}


def exception_row(
    exception_id: str,
    exc: ReconException,
    items: list[str],
    market: str | None,
    run_id: str | None,
    now: Any,
) -> dict[str, Any]:
    return {
        "id": exception_id,
        "fingerprint": fingerprint(exc.type.value, items),
        "type": exc.type.value,
        "status": "open",
        "market_code": market,
        "amount": abs(exc.amount),
        "as_of": exc.as_of,
        "detail": exc.detail[:500],
        "expected": exc.expected,
        "actual": exc.actual,
        "items": sorted(items),
        "assignee": None,
        "run_id": run_id,
        "entry_id": None,
        "reason": None,
        "requested_by": None,
        "created_at": now,
        "updated_at": now,
    }


def _settlement_row(
    batch: SettlementBatch, rule: FeeRuleRecord, caller: Principal, now: Any
) -> dict[str, Any]:
    return {
        "acquirer": batch.acquirer,
        "batch_id": batch.batch_id,
        "settled_date": batch.settled_date,
        "gross_total": batch.gross_total,
        "fee_total": batch.fee_total,
        "mdr_bp": batch.mdr_bp,
        "flat_fee": rule.flat_fee,
        "net_credit": batch.net_credit,
        "members": [[m.reference, m.gross, m.fee] for m in batch.members],
        "market_code": rule.market,
        "fee_entry_id": None,
        "imported_by": caller.key_id,
        "imported_at": now,
    }


def _sees(caller: Principal, account: ReconAccount) -> bool:
    return caller.city_wide or (account.market is not None and account.market in caller.markets)


def _unknown(bank: str, account: str, source: str, line: int | None) -> ValidationFailed:
    where = f"{source}, line {line}" if line else source
    return ValidationFailed(
        f"{where}: account {account} at {bank} is not a registered statement account",
        code="statement_account_unknown",
        line=line,
        source=source,
        bank=bank,
        account=account,
    )
