"""Reconciliation services (issue 6), built from the container's engine, clock and ledger.

Kept apart from wiring.py so the shared container gains a single `recon` member.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from pasar_pay.adapters.db.recon_uow import SqlReconUnitOfWorkFactory
from pasar_pay.adapters.statements.reader import StatementFiles
from pasar_pay.services.recon.close import CloseService
from pasar_pay.services.recon.exceptions import ExceptionService
from pasar_pay.services.recon.imports import ReconImportService
from pasar_pay.services.recon.matching import MatchingService
from pasar_pay.services.recon.reports import ReconReports

if TYPE_CHECKING:
    from pasar_pay.entrypoints.wiring import Container


class ReconServices:
    def __init__(self, container: Container) -> None:
        self._c = container

    @cached_property
    def uow(self) -> SqlReconUnitOfWorkFactory:
        return SqlReconUnitOfWorkFactory(self._c.engine)

    @cached_property
    def imports(self) -> ReconImportService:
        return ReconImportService(self.uow, self._c.clock, StatementFiles())

    @cached_property
    def matching(self) -> MatchingService:
        return MatchingService(self.uow, self._c.clock, self._c.ledger)

    @cached_property
    def exceptions(self) -> ExceptionService:
        return ExceptionService(self.uow, self._c.clock, self._c.ledger)

    @cached_property
    def close(self) -> CloseService:
        return CloseService(self.uow, self._c.clock, self._c.digests, self.matching)

    @cached_property
    def reports(self) -> ReconReports:
        return ReconReports(self.uow, self._c.clock)
