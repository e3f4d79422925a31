"""Storage for counterparties, credentials, tokens, virtual accounts and the bank inbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from pasar_pay.adapters.db.bank_tables import (
    bank_counterparties,
    bank_credentials,
    bank_events,
    bank_exceptions,
    bank_external_ids,
    bank_inbox,
    bank_tokens,
    bank_va_sequences,
    virtual_accounts,
)
from pasar_pay.adapters.db.tables import payment_intents
from pasar_pay.adapters.db.upsert import insert_ignore
from pasar_pay.services.banking.ports import (
    Counterparty,
    InboxRecord,
    InboxRow,
    IntentRecord,
    VaRecord,
)

_CP = bank_counterparties.c
_CR = bank_credentials.c
_VA = virtual_accounts.c
_IN = bank_inbox.c
_PI = payment_intents.c


class SqlBankStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # counterparties -------------------------------------------------------------------------
    def add_counterparty(self, cp: Counterparty, now: datetime) -> None:
        self._c.execute(
            insert(bank_counterparties),
            [
                {
                    "code": cp.code,
                    "name": cp.name,
                    "partner_id": cp.partner_id,
                    "client_key": cp.client_key,
                    "partner_service_id": cp.partner_service_id,
                    "channel_id": cp.channel_id,
                    "signature_mode": cp.signature_mode,
                    "va_bank": cp.va_bank,
                    "qris_acquirer": cp.qris_acquirer,
                    "customer_no_length": cp.customer_no_length,
                    "base_url": cp.base_url,
                    "active": cp.active,
                    "created_at": now,
                }
            ],
        )

    def _cp(self, where: Any) -> Counterparty | None:
        row = self._c.execute(select(bank_counterparties).where(where)).first()
        return None if row is None else _counterparty(row)

    def counterparty(self, code: str) -> Counterparty | None:
        return self._cp(_CP.code == code)

    def by_partner_id(self, partner_id: str) -> Counterparty | None:
        return self._cp(_CP.partner_id == partner_id)

    def by_client_key(self, client_key: str) -> Counterparty | None:
        return self._cp(_CP.client_key == client_key)

    def counterparties(self) -> list[Counterparty]:
        rows = self._c.execute(select(bank_counterparties).order_by(_CP.code))
        return [_counterparty(r) for r in rows]

    def add_credential(
        self, bank: str, kind: str, value: str, fingerprint: str, valid_from: datetime
    ) -> None:
        self._c.execute(
            insert(bank_credentials),
            [
                {
                    "bank_code": bank,
                    "kind": kind,
                    "value": value,
                    "fingerprint": fingerprint,
                    "valid_from": valid_from,
                    "valid_to": None,
                    "created_at": valid_from,
                }
            ],
        )

    def end_credentials(self, bank: str, kind: str, valid_to: datetime) -> int:
        done = self._c.execute(
            update(bank_credentials)
            .where(
                _CR.bank_code == bank,
                _CR.kind == kind,
                or_(_CR.valid_to.is_(None), _CR.valid_to > valid_to),
            )
            .values(valid_to=valid_to)
        )
        return int(done.rowcount)

    def credentials(self, bank: str, kind: str, at: datetime) -> list[str]:
        rows = self._c.execute(
            select(_CR.value)
            .where(
                _CR.bank_code == bank,
                _CR.kind == kind,
                _CR.valid_from <= at,
                or_(_CR.valid_to.is_(None), _CR.valid_to > at),
            )
            .order_by(_CR.id.desc())  # newest first: the common case verifies on try one
        )
        return [r.value for r in rows]

    # tokens, external ids -------------------------------------------------------------------
    def add_token(self, token_hash: str, bank: str, issued: datetime, expires: datetime) -> None:
        self._c.execute(
            insert(bank_tokens),
            [
                {
                    "token_hash": token_hash,
                    "bank_code": bank,
                    "issued_at": issued,
                    "expires_at": expires,
                }
            ],
        )

    def token_bank(self, token_hash: str, now: datetime) -> str | None:
        row = self._c.execute(
            select(bank_tokens.c.bank_code).where(
                bank_tokens.c.token_hash == token_hash, bank_tokens.c.expires_at > now
            )
        ).first()
        return None if row is None else str(row.bank_code)

    def claim_external_id(self, bank: str, day: date, external_id: str, at: datetime) -> bool:
        # RETURNING tells whether the row was inserted (rowcount is -1 with psycopg here).
        stmt = insert_ignore(
            self._c, bank_external_ids, ["bank_code", "day", "external_id"]
        ).returning(bank_external_ids.c.bank_code)
        done = self._c.execute(
            stmt, {"bank_code": bank, "day": day, "external_id": external_id, "at": at}
        )
        return done.first() is not None

    # virtual accounts -----------------------------------------------------------------------
    def next_customer_sequence(self, bank: str) -> int:
        self._c.execute(
            insert_ignore(self._c, bank_va_sequences, ["bank_code"]),
            [{"bank_code": bank, "next_value": 1}],
        )
        stmt = select(bank_va_sequences.c.next_value).where(bank_va_sequences.c.bank_code == bank)
        if self._postgres:
            stmt = stmt.with_for_update()
        value = int(self._c.execute(stmt).scalar_one())
        self._c.execute(
            update(bank_va_sequences)
            .where(bank_va_sequences.c.bank_code == bank)
            .values(next_value=value + 1)
        )
        return value

    def add_va(self, record: VaRecord) -> None:
        self._c.execute(
            insert(virtual_accounts),
            [
                {
                    "id": record.id,
                    "bank_code": record.bank_code,
                    "vendor_code": record.vendor_code,
                    "kind": record.kind,
                    "partner_service_id": record.partner_service_id,
                    "customer_no": record.customer_no,
                    "va_padded": record.va_padded,
                    "va_digits": record.va_digits,
                    "reusable_vendor": record.vendor_code if record.kind == "reusable" else None,
                    "bill_id": record.bill_id,
                    "amount": record.amount,
                    "expires_at": record.expires_at,
                    "status": record.status,
                    "created_at": record.created_at,
                    "closed_at": None,
                }
            ],
        )

    def _vas(self, *where: Any) -> list[VaRecord]:
        rows = self._c.execute(select(virtual_accounts).where(*where).order_by(_VA.created_at))
        return [_va(r) for r in rows]

    def va_by_digits(self, bank: str, digits: str) -> VaRecord | None:
        found = self._vas(_VA.bank_code == bank, _VA.va_digits == digits)
        return found[0] if found else None

    def reusable_va(self, bank: str, vendor: str) -> VaRecord | None:
        found = self._vas(_VA.bank_code == bank, _VA.reusable_vendor == vendor)
        return found[0] if found else None

    def vendor_vas(self, vendor: str) -> list[VaRecord]:
        return self._vas(_VA.vendor_code == vendor)

    def close_vas(
        self, bill_ids: Sequence[str], status: str, at: datetime, keep: str | None = None
    ) -> int:
        if not bill_ids:
            return 0
        where = [_VA.bill_id.in_(sorted(bill_ids)), _VA.status == "active", _VA.kind == "closed"]
        if keep:
            where.append(_VA.id != keep)
        done = self._c.execute(
            update(virtual_accounts).where(*where).values(status=status, closed_at=at)
        )
        return int(done.rowcount)

    def set_va_status(self, va_id: str, status: str, at: datetime) -> None:
        self._c.execute(
            update(virtual_accounts).where(_VA.id == va_id).values(status=status, closed_at=at)
        )

    # inbox ----------------------------------------------------------------------------------
    def claim_inbox(self, row: InboxRow) -> bool:
        stmt = insert_ignore(self._c, bank_inbox, ["bank_code", "kind", "payment_id"]).returning(
            _IN.id
        )
        done = self._c.execute(
            stmt,
            {
                "bank_code": row.bank_code,
                "kind": row.kind,
                "payment_id": row.payment_id,
                "external_id": row.external_id,
                "fingerprint": row.fingerprint,
                "headers": dict(row.headers),
                "body": row.body,
                "status": None,
                "vendor_code": None,
                "amount": row.amount,
                "entry_id": None,
                "response": None,
                "received_at": row.received_at,
                "updated_at": row.received_at,
            },
        )
        return done.first() is not None

    def inbox(self, bank: str, kind: str, payment_id: str, lock: bool) -> InboxRecord | None:
        stmt = select(bank_inbox).where(
            _IN.bank_code == bank, _IN.kind == kind, _IN.payment_id == payment_id
        )
        if lock and self._postgres:
            stmt = stmt.with_for_update()
        r = self._c.execute(stmt).first()
        if r is None:
            return None
        return InboxRecord(
            id=int(r.id),
            bank_code=r.bank_code,
            kind=r.kind,
            payment_id=r.payment_id,
            fingerprint=r.fingerprint,
            status=r.status,
            amount=int(r.amount),
            entry_id=r.entry_id,
            response=r.response,
        )

    def finish_inbox(
        self,
        bank: str,
        kind: str,
        payment_id: str,
        *,
        status: str | None,
        vendor: str | None,
        entry_id: str | None,
        response: dict[str, Any],
        at: datetime,
    ) -> None:
        values: dict[str, Any] = {"status": status, "response": response, "updated_at": at}
        if vendor is not None:
            values["vendor_code"] = vendor
        if entry_id is not None:
            values["entry_id"] = entry_id
        self._c.execute(
            update(bank_inbox)
            .where(_IN.bank_code == bank, _IN.kind == kind, _IN.payment_id == payment_id)
            .values(**values)
        )

    def add_event(self, row: InboxRow, outcome: str) -> None:
        self._c.execute(
            insert(bank_events),
            [
                {
                    "bank_code": row.bank_code,
                    "kind": row.kind,
                    "payment_id": row.payment_id,
                    "external_id": row.external_id,
                    "outcome": outcome,
                    "headers": dict(row.headers),
                    "body": row.body,
                    "received_at": row.received_at,
                }
            ],
        )

    def add_exception(
        self,
        *,
        bank: str,
        kind: str,
        payment_id: str,
        vendor: str | None,
        market: str | None,
        amount: int,
        entry_id: str | None,
        details: dict[str, Any],
        at: datetime,
    ) -> None:
        self._c.execute(
            insert(bank_exceptions),
            [
                {
                    "bank_code": bank,
                    "kind": kind,
                    "payment_id": payment_id,
                    "vendor_code": vendor,
                    "market_code": market,
                    "amount": amount,
                    "entry_id": entry_id,
                    "details": details,
                    "status": "open",
                    "created_at": at,
                }
            ],
        )

    def exceptions(self, status: str | None) -> list[dict[str, Any]]:
        stmt = select(bank_exceptions).order_by(bank_exceptions.c.id)
        if status:
            stmt = stmt.where(bank_exceptions.c.status == status)
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def count_inbox(self, kind: str | None = None) -> int:
        stmt = select(func.count()).select_from(bank_inbox)
        if kind:
            stmt = stmt.where(_IN.kind == kind)
        return int(self._c.execute(stmt).scalar_one())

    # payment intents ------------------------------------------------------------------------
    def add_intent(self, intent: IntentRecord, payload: str | None, now: datetime) -> None:
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
                    "payload": payload,
                    "va_number": None,
                    "status": intent.status,
                    "source": "acquirer" if intent.acquirer_reference else "local",
                    "acquirer_reference": intent.acquirer_reference,
                    "expires_at": intent.expires_at,
                    "created_at": now,
                    "closed_at": None,
                }
            ],
        )

    def _intent(self, where: Any) -> IntentRecord | None:
        row = self._c.execute(select(payment_intents).where(where)).first()
        return None if row is None else _intent(row)

    def intent_by_reference(self, reference: str) -> IntentRecord | None:
        return self._intent(_PI.reference == reference)

    def intent_by_acquirer_reference(self, reference: str) -> IntentRecord | None:
        return self._intent(_PI.acquirer_reference == reference)

    def set_intent_status(
        self, intent_id: str, status: str, at: datetime, acquirer_reference: str | None = None
    ) -> None:
        values: dict[str, Any] = {"status": status}
        if status != "live":
            values["closed_at"] = at
        if acquirer_reference:
            values["acquirer_reference"] = acquirer_reference
        self._c.execute(update(payment_intents).where(_PI.id == intent_id).values(**values))

    def expire_sibling_intents(
        self, vendor: str, bill_ids: Sequence[str], at: datetime, keep: str | None
    ) -> int:
        wanted = set(bill_ids)
        if not wanted:
            return 0
        rows = self._c.execute(
            select(_PI.id, _PI.bill_ids).where(
                and_(_PI.vendor_code == vendor, _PI.status == "live")
            )
        ).all()
        ids = [r.id for r in rows if r.id != keep and wanted & set(r.bill_ids or [])]
        if ids:
            self._c.execute(
                update(payment_intents)
                .where(_PI.id.in_(ids))
                .values(status="expired", closed_at=at)
            )
        return len(ids)


def _counterparty(r: Any) -> Counterparty:
    return Counterparty(
        code=r.code,
        name=r.name,
        partner_id=r.partner_id,
        client_key=r.client_key,
        partner_service_id=r.partner_service_id,
        channel_id=r.channel_id,
        signature_mode=r.signature_mode,
        va_bank=bool(r.va_bank),
        qris_acquirer=bool(r.qris_acquirer),
        customer_no_length=int(r.customer_no_length),
        base_url=r.base_url,
        active=bool(r.active),
    )


def _va(r: Any) -> VaRecord:
    return VaRecord(
        id=r.id,
        bank_code=r.bank_code,
        vendor_code=r.vendor_code,
        kind=r.kind,
        partner_service_id=r.partner_service_id,
        customer_no=r.customer_no,
        va_padded=r.va_padded,
        va_digits=r.va_digits,
        bill_id=r.bill_id,
        amount=None if r.amount is None else int(r.amount),
        expires_at=r.expires_at,
        status=r.status,
        created_at=r.created_at,
    )


def _intent(r: Any) -> IntentRecord:
    return IntentRecord(
        id=r.id,
        kind=r.kind,
        channel=r.channel,
        vendor_code=r.vendor_code,
        market_code=r.market_code,
        bill_ids=tuple(r.bill_ids or ()),
        amount=int(r.amount),
        reference=r.reference,
        status=r.status,
        acquirer_reference=r.acquirer_reference,
        expires_at=r.expires_at,
    )
