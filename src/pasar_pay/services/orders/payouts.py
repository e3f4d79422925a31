"""Daily payout batches per vendor: completed prepaid orders not yet paid out, each line
showing its commission; retribution arrears netted only for vendors who opted in.

A batch is written once per vendor and day (unique key): running the day again pays nothing
twice, and the ledger's balance rule on the payable refuses paying out money that is not there.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pasar_pay.domain import accounts as chart
from pasar_pay.domain.access import Principal, Role
from pasar_pay.domain.errors import NotFound
from pasar_pay.domain.orders.payout import Arrear, PayoutLine, payout_batch
from pasar_pay.services.ledger import LedgerService
from pasar_pay.services.orders.ports import OrderRecord
from pasar_pay.services.ports import Clock, UnitOfWork, UnitOfWorkFactory

JAKARTA = ZoneInfo("Asia/Jakarta")


def end_of_day(day: date) -> datetime:
    """The first instant after `day` in Jakarta, in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), JAKARTA).astimezone(UTC)


class PayoutService:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, ledger: LedgerService) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._ledger = ledger

    def run(self, caller: Principal, day: date) -> list[dict[str, Any]]:
        """Pay out every vendor's completed orders up to the end of `day` (finance)."""
        with self._uow() as uow:
            candidates = uow.orders.payable_orders(None, end_of_day(day))
        vendors = sorted({o.vendor_code for o in candidates if o.mode == "prepaid"})
        return [p for v in vendors if (p := self._one(caller, v, day)) is not None]

    def _one(self, caller: Principal, vendor: str, day: date) -> dict[str, Any] | None:
        with self._uow() as uow:
            uow.ledger.lock_accounts([chart.vendor_payable(vendor).code])  # one batch at a time
            if uow.orders.payout_exists(vendor, day):
                return None
            orders = [
                o for o in uow.orders.payable_orders(vendor, end_of_day(day)) if o.mode == "prepaid"
            ]
            if not orders:
                return None
            banks = sorted({o.bank_code for o in orders if o.bank_code})
            payout = self._write(uow, vendor, day, orders, banks[0])
            uow.audit.append(
                self._clock(),
                caller.key_id,
                "orders.payout",
                vendor,
                {"day": day.isoformat(), "paid_out": payout["paid_out"]},
            )
            uow.commit()
        return payout

    def _write(
        self, uow: UnitOfWork, vendor: str, day: date, orders: list[OrderRecord], bank: str
    ) -> dict[str, Any]:
        now = self._clock()
        lines = [
            PayoutLine(o.id, o.held, o.refunded, o.commission or 0, o.commission_bps)
            for o in orders
        ]
        arrears: list[Arrear] = []
        opted_in = uow.orders.net_arrears(vendor)
        if opted_in:
            markets = sorted(uow.registry.vendor_markets(vendor))
            codes = [chart.market_receivable(m, vendor).code for m in markets]
            accounts = uow.ledger.get_accounts(codes)
            for market, code in zip(markets, codes, strict=True):
                if code in accounts:
                    owed = accounts[code].balance.posted(chart.Side.DEBIT)
                    if owed > 0:
                        arrears.append(Arrear(market, owed))
        due_code = chart.vendor_commission_due(vendor).code
        due_account = uow.ledger.get_accounts([due_code]).get(due_code)
        due = due_account.balance.posted(chart.Side.DEBIT) if due_account else 0
        plan = payout_batch(
            vendor,
            bank,
            day,
            now,
            lines,
            net_arrears=opted_in,
            arrears=arrears,
            commission_due=max(due, 0),
        )
        self._ledger.write(uow, list(plan.drafts))
        payout_id = str(uuid.uuid4())
        row = {
            "id": payout_id,
            "vendor_code": vendor,
            "day": day,
            "gross": sum(line.gross for line in lines),
            "refunded": sum(line.refunded for line in lines),
            "commission": plan.commission,
            "netted": [[m, a] for m, a in plan.netted],
            "paid_out": plan.paid_out,
            "created_at": now,
        }
        uow.orders.add_payout(
            row,
            [
                {
                    "payout_id": payout_id,
                    "order_id": line.order_ref,
                    "gross": line.gross,
                    "refunded": line.refunded,
                    "commission": line.commission,
                    "commission_bps": line.commission_bps,
                    "net": line.net,
                }
                for line in lines
            ],
        )
        return _view(row, uow.orders.payout_lines(payout_id))

    def list(self, caller: Principal, limit: int = 50) -> list[dict[str, Any]]:
        vendor = caller.vendor_code if caller.role is Role.VENDOR else None
        if caller.role not in (Role.VENDOR, Role.FINANCE):
            raise NotFound("not found")
        with self._uow() as uow:
            return [
                _view(p, uow.orders.payout_lines(p["id"]))
                for p in uow.orders.payouts(vendor, limit)
            ]


def _view(row: dict[str, Any], lines: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "vendor": row["vendor_code"],
        "day": row["day"].isoformat(),
        "gross": row["gross"],
        "refunded": row["refunded"],
        "commission": row["commission"],
        "netted": [{"market": m, "amount": a} for m, a in row["netted"]],
        # what is left once lines, arrears and the transfer are accounted for: cash-order
        # commission owed by the vendor and settled from this payout
        "commission_due_taken": row["gross"]
        - row["refunded"]
        - row["commission"]
        - sum(a for _, a in row["netted"])
        - row["paid_out"],
        "paid_out": row["paid_out"],
        "lines": [{k: v for k, v in line.items() if k != "payout_id"} for line in lines],
    }
