"""The daily close per market: what came in, what the bank credited, what matched, the STS
slips and the signed digest of the ledger's chain heads; frozen once written.

Days close in order. Nothing is ever edited: an item that arrives after its day was closed (a
late callback, a statement imported late, an adjustment) is reported by the next close, under
"late", with the day it belongs to (its `effective_at`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pasar_pay.domain.access import Principal
from pasar_pay.domain.errors import NotFound, ValidationFailed
from pasar_pay.services.digest import DigestService, end_of_day
from pasar_pay.services.ports import Clock
from pasar_pay.services.recon.common import record, require_market
from pasar_pay.services.recon.matching import MatchingService
from pasar_pay.services.recon_ports import ExceptionFilter, ReconUnitOfWorkFactory

CHANNELS = ("va", "qris", "cash")


class CloseService:
    def __init__(
        self,
        uow_factory: ReconUnitOfWorkFactory,
        clock: Clock,
        digests: DigestService,
        matching: MatchingService,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._digests = digests
        self._matching = matching

    def close(self, caller: Principal, market: str, day: date) -> dict[str, Any]:
        """Close `day` for `market` (idempotent: closing it again returns the frozen report)."""
        require_market(caller, market)
        with self._uow() as uow:
            if uow.markets.get(market) is None:
                raise NotFound("market not found", code="market_not_found")
            existing = uow.recon.close(market, day)
            if existing is not None:
                return dict(existing["report"])
            last = uow.recon.last_close(market)
        if end_of_day(day) > self._clock():
            raise ValidationFailed("the day has not ended yet", code="day_not_ended")
        if last is not None and day != last["day"] + timedelta(days=1):
            raise ValidationFailed(
                f"days close in order: the next day to close is {last['day'] + timedelta(days=1)}",
                code="close_out_of_order",
                next_day=str(last["day"] + timedelta(days=1)),
            )
        self._matching.run(caller, market, day, day)  # the close reflects a fresh match
        digest = self._digests.publish(day)
        with self._uow() as uow:
            last = uow.recon.last_close(market)  # locked: two closes of a market serialise
            existing = uow.recon.close(market, day)
            if existing is not None:
                return dict(existing["report"])
            now = self._clock()
            since = last["closed_at"] if last is not None else None
            report = self._report(uow, market, day, since)
            report["digest"] = {
                "document": digest.document,
                "signature": digest.signature,
                "public_key": digest.public_key,
            }
            report["closed_at"] = now.isoformat()
            if not uow.recon.add_close(
                {
                    "market_code": market,
                    "day": day,
                    "closed_by": caller.key_id,
                    "closed_at": now,
                    "report": report,
                }
            ):  # a concurrent close of the same day won: return its report
                uow.rollback()
                return self.get(caller, market, day)
            record(uow, now, caller.key_id, "day_closed", market=market, day=str(day))
            uow.commit()
        return report

    def get(self, caller: Principal, market: str, day: date) -> dict[str, Any]:
        require_market(caller, market)
        with self._uow() as uow:
            found = uow.recon.close(market, day)
        if found is None:
            raise NotFound("the day is not closed", code="close_not_found")
        return dict(found["report"])

    def _report(self, uow: Any, market: str, day: date, since: Any) -> dict[str, Any]:
        scope = frozenset({market})
        on_day = uow.recon.collections(scope, day, day, None)
        late = []
        if since is not None:
            earlier = uow.recon.collections(
                scope, day - timedelta(days=370), day - timedelta(1), since
            )
            late = [
                {
                    "entry_id": r["entry_id"],
                    "belongs_to": str(r["day"]),
                    "channel": r["channel"],
                    "amount": r["amount"],
                }
                for r in sorted(earlier, key=lambda r: (r["day"], r["entry_id"]))
            ]
        by_channel = {c: sum(r["amount"] for r in on_day if r["channel"] == c) for c in CHANNELS}
        credits = uow.recon.credits(scope, day, day, None)
        late_credits = []
        if since is not None:
            late_credits = [
                {"value_date": str(r["day"]), "amount": r["amount"]}
                for r in uow.recon.credits(
                    scope, day - timedelta(days=370), day - timedelta(1), since
                )
            ]
        matched_count, matched_amount = uow.recon.matched(market, day)
        open_rows = uow.recon.exceptions(ExceptionFilter(scope, "open"), None, 10_000)
        todays = [r for r in open_rows if r["as_of"] == day]
        deposits = uow.recon.deposits(market, _start(day), _start(day + timedelta(days=1)))
        return {
            "market": market,
            "day": str(day),
            "collections": {**by_channel, "total": sum(by_channel.values())},
            "bank_credits": {"count": len(credits), "amount": sum(r["amount"] for r in credits)},
            "matched": {"count": matched_count, "amount": matched_amount},
            "unmatched": {
                "count": len(todays),
                "amount": sum(r["amount"] for r in todays),
                "open_total": len(open_rows),
                "by_type": _by_type(todays),
            },
            "sts_slips": [
                {
                    "sts_number": d["sts_number"],
                    "amount": int(d["amount"]),
                    "collector": d["collector"],
                }
                for d in deposits
            ],
            "late": {"collections": late, "bank_credits": late_credits},
        }


def _start(day: date) -> Any:
    return end_of_day(day - timedelta(days=1))


def _by_type(rows: list[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in rows:
        out[r["type"]] = out.get(r["type"], 0) + 1
    return dict(sorted(out.items()))
