"""Build the services from settings: one place that knows every concrete adapter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property

from sqlalchemy import Engine

from pasar_pay.adapters.banks.acquirer_directory import OutboundSettings, SnapAcquirerDirectory
from pasar_pay.adapters.banks.resilience import RetryPolicy
from pasar_pay.adapters.banks.rsa_verifier import SnapRsaVerifier
from pasar_pay.adapters.banks.secret_box import FernetSecretBox
from pasar_pay.adapters.banks.snap_rsa import private_key_from_file
from pasar_pay.adapters.crypto.ed25519 import Ed25519Signer
from pasar_pay.adapters.db.engine import make_engine
from pasar_pay.adapters.db.unit_of_work import SqlUnitOfWorkFactory
from pasar_pay.adapters.rendering.cache import QrImageCache
from pasar_pay.adapters.webhooks.http_sender import HttpxWebhookSender
from pasar_pay.config import Mode, Settings
from pasar_pay.domain.billing.bill_calc import TradingDayPolicy
from pasar_pay.domain.billing.due_dates import DueDateRule
from pasar_pay.domain.billing.penalties import PenaltyPolicy
from pasar_pay.entrypoints.recon_wiring import ReconServices
from pasar_pay.services.adjustments import AdjustmentService
from pasar_pay.services.api_keys import ApiKeyService
from pasar_pay.services.banking.counterparties import CounterpartyService, VirtualAccountService
from pasar_pay.services.banking.gateway import SnapGateway
from pasar_pay.services.banking.qris_notify import QrisNotifications
from pasar_pay.services.banking.snap_auth import SnapAuthenticator
from pasar_pay.services.banking.va_biller import VaBiller
from pasar_pay.services.bill_payments import BillPayments
from pasar_pay.services.billing import BillingService
from pasar_pay.services.bills import BillReader
from pasar_pay.services.cash import CashService
from pasar_pay.services.chain_verify import ChainVerifier
from pasar_pay.services.collections import CollectionsService
from pasar_pay.services.days_off import DaysOffService
from pasar_pay.services.digest import DigestService
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.ledger_reads import LedgerReader
from pasar_pay.services.markets import MarketService
from pasar_pay.services.objections import ObjectionService
from pasar_pay.services.orders.catalog import CatalogService
from pasar_pay.services.orders.checkout import CheckoutService
from pasar_pay.services.orders.fulfilment import OrderService
from pasar_pay.services.orders.jobs import OrderJobs
from pasar_pay.services.orders.payments import OrderPayments
from pasar_pay.services.orders.payouts import PayoutService
from pasar_pay.services.orders.ports import WebhookSender
from pasar_pay.services.orders.settings import OrderSettings
from pasar_pay.services.orders.webhooks import WebhookService
from pasar_pay.services.placements import PlacementService
from pasar_pay.services.ports import Clock
from pasar_pay.services.qris_acquirer import RoutedAcquirer
from pasar_pay.services.qris_codes import QrisCodeService
from pasar_pay.services.qris_merchants import QrisMerchantService
from pasar_pay.services.qris_ports import AcquirerPort
from pasar_pay.services.registry import RegistryService
from pasar_pay.services.reports import ReportService

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
            trading_policy=TradingDayPolicy(self.settings.trading_policy),
        )

    @cached_property
    def days_off(self) -> DaysOffService:
        return DaysOffService(self.uow, self.clock)

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
    def placements(self) -> PlacementService:
        return PlacementService(self.uow, self.clock, self.ledger)

    @cached_property
    def reports(self) -> ReportService:
        return ReportService(self.uow, self.clock)

    # QRIS (issue 4) ------------------------------------------------------------------------
    @cached_property
    def acquirer_directory(self) -> SnapAcquirerDirectory:
        """SNAP connectors (qr-mpm-generate/query/refund) of acquirers with an outbound URL."""
        s = self.settings
        key_path = s.effective_snap_key_path
        create = s.mode is not Mode.PRODUCTION
        outbound = OutboundSettings(
            timeout=s.acquirer_timeout_seconds,
            retry=RetryPolicy(attempts=s.acquirer_attempts),
            breaker_threshold=s.acquirer_breaker_failures,
            breaker_reset=s.acquirer_breaker_reset_seconds,
        )
        return SnapAcquirerDirectory(
            self.uow,
            self.secret_box,
            lambda: private_key_from_file(key_path, create=create),
            self.clock,
            outbound,
        )

    @cached_property
    def qris_acquirer(self) -> AcquirerPort:
        """The market's acquirer when it generates codes, else (or degraded) local derivation."""
        return RoutedAcquirer(
            self.acquirer_directory,
            allow_fallback=self.settings.qris_local_fallback,
            override=self.settings.qris_demo_acquirer,
        )

    @cached_property
    def qris_merchants(self) -> QrisMerchantService:
        allow_demo = self.settings.mode is not Mode.PRODUCTION
        return QrisMerchantService(self.uow, self.clock, allow_demo=allow_demo)

    @cached_property
    def qris(self) -> QrisCodeService:
        ttl = timedelta(hours=self.settings.qris_expiry_hours)
        return QrisCodeService(self.uow, self.clock, self.qris_acquirer, ttl=ttl)

    @cached_property
    def qr_images(self) -> QrImageCache:
        return QrImageCache()

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

    @cached_property
    def recon(self) -> ReconServices:
        """Reconciliation (issue 6): imports, matching, exceptions, daily close, reports."""
        return ReconServices(self)

    # bank integration (issue 5) ------------------------------------------------------------
    @cached_property
    def secret_box(self) -> FernetSecretBox:
        return FernetSecretBox(self.settings.secret_key)

    @cached_property
    def rsa_verifier(self) -> SnapRsaVerifier:
        return SnapRsaVerifier()

    @cached_property
    def counterparties(self) -> CounterpartyService:
        return CounterpartyService(self.uow, self.clock, self.secret_box, self.rsa_verifier)

    @cached_property
    def virtual_accounts(self) -> VirtualAccountService:
        return VirtualAccountService(self.uow, self.clock)

    @cached_property
    def snap_gateway(self) -> SnapGateway:
        window = timedelta(seconds=self.settings.snap_timestamp_window_seconds)
        auth = SnapAuthenticator(self.uow, self.clock, self.secret_box, self.rsa_verifier, window)
        return SnapGateway(
            self.uow,
            self.clock,
            auth,
            VaBiller(self.uow, self.clock, self.bill_payments),
            QrisNotifications(self.uow, self.clock, self.bill_payments, self.order_payments),
        )

    # online orders (issue 7) ---------------------------------------------------------------
    @cached_property
    def catalog(self) -> CatalogService:
        return CatalogService(self.uow, self.clock)

    @cached_property
    def order_settings(self) -> OrderSettings:
        return OrderSettings(self.uow, self.clock)

    @cached_property
    def checkouts(self) -> CheckoutService:
        return CheckoutService(self.uow, self.clock, self.qris_acquirer)

    @cached_property
    def orders(self) -> OrderService:
        return OrderService(self.uow, self.clock, self.ledger)

    @cached_property
    def order_payments(self) -> OrderPayments:
        return OrderPayments(self.ledger)

    @cached_property
    def order_jobs(self) -> OrderJobs:
        return OrderJobs(self.uow, self.clock, self.orders)

    @cached_property
    def payouts(self) -> PayoutService:
        return PayoutService(self.uow, self.clock, self.ledger)

    @cached_property
    def webhook_sender(self) -> WebhookSender:
        return HttpxWebhookSender()

    @cached_property
    def webhooks(self) -> WebhookService:
        allow_http = self.settings.mode is not Mode.PRODUCTION  # local receivers while developing
        return WebhookService(
            self.uow, self.clock, self.secret_box, self.webhook_sender, allow_http=allow_http
        )
