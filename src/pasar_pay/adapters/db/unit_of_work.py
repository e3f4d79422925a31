"""One database transaction per use case: the service commits before any response is built."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from pasar_pay.adapters.db.bank_store import SqlBankStore
from pasar_pay.adapters.db.billing_store import SqlBillingStore
from pasar_pay.adapters.db.cash_store import SqlCashStore
from pasar_pay.adapters.db.ledger_store import SqlLedgerStore
from pasar_pay.adapters.db.objection_store import SqlObjectionStore
from pasar_pay.adapters.db.order_store import SqlOrderStore
from pasar_pay.adapters.db.qris_store import SqlQrisStore
from pasar_pay.adapters.db.registry_store import SqlRegistryStore
from pasar_pay.adapters.db.report_store import SqlReportStore
from pasar_pay.adapters.db.stores import (
    SqlApiKeyStore,
    SqlAuditLog,
    SqlIdempotencyStore,
    SqlMarketStore,
)


class SqlUnitOfWork:
    ledger: SqlLedgerStore
    idempotency: SqlIdempotencyStore
    audit: SqlAuditLog
    keys: SqlApiKeyStore
    markets: SqlMarketStore
    registry: SqlRegistryStore
    billing: SqlBillingStore
    cash: SqlCashStore
    objections: SqlObjectionStore
    reports: SqlReportStore
    banks: SqlBankStore
    qris: SqlQrisStore
    orders: SqlOrderStore

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    def __enter__(self) -> Self:
        connection = self._engine.connect()
        connection.begin()
        self._connection = connection
        self.ledger = SqlLedgerStore(connection)
        self.idempotency = SqlIdempotencyStore(connection)
        self.audit = SqlAuditLog(connection)
        self.keys = SqlApiKeyStore(connection)
        self.markets = SqlMarketStore(connection)
        self.registry = SqlRegistryStore(connection)
        self.billing = SqlBillingStore(connection)
        self.cash = SqlCashStore(connection)
        self.objections = SqlObjectionStore(connection)
        self.reports = SqlReportStore(connection)
        self.banks = SqlBankStore(connection)
        self.qris = SqlQrisStore(connection)
        self.orders = SqlOrderStore(connection)
        return self

    @property
    def connection(self) -> Connection:
        assert self._connection is not None, "use the unit of work as a context manager"
        return self._connection

    def commit(self) -> None:
        self.connection.commit()

    def rollback(self) -> None:
        self.connection.rollback()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self.connection
        try:
            if connection.in_transaction():
                connection.rollback()  # whatever was not committed explicitly is discarded
        finally:
            connection.close()
            self._connection = None


class SqlUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
