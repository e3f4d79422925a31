"""The unit of work with the reconciliation store: the shared one plus `recon`, kept in its
own file so reconciliation adds no member every other use case would carry."""

from __future__ import annotations

from typing import Self

from sqlalchemy import Engine

from pasar_pay.adapters.db.recon_store import SqlReconStore
from pasar_pay.adapters.db.unit_of_work import SqlUnitOfWork


class SqlReconUnitOfWork(SqlUnitOfWork):
    recon: SqlReconStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.recon = SqlReconStore(self.connection)
        return self


class SqlReconUnitOfWorkFactory:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self) -> SqlReconUnitOfWork:
        return SqlReconUnitOfWork(self.engine)
