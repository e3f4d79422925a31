"""Ports: what the use cases need from storage and the outside world, as Protocols.

Adapters implement them (SQLAlchemy in `adapters/db`); tests may pass fakes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from pasar_pay.domain.access import Role
from pasar_pay.domain.accounts import AccountSpec
from pasar_pay.domain.billing.days_off import DayOff
from pasar_pay.domain.billing.outages import Outage
from pasar_pay.domain.billing.tariffs import TariffVersion
from pasar_pay.domain.ledger import Balance, Posting
from pasar_pay.domain.registry.model import StallSpec, StallStatus, VendorSpec
from pasar_pay.services.banking.ports import BankStore
from pasar_pay.services.orders.ports import OrderStore
from pasar_pay.services.qris_ports import QrisStore

Clock = Callable[[], datetime]


class DuplicateKey(Exception):
    """A unique constraint said someone else wrote this first (idempotency, resolution)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True, slots=True)
class StoredAccount:
    id: int
    spec: AccountSpec
    balance: Balance


@dataclass(frozen=True, slots=True)
class StoredEntry:
    id: str
    chain: str
    seq: int
    kind: str
    effective_at: datetime
    recorded_at: datetime
    description: str
    reference: str | None
    metadata: Mapping[str, str]
    reverses: str | None
    pending_id: str | None
    expires_at: datetime | None
    postings: tuple[Posting, ...]
    prev_hash: str
    entry_hash: str


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    scope: str
    key: str
    operation: str
    request_hash: str
    request: Any
    outcome: str  # "succeeded" | "failed"
    response: dict[str, Any]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class EntryFilter:
    """Allow-listed filters for reading entries; anything else is refused upstream."""

    chains: frozenset[str] | None = None  # None: every chain (finance)
    account: str | None = None
    reference: str | None = None
    kind: str | None = None
    effective_from: datetime | None = None
    effective_to: datetime | None = None


@dataclass(frozen=True, slots=True)
class AccountFilter:
    markets: frozenset[str] | None = None  # None: all (finance)
    market: str | None = None
    vendor: str | None = None
    kind: str | None = None
    include_city: bool = True


@dataclass(frozen=True, slots=True)
class ApiKeyRecord:
    id: str
    prefix: str
    secret_hash: str
    role: Role
    markets: frozenset[str]
    vendor_code: str | None
    bank_code: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None


@dataclass(frozen=True, slots=True)
class MarketRecord:
    code: str
    name: str
    kecamatan: str | None = None
    kelas: str | None = None
    specialty: str | None = None
    stalls_estimate: int | None = None
    source: str | None = None
    confidence: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class StallFilter:
    markets: frozenset[str] | None = None  # None: all markets
    market: str | None = None
    vendor: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class PlacementRecord:
    id: str
    stall_code: str
    vendor_code: str
    status: str
    valid_from: date
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class PlacementFilter:
    markets: frozenset[str] | None = None  # None: all markets
    market: str | None = None
    vendor: str | None = None
    stall: str | None = None
    status: str | None = None


class RegistryStore(Protocol):
    def save_profile(
        self, market: str, cashless_since: date | None, channels: Sequence[str], now: datetime
    ) -> None: ...
    def profile(self, market: str) -> tuple[date | None, list[str]]: ...
    def add_stalls(self, specs: Sequence[StallSpec], now: datetime) -> int: ...
    def stall(self, code: str) -> StallSpec | None: ...
    def set_stall_status(self, code: str, status: StallStatus) -> None: ...
    def list_stalls(self, flt: StallFilter, after: str | None, limit: int) -> list[StallSpec]: ...
    def add_vendors(self, specs: Sequence[VendorSpec], now: datetime) -> int: ...
    def vendor(self, code: str) -> VendorSpec | None: ...
    def vendor_markets(self, code: str) -> set[str]: ...
    def placement(self, placement_id: str) -> PlacementRecord | None: ...
    def active_placement(self, stall: str) -> PlacementRecord | None: ...
    def save_placements(self, records: Sequence[PlacementRecord], now: datetime) -> None: ...
    def add_placement_events(self, events: Sequence[dict[str, Any]]) -> None: ...
    def placement_history(self, placement_id: str) -> list[dict[str, Any]]: ...
    def bulk_placements(self, rows: Sequence[dict[str, Any]]) -> None: ...
    # placement rights (SHP) lifecycle
    def lock_stall(self, code: str) -> StallSpec | None: ...
    def lock_placement(self, placement_id: str) -> PlacementRecord | None: ...
    def list_placements(
        self, flt: PlacementFilter, after: str | None, limit: int
    ) -> list[PlacementRecord]: ...


@dataclass(frozen=True, slots=True)
class Billable:
    stall_code: str
    market_code: str
    stall_type: str
    area_cm2: int
    status: str
    kelas: str | None
    vendor_code: str
    cadence: str
    held_from: date


@dataclass(frozen=True, slots=True)
class BillRow:
    id: str
    stall_code: str
    vendor_code: str
    market_code: str
    cadence: str
    period_start: date
    period_end: date
    due_date: date
    amount: int
    computation: dict[str, Any]
    to_verify: bool
    run_id: str | None


@dataclass(frozen=True, slots=True)
class BillRecord:
    id: str
    stall_code: str
    vendor_code: str
    market_code: str
    cadence: str
    period_start: date
    period_end: date
    due_date: date
    amount: int
    owed: int  # amount + penalties - payments, credit, waivers, adjustments
    computation: dict[str, Any]
    to_verify: bool


@dataclass(frozen=True, slots=True)
class BillsFilter:
    vendor: str | None = None
    markets: frozenset[str] | None = None
    stall: str | None = None
    open_only: bool = False
    ids: frozenset[str] | None = None
    lock: bool = False


class BillingStore(Protocol):
    def tariff_versions(self) -> list[TariffVersion]: ...
    def add_tariffs(self, versions: Sequence[TariffVersion], now: datetime) -> int: ...
    def billable(self, market_codes: Sequence[str] | None) -> list[Billable]: ...
    def insert_bills(self, rows: Sequence[BillRow], now: datetime) -> set[str]: ...
    def record_run(
        self,
        run_id: str,
        first: date,
        last: date,
        cadence: str,
        by: str | None,
        created: int,
        amount: int,
        now: datetime,
    ) -> None: ...
    def bills(self, flt: BillsFilter, after: str | None, limit: int) -> list[BillRecord]: ...
    def movements(self, bill_id: str) -> list[dict[str, Any]]: ...
    def add_movements(self, rows: Sequence[dict[str, Any]]) -> None: ...
    def penalty_months(self, bill_ids: Sequence[str]) -> dict[str, int]: ...
    def principal_paid(self, bill_ids: Sequence[str]) -> dict[str, int]: ...
    def outages(self, market: str | None) -> list[Outage]: ...
    def add_outage(
        self,
        market: str | None,
        channel: str,
        first: date,
        last: date,
        note: str,
        by: str | None,
        now: datetime,
    ) -> None: ...
    def dunning(self, stall: str) -> tuple[str, date] | None: ...
    def days_off(self, markets: Sequence[str] | None, lo: date, hi: date) -> list[DayOff]: ...
    def add_day_off(self, record: DayOff, by: str | None, now: datetime) -> int: ...
    def save_dunning(self, stall: str, state: str, since: date, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class AgingRow:
    market: str
    vendor: str | None  # None when aggregated per market
    bucket: str
    owed: int
    bills: int


@dataclass(frozen=True, slots=True)
class CollectionRow:
    market: str
    day: date  # Jakarta day of the payment's effective time
    channel: str
    amount: int
    payments: int


class ReportStore(Protocol):
    def aging(
        self,
        markets: frozenset[str] | None,
        buckets: Sequence[tuple[str, date | None, date | None]],  # label, due from, due to
        by_vendor: bool,
    ) -> list[AgingRow]: ...
    def collections(
        self, markets: frozenset[str] | None, start: datetime, end: datetime
    ) -> list[CollectionRow]: ...
    def paying_vendors(
        self, markets: frozenset[str] | None, start: datetime, end: datetime
    ) -> dict[str, tuple[int, int]]: ...  # market -> (vendors who paid, of whom cashless)
    def stall_statuses(self, markets: frozenset[str] | None) -> dict[tuple[str, str], int]: ...
    def placement_validity(
        self, markets: frozenset[str] | None, as_of: date, horizon: date
    ) -> dict[str, tuple[int, int, int]]: ...  # market -> (held, expiring, expired)


class CashStore(Protocol):
    def receipt(self, receipt_id: str) -> dict[str, Any] | None: ...
    def add_receipt(self, row: dict[str, Any]) -> None: ...
    def undeposited(self, collector: str) -> list[dict[str, Any]]: ...
    def add_deposit(self, deposit: dict[str, Any], receipt_ids: Sequence[str]) -> None: ...
    def deposit(self, deposit_id: str, lock: bool = False) -> dict[str, Any] | None: ...
    def verify_deposit(
        self, deposit_id: str, sts: str, by: str, at: datetime, entry_id: str
    ) -> None: ...
    def deposits(
        self, markets: frozenset[str] | None, status: str | None
    ) -> list[dict[str, Any]]: ...


class ObjectionStore(Protocol):
    def add(self, row: dict[str, Any]) -> None: ...
    def get(self, objection_id: str, lock: bool = False) -> dict[str, Any] | None: ...
    def for_bill(self, bill_id: str) -> list[dict[str, Any]]: ...
    def resolve(
        self,
        objection_id: str,
        status: str,
        resolution: str,
        by: str,
        at: datetime,
        entry_id: str | None,
    ) -> None: ...


class LedgerStore(Protocol):
    def open_accounts(self, specs: Sequence[AccountSpec], now: datetime) -> int: ...
    def lock(
        self, codes: Sequence[str], chains: Sequence[str]
    ) -> tuple[dict[str, StoredAccount], dict[str, tuple[int, str]]]: ...
    def record(
        self,
        entries: Sequence[StoredEntry],
        account_ids: Mapping[str, int],
        idempotency: tuple[str, str] | None,
        balances: Mapping[int, Balance],
        heads: Mapping[str, tuple[int, str]],
    ) -> None: ...
    def lock_accounts(self, codes: Sequence[str]) -> dict[str, StoredAccount]: ...
    def get_accounts(self, codes: Sequence[str]) -> dict[str, StoredAccount]: ...
    def list_accounts(
        self, flt: AccountFilter, after: str | None, limit: int
    ) -> list[StoredAccount]: ...
    def save_balances(self, balances: Mapping[int, Balance]) -> None: ...
    def lock_chain(self, chain: str) -> tuple[int, str]: ...
    def advance_chain(self, chain: str, seq: int, head_hash: str) -> None: ...
    def insert_entries(
        self,
        entries: Sequence[StoredEntry],
        account_ids: Mapping[str, int],
        idempotency: tuple[str, str] | None,
    ) -> None: ...
    def get_entry(self, entry_id: str) -> StoredEntry | None: ...
    def find_resolution(self, pending_id: str) -> StoredEntry | None: ...
    def find_reversal(self, entry_id: str) -> StoredEntry | None: ...
    def expired_pending_ids(self, now: datetime, limit: int) -> list[str]: ...
    def list_entries(
        self, flt: EntryFilter, after: tuple[datetime, str] | None, limit: int
    ) -> list[StoredEntry]: ...
    def balance_as_of(
        self, account_ids: Sequence[int], at: datetime, by_recorded: bool
    ) -> dict[int, Balance]: ...
    def chain_names(self) -> list[str]: ...
    def chain_head(self, chain: str) -> tuple[int, str]: ...
    def iter_chain(self, chain: str, after_seq: int, batch: int) -> Iterator[StoredEntry]: ...
    def heads_as_of(self, moment: datetime) -> dict[str, tuple[int, str]]: ...
    def get_checkpoint(self, chain: str) -> tuple[int, str] | None: ...
    def save_checkpoint(self, chain: str, seq: int, head_hash: str, at: datetime) -> None: ...
    def save_digest(
        self, day: date, document: str, signature: str, public_key: str, at: datetime
    ) -> None: ...
    def get_digest(self, day: date) -> tuple[str, str, str] | None: ...


class IdempotencyStore(Protocol):
    def get(self, scope: str, key: str) -> IdempotencyRecord | None: ...
    def insert(self, record: IdempotencyRecord) -> None: ...


class AuditLog(Protocol):
    def append(
        self, at: datetime, actor: str | None, action: str, subject: str | None, details: Any
    ) -> None: ...


class ApiKeyStore(Protocol):
    def insert(self, record: ApiKeyRecord, created_by: str | None) -> None: ...
    def by_prefix(self, prefix: str) -> ApiKeyRecord | None: ...
    def revoke(self, key_id: str, at: datetime) -> bool: ...
    def list(self) -> list[ApiKeyRecord]: ...
    def count_active(self, role: Role) -> int: ...


class MarketStore(Protocol):
    def upsert(self, market: MarketRecord, now: datetime) -> bool: ...
    def get(self, code: str) -> MarketRecord | None: ...
    def list(self, codes: frozenset[str] | None) -> list[MarketRecord]: ...
    def existing_codes(self, codes: Sequence[str]) -> set[str]: ...


class UnitOfWork(Protocol):
    # Read-only members, so an adapter's concrete store types satisfy them.
    @property
    def ledger(self) -> LedgerStore: ...
    @property
    def idempotency(self) -> IdempotencyStore: ...
    @property
    def audit(self) -> AuditLog: ...
    @property
    def keys(self) -> ApiKeyStore: ...
    @property
    def markets(self) -> MarketStore: ...
    @property
    def registry(self) -> RegistryStore: ...
    @property
    def billing(self) -> BillingStore: ...
    @property
    def cash(self) -> CashStore: ...
    @property
    def objections(self) -> ObjectionStore: ...
    @property
    def reports(self) -> ReportStore: ...
    @property
    def banks(self) -> BankStore: ...
    @property
    def qris(self) -> QrisStore: ...
    @property
    def orders(self) -> OrderStore: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
