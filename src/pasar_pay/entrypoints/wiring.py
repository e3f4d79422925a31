"""Build the services from settings: one place that knows every concrete adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from sqlalchemy import Engine

from pasar_pay.adapters.crypto.ed25519 import Ed25519Signer
from pasar_pay.adapters.db.engine import make_engine
from pasar_pay.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from pasar_pay.config import Mode, Settings
from pasar_pay.domain.billing.due_dates import DueDateRule
from pasar_pay.domain.billing.penalties import PenaltyPolicy
from pasar_pay.services.adjustments import AdjustmentService
from pasar_pay.services.api_keys import ApiKeyService
from pasar_pay.services.bill_payments import BillPayments
from pasar_pay.services.billing import BillingService
from pasar_pay.services.bills import BillReader
from pasar_pay.services.cash import CashService
from pasar_pay.services.chain_verify import ChainVerifier
from pasar_pay.services.collections import CollectionsService
from pasar_pay.services.digest import DigestService
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ledger_reads import LedgerReader
from pasar_pay.services.markets import MarketService
from pasar_pay.services.objections import ObjectionService
from pasar_pay.services.ports import Clock
from pasar_pay.services.registry import RegistryService

# Banks whose clearing accounts every market gets (configurable per market later).
DEFAULT_BANKS = ("BNI", "BANKJATENG")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Container:
    settings: Settings
    clock: Clock = utc_now
    engine_override: Engine | None = None

    @cached_property
    def engine(self) -> Engine:
        return self.engine_override or make_engine(self.settings.effective_database_url)

    @cached_property
    def uow(self) -> SqlUnitOfWorkFactory:
        return SqlUnitOfWorkFactory(self.engine)

    @cached_property
    def ledger(self) -> LedgerService:
        return LedgerService(self.uow, self.clock)

    @cached_property
    def ledger_reader(self) -> LedgerReader:
        return LedgerReader(self.uow)

    @cached_property
    def adjustments(self) -> AdjustmentService:
        return AdjustmentService(self.uow, self.clock, self.ledger)

    @cached_property
    def keys(self) -> ApiKeyService:
        return ApiKeyService(self.uow, self.clock)

    @cached_property
    def markets(self) -> MarketService:
        return MarketService(self.uow, self.clock, DEFAULT_BANKS)

    @cached_property
    def registry(self) -> RegistryService:
        return RegistryService(self.uow, self.clock)

    @cached_property
    def billing(self) -> BillingService:
        return BillingService(
            self.uow,
            self.clock,
            self.ledger,
            due_rule=DueDateRule(monthly_day=self.settings.monthly_due_day),
        )

    @cached_property
    def bill_payments(self) -> BillPayments:
        return BillPayments(self.ledger)

    @cached_property
    def bills(self) -> BillReader:
        return BillReader(self.uow)

    @cached_property
    def collections(self) -> CollectionsService:
        policy = PenaltyPolicy(
            rate_bp_per_month=self.settings.penalty_rate_bp_per_month,
            cap_months=self.settings.penalty_cap_months,
            legal_basis=self.settings.penalty_legal_basis,
            to_verify=True,
        )
        return CollectionsService(self.uow, self.clock, self.ledger, penalty_policy=policy)

    @cached_property
    def cash(self) -> CashService:
        return CashService(self.uow, self.clock, self.ledger, self.bill_payments)

    @cached_property
    def objections(self) -> ObjectionService:
        return ObjectionService(self.uow, self.clock, self.ledger)

    @cached_property
    def verifier(self) -> ChainVerifier:
        return ChainVerifier(self.uow, self.clock)

    @cached_property
    def digests(self) -> DigestService:
        signer = Ed25519Signer.from_file(
            self.settings.effective_digest_key_path,
            create=self.settings.mode is not Mode.PRODUCTION,
        )
        return DigestService(self.uow, self.clock, signer)
