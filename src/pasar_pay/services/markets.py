"""The market registry's first use case: load markets and open their ledger accounts."""

from __future__ import annotations

from collections.abc import Sequence

from pasar_pay.domain import accounts
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound
from pasar_pay.services.ports import Clock, MarketRecord, UnitOfWorkFactory


class MarketService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, banks: Sequence[str]) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._banks = list(banks)

    def load(self, records: Sequence[MarketRecord]) -> int:
        """Insert or update markets (idempotent) and open each market's accounts."""
        created = 0
        with self._uow() as uow:
            now = self._clock()
            for record in records:
                created += uow.markets.upsert(record, now)
                uow.ledger.open_accounts(accounts.market_accounts(record.code, self._banks), now)
                uow.ledger.lock_chain(record.code)  # create the market's chain head
            uow.ledger.open_accounts(accounts.city_accounts(), now)
            uow.ledger.lock_chain("CITY")
            uow.commit()
        return created

    @staticmethod
    def _scoped(caller: Principal) -> bool:
        # Market facts are public; only market staff are confined to their own markets.
        return caller.role in (Role.MANAGER, Role.COLLECTOR)

    def list_visible(self, caller: Principal) -> list[MarketRecord]:
        with self._uow() as uow:
            return uow.markets.list(caller.markets if self._scoped(caller) else None)

    def get_visible(self, caller: Principal, code: str) -> MarketRecord:
        if self._scoped(caller):
            caller.require_market(code)
        with self._uow() as uow:
            market = uow.markets.get(code)
        if market is None:
            raise NotFound("market not found", code="market_not_found")
        return market
