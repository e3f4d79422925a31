"""What reconciliation needs from storage and from the file parsers (implemented in adapters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from pasar_pay.domain.reconciliation import (
    CallbackRecord,
    LedgerRecord,
    SettlementBatch,
    StatementLine,
)
from pasar_pay.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class ReconAccount:
    bank: str
    account_no: str
    market: str | None  # None: the city's treasury account (finance only)
    csv_format: str | None
    label: str


@dataclass(frozen=True, slots=True)
class FeeRuleRecord:
    acquirer: str
    mdr_bp: int
    flat_fee: int = 0
    free_up_to: int = 0
    rounding: str = "half_up"
    market: str | None = None  # the market whose clearing account the acquirer credits
    note: str = "to verify with the acquirer"


@dataclass(frozen=True, slots=True)
class StatementFile:
    """One statement out of an uploaded file; balances are None when the export has none."""

    bank: str
    account: str
    statement_ref: str
    opening_date: date
    closing_date: date
    opening: int | None
    closing: int | None
    lines: tuple[StatementLine, ...]
    account_line: int = 1  # where the file names the account, for "unknown account" errors


class StatementReader(Protocol):
    """Parses an upload; refuses the whole file with `ValidationFailed(code=statement_invalid,
    line=…)` on the first bad line."""

    def statements(
        self, kind: str, data: bytes, *, bank: str, account: str | None, source: str
    ) -> list[StatementFile]:
        """`kind` is "mt940" or "csv:<format name>" (the account's configured mapping)."""
        ...

    def settlements(self, data: bytes, *, source: str) -> list[SettlementBatch]: ...


@dataclass(frozen=True, slots=True)
class PreviousStatement:
    statement_ref: str
    closing_date: date
    closing: int | None


@dataclass(frozen=True, slots=True)
class ExceptionFilter:
    markets: frozenset[str] | None = None  # None: every market (finance)
    status: str | None = None
    type: str | None = None


class ReconStore(Protocol):
    # configuration
    def add_account(self, account: ReconAccount, now: datetime) -> bool: ...
    def account(self, bank: str, account_no: str) -> ReconAccount | None: ...
    def accounts(self) -> list[ReconAccount]: ...
    def save_fee_rule(self, rule: FeeRuleRecord, now: datetime) -> None: ...
    def fee_rules(self) -> dict[str, FeeRuleRecord]: ...
    # statements
    def find_statement(self, st: StatementFile) -> str | None: ...
    def previous_statement(
        self, bank: str, account_no: str, opening_date: date, closing_date: date
    ) -> PreviousStatement | None: ...
    def add_statement(self, row: dict[str, Any]) -> bool: ...
    def add_lines(self, rows: Sequence[dict[str, Any]]) -> int: ...
    def add_settlement(self, row: dict[str, Any]) -> bool: ...
    def set_fee_entry(self, acquirer: str, batch_id: str, entry_id: str) -> None: ...
    # matching inputs (only items not yet matched)
    def lock_matching(self) -> None: ...
    def open_lines(self, market: str | None, lo: date, hi: date) -> list[StatementLine]: ...
    def open_callbacks(self, market: str | None, lo: date, hi: date) -> list[CallbackRecord]: ...
    def open_ledger(self, market: str | None, lo: date, hi: date) -> list[LedgerRecord]: ...
    def open_batches(self, lo: date, hi: date) -> list[SettlementBatch]: ...
    def line_markets(self, uids: Sequence[str]) -> dict[str, str | None]: ...
    # matches, exceptions, audit
    def add_run(self, row: dict[str, Any]) -> None: ...
    def claimed(self, items: Sequence[str]) -> set[str]: ...
    def add_match(self, row: dict[str, Any]) -> None: ...
    def add_exception(self, row: dict[str, Any]) -> bool: ...
    def add_matches(self, rows: Sequence[dict[str, Any]]) -> None: ...
    def add_exceptions(self, rows: Sequence[dict[str, Any]]) -> set[str]: ...
    def audit_many(self, rows: Sequence[dict[str, Any]]) -> None: ...
    def exception(self, exception_id: str, lock: bool = False) -> dict[str, Any] | None: ...
    def exceptions(
        self, flt: ExceptionFilter, after: str | None, limit: int
    ) -> list[dict[str, Any]]: ...
    def update_exception(self, exception_id: str, values: dict[str, Any]) -> None: ...
    def audit(self, row: dict[str, Any]) -> None: ...
    def audit_trail(self, exception_id: str) -> list[dict[str, Any]]: ...
    # daily close and reports
    def close(self, market: str, day: date) -> dict[str, Any] | None: ...
    def last_close(self, market: str) -> dict[str, Any] | None: ...
    def add_close(self, row: dict[str, Any]) -> bool: ...
    def collections(
        self, markets: frozenset[str] | None, lo: date, hi: date, recorded_after: datetime | None
    ) -> list[dict[str, Any]]: ...
    def credits(
        self, markets: frozenset[str] | None, lo: date, hi: date, imported_after: datetime | None
    ) -> list[dict[str, Any]]: ...
    def matched(self, market: str, day: date) -> tuple[int, int]: ...
    def deposits(self, market: str, lo: datetime, hi: datetime) -> list[dict[str, Any]]: ...
    def save_target(
        self, market: str, month: date, target: int, source: str, now: datetime
    ) -> None: ...
    def targets(
        self, markets: frozenset[str] | None, lo: date, hi: date
    ) -> dict[tuple[str, date], int]: ...


class ReconUnitOfWork(UnitOfWork, Protocol):
    @property
    def recon(self) -> ReconStore: ...


class ReconUnitOfWorkFactory(Protocol):
    def __call__(self) -> ReconUnitOfWork: ...
