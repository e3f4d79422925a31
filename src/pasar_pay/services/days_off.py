"""Record and read days off: market closures and a stall's idle days.

Managers record them for their markets, the finance office anywhere. They change bills only
for billing runs made after the record and only under a policy that skips them; a bill already
issued is corrected by an objection (keberatan) with an adjusting entry, never by an edit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.billing.days_off import DayOff
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.services.ports import Clock, StallFilter, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class RecordedDayOff:
    id: int
    created: bool  # False: the same record already existed and nothing was written


class DaysOffService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def record(self, caller: Principal, record: DayOff) -> RecordedDayOff:
        caller.require_role(Role.FINANCE, Role.MANAGER)
        caller.require_market(record.market_code)
        with self._uow() as uow:
            if uow.markets.get(record.market_code) is None:
                raise NotFound(f"market {record.market_code} not found")
            if record.stall_code is not None:
                stall = uow.registry.stall(record.stall_code)
                if stall is None or stall.market_code != record.market_code:
                    raise NotFound(f"stall {record.stall_code} not found in this market")
            # Days are a set: recording the same closure twice (a retried request) adds nothing.
            same = [
                r
                for r in uow.billing.days_off([record.market_code], record.first, record.last)
                if (r.stall_code, r.first, r.last) == (record.stall_code, record.first, record.last)
            ]
            if same:
                return RecordedDayOff(id=0, created=False)
            new_id = uow.billing.add_day_off(record, caller.key_id, self._clock())
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "days_off.record",
                record.stall_code or record.market_code,
                {"first": record.first.isoformat(), "last": record.last.isoformat()},
            )
            uow.commit()
        return RecordedDayOff(id=new_id, created=True)

    def list(
        self, caller: Principal, market: str, lo: date, hi: date, stall: str | None = None
    ) -> list[DayOff]:
        """A market's closures and idle days; a vendor sees closures and their own stalls."""
        if hi < lo:
            raise ValidationFailed("to is before from", code="days_off.range")
        with self._uow() as uow:
            if caller.role is Role.VENDOR:
                vendor = caller.vendor_code or ""
                if market not in uow.registry.vendor_markets(vendor):
                    raise NotFound("not found")
                own = {
                    s.code
                    for s in uow.registry.list_stalls(
                        StallFilter(market=market, vendor=vendor), None, 10_000
                    )
                }
                records = [
                    r
                    for r in uow.billing.days_off([market], lo, hi)
                    if r.stall_code is None or r.stall_code in own
                ]
            else:
                caller.require_market(market)
                records = uow.billing.days_off([market], lo, hi)
        if stall is not None:
            records = [r for r in records if r.stall_code in (None, stall)]
        return records
