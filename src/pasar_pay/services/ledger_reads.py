"""Reading the ledger, filtered to what the caller may see; cursors are opaque."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.domain.ledger import Balance
from pasar_pay.services.ledger import entry_view
from pasar_pay.services.ports import (
    AccountFilter,
    EntryFilter,
    StoredAccount,
    UnitOfWorkFactory,
)


def encode_cursor(*parts: str) -> str:
    return base64.urlsafe_b64encode("\x1f".join(parts).encode()).decode()


def decode_cursor(cursor: str, parts: int) -> list[str]:
    try:
        values = base64.urlsafe_b64decode(cursor.encode()).decode().split("\x1f")
    except (ValueError, UnicodeDecodeError):
        values = []
    if len(values) != parts:
        raise ValidationFailed("malformed cursor", code="cursor_invalid")
    return values


def account_view(account: StoredAccount, balance: Balance | None = None) -> dict[str, Any]:
    spec, totals = account.spec, balance or account.balance
    return {
        "code": spec.code,
        "kind": spec.kind.value,
        "market": spec.market_code,
        "vendor": spec.vendor_code,
        "normal_side": spec.normal_side.value,
        "posted": totals.posted(spec.normal_side),
        "available": totals.available(spec.normal_side),
        "posted_debits": totals.posted_debits,
        "posted_credits": totals.posted_credits,
        "pending_debits": totals.pending_debits,
        "pending_credits": totals.pending_credits,
    }


@dataclass(frozen=True, slots=True)
class Page:
    items: list[dict[str, Any]]
    next_cursor: str | None


class LedgerReader:
    def __init__(self, uow_factory: UnitOfWorkFactory) -> None:
        self._uow = uow_factory

    @staticmethod
    def _markets(caller: Principal) -> frozenset[str] | None:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        return None if caller.city_wide else caller.markets

    def accounts(
        self, caller: Principal, flt: AccountFilter, cursor: str | None, limit: int
    ) -> Page:
        scoped = AccountFilter(
            markets=self._markets(caller),
            market=flt.market,
            vendor=flt.vendor,
            kind=flt.kind,
            include_city=caller.city_wide,
        )
        after = decode_cursor(cursor, 1)[0] if cursor else None
        with self._uow() as uow:
            found = uow.ledger.list_accounts(scoped, after, limit + 1)
        items = [account_view(a) for a in found[:limit]]
        more = len(found) > limit
        return Page(items, encode_cursor(found[limit - 1].spec.code) if more else None)

    def balance(
        self, caller: Principal, code: str, as_of: datetime | None, by_recorded: bool
    ) -> dict[str, Any]:
        markets = self._markets(caller)
        with self._uow() as uow:
            account = uow.ledger.get_accounts([code]).get(code)
            if account is None or (markets is not None and account.spec.market_code not in markets):
                raise NotFound("account not found", code="account_not_found")
            if as_of is None:
                return account_view(account)
            history = uow.ledger.balance_as_of([account.id], as_of, by_recorded)[account.id]
        view = account_view(account, history)
        view.update(as_of=as_of.isoformat(), as_of_basis="recorded" if by_recorded else "effective")
        return view

    def entries(self, caller: Principal, flt: EntryFilter, cursor: str | None, limit: int) -> Page:
        markets = self._markets(caller)
        scoped = EntryFilter(
            chains=markets,
            account=flt.account,
            reference=flt.reference,
            kind=flt.kind,
            effective_from=flt.effective_from,
            effective_to=flt.effective_to,
        )
        after = None
        if cursor:
            stamp, entry_id = decode_cursor(cursor, 2)
            try:
                after = (datetime.fromisoformat(stamp), entry_id)
            except ValueError:
                raise ValidationFailed("malformed cursor", code="cursor_invalid") from None
        with self._uow() as uow:
            found = uow.ledger.list_entries(scoped, after, limit + 1)
        items = [entry_view(e) for e in found[:limit]]
        last = found[limit - 1] if len(found) > limit else None
        return Page(items, encode_cursor(last.recorded_at.isoformat(), last.id) if last else None)

    def entry(self, caller: Principal, entry_id: str) -> dict[str, Any]:
        markets = self._markets(caller)
        with self._uow() as uow:
            entry = uow.ledger.get_entry(entry_id)
            if entry is None or (markets is not None and entry.chain not in markets):
                raise NotFound("entry not found", code="entry_not_found")
            reversal = uow.ledger.find_reversal(entry_id)
            resolution = uow.ledger.find_resolution(entry_id)
        view = entry_view(entry)
        view["reversed_by"] = reversal.id if reversal else None
        view["resolved_by"] = resolution.id if resolution else None
        return view
