"""QRIS merchants (`qris_merchants`) and QRIS payment intents (`payment_intents`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, insert, or_, select, update

from pasar_pay.adapters.db.tables import payment_intents, qris_merchants, vendors
from pasar_pay.adapters.db.upsert import insert_ignore
from pasar_pay.services.qris_ports import PaymentIntent, QrisMerchant

_M = qris_merchants.c
_PI = payment_intents.c


def _merchant_row(m: QrisMerchant) -> dict[str, Any]:
    return {
        "id": m.id,
        "market_code": m.market_code,
        "vendor_code": m.vendor_code,
        "acquirer_code": m.acquirer_code,
        "guid": m.guid,
        "pan": m.pan,
        "merchant_id": m.merchant_id,
        "nmid": m.nmid,
        "mcc": m.mcc,
        "criteria": m.criteria,
        "name": m.name,
        "city": m.city,
        "postal_code": m.postal_code,
        "static_payload": m.static_payload,
        "fictitious": m.fictitious,
        "created_at": m.created_at,
    }


class SqlQrisStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    # merchants --------------------------------------------------------------------------
    def merchant(self, merchant_id: str) -> QrisMerchant | None:
        row = self._c.execute(select(qris_merchants).where(_M.id == merchant_id)).first()
        return None if row is None else _merchant(row)

    def merchant_by_nmid(self, nmid: str) -> QrisMerchant | None:
        row = self._c.execute(
            select(qris_merchants).where(_M.nmid == nmid).order_by(_M.id).limit(1)
        ).first()
        return None if row is None else _merchant(row)

    def merchants(self, markets: frozenset[str] | None) -> list[QrisMerchant]:
        stmt = select(qris_merchants).order_by(_M.id)
        if markets is not None:
            stmt = stmt.where(_M.market_code.in_(sorted(markets)))
        return [_merchant(r) for r in self._c.execute(stmt)]

    def add_merchant_if_absent(self, merchant: QrisMerchant) -> bool:
        stmt = insert_ignore(self._c, qris_merchants, ["id"])
        stmt = stmt.values(_merchant_row(merchant)).returning(_M.id)
        return self._c.execute(stmt).first() is not None

    def save_merchant(self, merchant: QrisMerchant) -> None:
        row = _merchant_row(merchant)
        done = self._c.execute(
            update(qris_merchants)
            .where(_M.id == merchant.id)
            .values({k: v for k, v in row.items() if k not in ("id", "created_at")})
        )
        if not done.rowcount:
            self._c.execute(insert(qris_merchants), [row])

    # intents ----------------------------------------------------------------------------
    def lock_vendor_row(self, vendor: str) -> None:
        """Per-vendor mutex that exists even before the vendor's ledger accounts do."""
        self._c.execute(select(vendors.c.code).where(vendors.c.code == vendor).with_for_update())

    def intent(self, intent_id: str) -> PaymentIntent | None:
        row = self._c.execute(select(payment_intents).where(_PI.id == intent_id)).first()
        return None if row is None else _intent(row)

    def live_intents(self, vendor: str, kind: str, channel: str) -> list[PaymentIntent]:
        stmt = (
            select(payment_intents)
            .where(
                and_(
                    _PI.vendor_code == vendor,
                    _PI.kind == kind,
                    _PI.channel == channel,
                    _PI.status == "live",
                )
            )
            .order_by(_PI.created_at, _PI.id)
        )
        return [_intent(r) for r in self._c.execute(stmt)]

    def add_intent(self, intent: PaymentIntent) -> None:
        self._c.execute(
            insert(payment_intents),
            [
                {
                    "id": intent.id,
                    "kind": intent.kind,
                    "channel": intent.channel,
                    "vendor_code": intent.vendor_code,
                    "market_code": intent.market_code,
                    "bill_ids": list(intent.bill_ids),
                    "order_ref": None,
                    "amount": intent.amount,
                    "reference": intent.reference,
                    "payload": intent.payload,
                    "va_number": None,
                    "status": intent.status,
                    "source": intent.source,
                    "acquirer_reference": intent.acquirer_reference,
                    "expires_at": intent.expires_at,
                    "created_at": intent.created_at,
                    "closed_at": None,
                }
            ],
        )

    def close_intents(self, intent_ids: Sequence[str], status: str, at: datetime) -> None:
        if intent_ids:
            self._c.execute(
                update(payment_intents)
                .where(and_(_PI.id.in_(list(intent_ids)), _PI.status == "live"))
                .values(status=status, closed_at=at)
            )

    def reference_taken(self, reference: str) -> bool:
        stmt = select(_PI.id).where(
            or_(_PI.reference == reference, _PI.acquirer_reference == reference)
        )
        return self._c.execute(stmt.limit(1)).first() is not None


def _merchant(r: Any) -> QrisMerchant:
    return QrisMerchant(
        id=r.id,
        market_code=r.market_code,
        vendor_code=r.vendor_code,
        acquirer_code=r.acquirer_code,
        guid=r.guid,
        pan=r.pan,
        merchant_id=r.merchant_id,
        nmid=r.nmid,
        mcc=r.mcc,
        criteria=r.criteria,
        name=r.name,
        city=r.city,
        postal_code=r.postal_code,
        static_payload=r.static_payload,
        fictitious=bool(r.fictitious),
        created_at=r.created_at,
    )


def _intent(r: Any) -> PaymentIntent:
    return PaymentIntent(
        id=r.id,
        kind=r.kind,
        channel=r.channel,
        vendor_code=r.vendor_code,
        market_code=r.market_code,
        bill_ids=tuple(r.bill_ids or ()),
        amount=int(r.amount),
        reference=r.reference,
        payload=r.payload,
        status=r.status,
        source=r.source,
        acquirer_reference=r.acquirer_reference,
        expires_at=r.expires_at,
        created_at=r.created_at,
    )
