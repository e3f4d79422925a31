"""SQLAlchemy Core store for online orders (implements `services.orders.ports.OrderStore`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from pasar_pay.adapters.db.order_tables import (
    order_checkouts,
    order_commission_rules,
    order_events,
    order_lines,
    order_market_options,
    order_payout_lines,
    order_payouts,
    order_products,
    order_reference_prices,
    order_refunds,
    order_reservations,
    order_stalls,
    order_vendor_settings,
    orders,
    webhook_attempts,
    webhook_deliveries,
    webhook_endpoints,
)
from pasar_pay.domain.orders.catalog import (
    PricingUnit,
    Product,
    Stock,
    StockMode,
    WeightTolerance,
)
from pasar_pay.domain.orders.checkout import OrderLine, SubstitutionPreference
from pasar_pay.domain.orders.commission import CommissionRule
from pasar_pay.domain.orders.settlement import MarketPaymentOptions
from pasar_pay.services.orders.ports import (
    CatalogQuery,
    CheckoutRecord,
    LineRecord,
    OrderFilter,
    OrderRecord,
    ProductRecord,
    Shop,
    WebhookDelivery,
    WebhookEndpoint,
)

_P, _O, _R = order_products.c, orders.c, order_reservations.c


class SqlOrderStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # market options, shops, settings ----------------------------------------------------
    def market_options(self, market: str) -> MarketPaymentOptions:
        row = self._c.execute(
            select(order_market_options).where(order_market_options.c.market_code == market)
        ).first()
        if row is None:
            return MarketPaymentOptions(market)  # default: prepaid only
        return MarketPaymentOptions(
            market, row.cash_on_delivery, row.cod_max_amount, row.min_channel_refund
        )

    def save_market_options(self, options: MarketPaymentOptions, now: datetime) -> None:
        _upsert(
            self._c,
            order_market_options,
            {
                "market_code": options.market_code,
                "cash_on_delivery": options.cash_on_delivery,
                "cod_max_amount": options.cod_max_amount,
                "min_channel_refund": options.min_channel_refund,
                "updated_at": now,
            },
            ["market_code"],
        )

    def shop(self, stall: str) -> Shop | None:
        row = self._c.execute(
            select(order_stalls).where(order_stalls.c.stall_code == stall)
        ).first()
        if row is None:
            return None
        return Shop(row.stall_code, row.vendor_code, row.market_code, row.is_open)

    def save_shop(self, shop: Shop, now: datetime) -> None:
        _upsert(
            self._c,
            order_stalls,
            {
                "stall_code": shop.stall_code,
                "vendor_code": shop.vendor_code,
                "market_code": shop.market_code,
                "is_open": shop.is_open,
                "updated_at": now,
            },
            ["stall_code"],
        )

    def net_arrears(self, vendor: str) -> bool:
        value = self._c.scalar(
            select(order_vendor_settings.c.net_arrears).where(
                order_vendor_settings.c.vendor_code == vendor
            )
        )
        return bool(value)

    def save_net_arrears(self, vendor: str, opted_in: bool, now: datetime) -> None:
        _upsert(
            self._c,
            order_vendor_settings,
            {"vendor_code": vendor, "net_arrears": opted_in, "updated_at": now},
            ["vendor_code"],
        )

    # catalog ----------------------------------------------------------------------------
    def add_product(self, record: ProductRecord) -> None:
        row = _product_row(record)
        row["created_at"] = record.updated_at
        self._c.execute(insert(order_products), [row])

    def update_product(self, record: ProductRecord) -> None:
        row = _product_row(record)
        del row["id"]
        self._c.execute(
            update(order_products).where(_P.id == record.product.product_id).values(row)
        )

    def product(self, product_id: str) -> ProductRecord | None:
        row = self._c.execute(select(order_products).where(_P.id == product_id)).first()
        return None if row is None else _product(row)

    def lock_products(self, ids: Sequence[str]) -> dict[str, ProductRecord]:
        # One statement, rows locked in id order: racing checkouts queue, never deadlock.
        stmt = (
            select(order_products)
            .where(_P.id.in_(sorted(set(ids))))
            .order_by(_P.id)
            .with_for_update()
        )
        return {row.id: _product(row) for row in self._c.execute(stmt)}

    def browse(self, q: CatalogQuery, after: str | None, limit: int) -> list[ProductRecord]:
        stmt = select(order_products).where(_P.market_code == q.market).order_by(_P.id).limit(limit)
        if q.stall:
            stmt = stmt.where(_P.stall_code == q.stall)
        if q.category:
            stmt = stmt.where(_P.category == q.category)
        if q.text:
            pattern = "%" + q.text.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
            stmt = stmt.where(_P.search_text.like(pattern))
        if not q.include_inactive:
            stmt = stmt.where(_P.active.is_(True))
        if after:
            stmt = stmt.where(_P.id > after)
        return [_product(row) for row in self._c.execute(stmt)]

    def reserved(self, product_ids: Sequence[str], now: datetime) -> dict[str, int]:
        stmt = (
            select(_R.product_id, func.sum(_R.quantity))
            .where(_R.product_id.in_(list(product_ids)))
            .where(_R.released_at.is_(None), _R.consumed_at.is_(None), _R.expires_at > now)
            .group_by(_R.product_id)
        )
        return {pid: int(total) for pid, total in self._c.execute(stmt)}

    def add_reference_price(self, row: Mapping[str, Any]) -> None:
        self._c.execute(insert(order_reference_prices), [dict(row)])

    def reference_prices(self, market: str) -> list[dict[str, Any]]:
        t = order_reference_prices.c
        stmt = (
            select(t.market_code, t.commodity, t.unit, t.price, t.as_of, t.source, t.to_verify)
            .where(t.market_code == market)
            .order_by(t.commodity, t.as_of.desc())
        )
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    def commission_rules(self) -> list[CommissionRule]:
        t = order_commission_rules.c
        return [
            CommissionRule(r.rate_bps, r.market_code, r.category, r.legal_basis)
            for r in self._c.execute(select(order_commission_rules).order_by(t.id))
        ]

    def add_commission_rule(self, rule: CommissionRule, now: datetime) -> None:
        self._c.execute(
            insert(order_commission_rules),
            [
                {
                    "market_code": rule.market_code,
                    "category": rule.category,
                    "rate_bps": rule.rate_bps,
                    "legal_basis": rule.legal_basis,
                    "recorded_at": now,
                }
            ],
        )

    # checkouts and orders ---------------------------------------------------------------
    def add_checkout(self, record: CheckoutRecord) -> None:
        self._c.execute(insert(order_checkouts), [_asdict(record)])

    def checkout(self, checkout_id: str, *, lock: bool = False) -> CheckoutRecord | None:
        stmt = select(order_checkouts).where(order_checkouts.c.id == checkout_id)
        row = self._c.execute(stmt.with_for_update() if lock else stmt).first()
        return None if row is None else CheckoutRecord(**row._mapping)

    def checkout_by_intent(self, intent_id: str) -> CheckoutRecord | None:
        stmt = select(order_checkouts).where(order_checkouts.c.intent_id == intent_id)
        row = self._c.execute(stmt.with_for_update()).first()
        return None if row is None else CheckoutRecord(**row._mapping)

    def set_checkout_status(
        self, checkout_id: str, status: str, at: datetime, *, paid: bool = False
    ) -> None:
        values: dict[str, Any] = {"status": status}
        if paid:
            values["paid_at"] = at
        self._c.execute(
            update(order_checkouts).where(order_checkouts.c.id == checkout_id).values(values)
        )

    def add_orders(self, records: Sequence[OrderRecord], lines: Sequence[LineRecord]) -> None:
        self._c.execute(insert(orders), [_asdict(r) for r in records])
        self._c.execute(insert(order_lines), [_line_row(line) for line in lines])

    def order(self, order_id: str, *, lock: bool = False) -> OrderRecord | None:
        stmt = select(orders).where(_O.id == order_id)
        row = self._c.execute(stmt.with_for_update() if lock else stmt).first()
        return None if row is None else OrderRecord(**row._mapping)

    def orders(self, flt: OrderFilter, after: str | None, limit: int) -> list[OrderRecord]:
        stmt = select(orders).order_by(_O.id).limit(limit)
        if flt.shopper is not None:
            stmt = stmt.where(_O.shopper == flt.shopper)
        if flt.vendor is not None:
            stmt = stmt.where(_O.vendor_code == flt.vendor)
        if flt.markets is not None:
            stmt = stmt.where(_O.market_code.in_(sorted(flt.markets)))
        if flt.state is not None:
            stmt = stmt.where(_O.state == flt.state)
        if flt.checkout is not None:
            stmt = stmt.where(_O.checkout_id == flt.checkout)
        if after:
            stmt = stmt.where(_O.id > after)
        return [OrderRecord(**row._mapping) for row in self._c.execute(stmt)]

    def save_order(self, order: OrderRecord) -> None:
        row = _asdict(order)
        del row["id"]
        self._c.execute(update(orders).where(_O.id == order.id).values(row))

    def lines(self, order_id: str) -> list[LineRecord]:
        stmt = (
            select(order_lines)
            .where(order_lines.c.order_id == order_id)
            .order_by(order_lines.c.line_id)
        )
        return [_line(row) for row in self._c.execute(stmt)]

    def save_line(self, line: LineRecord) -> None:
        t = order_lines.c
        self._c.execute(
            update(order_lines)
            .where(t.order_id == line.order_id, t.line_id == line.line.line_id)
            .values(
                outcome=line.outcome,
                actual_grams=line.actual_grams,
                charge=line.charge,
                refund=line.refund,
                note=line.note,
            )
        )

    def add_event(
        self,
        order_id: str,
        source: str,
        target: str,
        role: str,
        actor: str | None,
        at: datetime,
        reason: str | None,
    ) -> None:
        self._c.execute(
            insert(order_events),
            [
                {
                    "order_id": order_id,
                    "source": source,
                    "target": target,
                    "role": role,
                    "actor": actor,
                    "at": at,
                    "reason": reason,
                }
            ],
        )

    def add_events(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._c.execute(insert(order_events), [dict(r) for r in rows])

    def events(self, order_id: str) -> list[dict[str, Any]]:
        t = order_events.c
        stmt = (
            select(t.source, t.target, t.role, t.actor, t.at, t.reason)
            .where(t.order_id == order_id)
            .order_by(t.id)
        )
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    def add_refund(self, order_id: str, amount: int, route: str, reason: str, at: datetime) -> None:
        self._c.execute(
            insert(order_refunds),
            [{"order_id": order_id, "amount": amount, "route": route, "reason": reason, "at": at}],
        )

    def refunds(self, order_id: str) -> list[dict[str, Any]]:
        t = order_refunds.c
        stmt = (
            select(t.amount, t.route, t.reason, t.at).where(t.order_id == order_id).order_by(t.id)
        )
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    # reservations ----------------------------------------------------------------------
    def add_reservations(self, rows: Sequence[Mapping[str, Any]]) -> None:
        if rows:
            self._c.execute(insert(order_reservations), [dict(r) for r in rows])

    def open_reservations(self, order_id: str) -> list[dict[str, Any]]:
        stmt = (
            select(_R.id, _R.product_id, _R.quantity, _R.expires_at)
            .where(_R.order_id == order_id, _R.released_at.is_(None), _R.consumed_at.is_(None))
            .order_by(_R.product_id)
        )
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    def close_reservation(self, reservation_id: str, column: str, at: datetime) -> None:
        assert column in ("released_at", "consumed_at")
        self._c.execute(
            update(order_reservations).where(_R.id == reservation_id).values({column: at})
        )

    def adjust_stock(self, product_id: str, delta: int, at: datetime) -> None:
        self._c.execute(
            update(order_products)
            .where(_P.id == product_id, _P.on_hand.is_not(None))
            .values(on_hand=_P.on_hand + delta, updated_at=at)
        )

    # jobs --------------------------------------------------------------------------------
    def due_checkouts(self, now: datetime, limit: int) -> list[str]:
        t = order_checkouts.c
        stmt = (
            select(t.id)
            .where(t.status == "awaiting_payment", t.expires_at <= now)
            .order_by(t.expires_at, t.id)
            .limit(limit)
        )
        return list(self._c.scalars(stmt))

    def due_cod_orders(self, now: datetime, limit: int) -> list[str]:
        expired = select(_R.order_id).where(_R.expires_at <= now, _R.released_at.is_(None))
        stmt = (
            select(_O.id)
            .where(_O.mode == "cash_on_delivery", _O.state == "placed")
            .where(_O.id.in_(expired))
            .order_by(_O.id)
            .limit(limit)
        )
        return list(self._c.scalars(stmt))

    def orders_in_states(self, states: Sequence[str], before: datetime, limit: int) -> list[str]:
        stmt = (
            select(_O.id)
            .where(_O.state.in_(list(states)), _O.updated_at <= before)
            .order_by(_O.id)
            .limit(limit)
        )
        return list(self._c.scalars(stmt))

    # payouts -----------------------------------------------------------------------------
    def payable_orders(self, vendor: str | None, completed_before: datetime) -> list[OrderRecord]:
        stmt = (
            select(orders)
            .where(_O.state == "completed", _O.payout_id.is_(None))
            .where(_O.completed_at < completed_before)
            .order_by(_O.vendor_code, _O.id)
        )
        if vendor is not None:
            stmt = stmt.where(_O.vendor_code == vendor)
        return [OrderRecord(**row._mapping) for row in self._c.execute(stmt)]

    def payout_exists(self, vendor: str, day: date) -> bool:
        t = order_payouts.c
        found = self._c.scalar(select(t.id).where(t.vendor_code == vendor, t.day == day))
        return found is not None

    def add_payout(self, payout: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> None:
        self._c.execute(insert(order_payouts), [dict(payout)])
        self._c.execute(insert(order_payout_lines), [dict(line) for line in lines])
        ids = [line["order_id"] for line in lines]
        self._c.execute(update(orders).where(_O.id.in_(ids)).values(payout_id=payout["id"]))

    def payouts(self, vendor: str | None, limit: int) -> list[dict[str, Any]]:
        t = order_payouts.c
        stmt = select(order_payouts).order_by(t.day.desc(), t.vendor_code).limit(limit)
        if vendor is not None:
            stmt = stmt.where(t.vendor_code == vendor)
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    def payout_lines(self, payout_id: str) -> list[dict[str, Any]]:
        t = order_payout_lines.c
        stmt = select(order_payout_lines).where(t.payout_id == payout_id).order_by(t.order_id)
        return [dict(row._mapping) for row in self._c.execute(stmt)]

    # webhooks ----------------------------------------------------------------------------
    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        self._c.execute(insert(webhook_endpoints), [_asdict(endpoint)])

    def endpoints(self, vendor: str) -> list[WebhookEndpoint]:
        t = webhook_endpoints.c
        stmt = select(webhook_endpoints).where(t.vendor_code == vendor).order_by(t.created_at, t.id)
        return [WebhookEndpoint(**row._mapping) for row in self._c.execute(stmt)]

    def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        row = self._c.execute(
            select(webhook_endpoints).where(webhook_endpoints.c.id == endpoint_id)
        ).first()
        return None if row is None else WebhookEndpoint(**row._mapping)

    def add_delivery(self, delivery: WebhookDelivery) -> None:
        self._c.execute(insert(webhook_deliveries), [_asdict(delivery)])

    def due_deliveries(self, now: datetime, limit: int) -> list[WebhookDelivery]:
        t = webhook_deliveries.c
        stmt = (
            select(webhook_deliveries)
            .where(t.status == "pending", t.next_attempt_at <= now)
            .order_by(t.next_attempt_at, t.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [WebhookDelivery(**row._mapping) for row in self._c.execute(stmt)]

    def save_delivery(self, delivery: WebhookDelivery) -> None:
        row = _asdict(delivery)
        del row["id"]
        self._c.execute(
            update(webhook_deliveries).where(webhook_deliveries.c.id == delivery.id).values(row)
        )

    def add_attempt(
        self, delivery_id: str, attempt: int, at: datetime, status: int | None, error: str | None
    ) -> None:
        self._c.execute(
            insert(webhook_attempts),
            [
                {
                    "delivery_id": delivery_id,
                    "attempt": attempt,
                    "at": at,
                    "status_code": status,
                    "error": (error or "")[:300] or None,
                }
            ],
        )

    def deliveries(self, vendor: str, limit: int) -> list[dict[str, Any]]:
        d, e, a = webhook_deliveries.c, webhook_endpoints.c, webhook_attempts.c
        stmt = (
            select(d.id, d.endpoint_id, d.event, d.status, d.attempts, d.next_attempt_at)
            .join(webhook_endpoints, e.id == d.endpoint_id)
            .where(e.vendor_code == vendor)
            .order_by(d.created_at.desc(), d.id)
            .limit(limit)
        )
        out = [dict(row._mapping) for row in self._c.execute(stmt)]
        for item in out:
            log = select(a.attempt, a.at, a.status_code, a.error).where(a.delivery_id == item["id"])
            item["log"] = [dict(r._mapping) for r in self._c.execute(log.order_by(a.id))]
        return out


def _upsert(connection: Connection, table: Table, row: dict[str, Any], keys: list[str]) -> None:
    """Insert or update on the key (settings rows: the last write wins)."""
    make = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    stmt = make(table).values(row)
    changed = {k: v for k, v in row.items() if k not in keys}
    connection.execute(stmt.on_conflict_do_update(index_elements=keys, set_=changed))


def _asdict(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


def _product_row(record: ProductRecord) -> dict[str, Any]:
    p = record.product
    tol = p.tolerance
    return {
        "id": p.product_id,
        "stall_code": p.stall_id,
        "vendor_code": record.vendor_code,
        "market_code": record.market_code,
        "name": p.name,
        "category": p.category,
        "unit": p.unit.value,
        "price": p.price,
        "stock_mode": p.stock.mode.value,
        "on_hand": p.stock.on_hand,
        "tolerance_grams": tol.grams if tol else None,
        "tolerance_bps": tol.bps if tol else None,
        "photo_urls": list(p.photo_urls),
        "search_text": f"{p.name} {p.category}".lower()[:200],
        "active": p.active,
        "updated_at": record.updated_at,
    }


def _product(row: Any) -> ProductRecord:
    tolerance = None
    if row.tolerance_grams is not None or row.tolerance_bps is not None:
        tolerance = WeightTolerance(grams=row.tolerance_grams, bps=row.tolerance_bps)
    product = Product(
        product_id=row.id,
        stall_id=row.stall_code,
        name=row.name,
        category=row.category,
        unit=PricingUnit(row.unit),
        price=row.price,
        stock=Stock(StockMode(row.stock_mode), row.on_hand),
        tolerance=tolerance,
        photo_urls=tuple(row.photo_urls or ()),
        active=row.active,
    )
    return ProductRecord(product, row.vendor_code, row.market_code, row.updated_at)


def _line_row(record: LineRecord) -> dict[str, Any]:
    line = record.line
    return {
        "order_id": record.order_id,
        "line_id": line.line_id,
        "product_id": line.product_id,
        "name": line.name,
        "category": line.category,
        "unit": line.unit.value,
        "unit_price": line.unit_price,
        "quantity": line.quantity,
        "estimated_grams": line.estimated_grams,
        "tolerance_grams": line.tolerance_grams,
        "estimated_amount": line.estimated_amount,
        "held_amount": line.held_amount,
        "substitution": line.substitution.value,
        "substitute_product_id": line.substitute_product_id,
        "outcome": record.outcome,
        "actual_grams": record.actual_grams,
        "charge": record.charge,
        "refund": record.refund,
        "note": record.note,
    }


def _line(row: Any) -> LineRecord:
    line = OrderLine(
        line_id=row.line_id,
        product_id=row.product_id,
        name=row.name,
        category=row.category,
        unit=PricingUnit(row.unit),
        unit_price=row.unit_price,
        quantity=row.quantity,
        estimated_grams=row.estimated_grams,
        tolerance_grams=row.tolerance_grams,
        estimated_amount=row.estimated_amount,
        held_amount=row.held_amount,
        substitution=SubstitutionPreference(row.substitution),
        substitute_product_id=row.substitute_product_id,
    )
    return LineRecord(
        row.order_id, line, row.outcome, row.actual_grams, row.charge, row.refund, row.note
    )
