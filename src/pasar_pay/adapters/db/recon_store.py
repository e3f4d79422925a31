"""Reconciliation storage: statements, settlements, matches, exceptions, audit, closes, and the
read side that turns bank inbox rows and ledger entries into matcher inputs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Connection, and_, func, insert, literal, not_, select, text, update

from pasar_pay.adapters.db.bank_tables import bank_inbox, virtual_accounts
from pasar_pay.adapters.db.recon_tables import (
    recon_accounts,
    recon_audit,
    recon_claims,
    recon_closes,
    recon_exceptions,
    recon_fee_rules,
    recon_lines,
    recon_matches,
    recon_runs,
    recon_settlements,
    recon_statements,
    recon_targets,
)
from pasar_pay.adapters.db.tables import (
    deposits,
    ledger_accounts,
    ledger_entries,
    ledger_postings,
    payment_intents,
)
from pasar_pay.adapters.db.upsert import insert_ignore
from pasar_pay.domain.reconciliation import (
    WIB,
    CallbackRecord,
    Channel,
    LedgerKind,
    LedgerRecord,
    SettlementBatch,
    SettlementMember,
    Side,
    StatementLine,
)
from pasar_pay.services.recon_ports import (
    ExceptionFilter,
    FeeRuleRecord,
    PreviousStatement,
    ReconAccount,
    StatementFile,
)

# Entries reconciliation posts itself (fees, adjustments) carry this reference prefix and are
# never fed back to the matcher as payments.
RECON_REFERENCE = "RECON:"
_INSERT_CHUNK = 5000
_PG_CHUNK = 50_000
_LINE_COLUMNS = (
    "bank_code",
    "account_no",
    "line_ref",
    "statement_id",
    "market_code",
    "value_date",
    "amount",
    "side",
    "narrative",
    "booked_at",
    "rrn",
    "va_number",
    "qris_ref",
    "bill_ref",
    "source_line",
    "imported_at",
)
# Constant text (prepared once); %b: binary parameters, one array per column.
_LINES_SQL = (
    "INSERT INTO recon_lines (bank_code, account_no, line_ref, statement_id, market_code,"
    " value_date, amount, side, narrative, booked_at, rrn, va_number, qris_ref, bill_ref,"
    " source_line, imported_at)"
    " SELECT * FROM unnest(%b::text[], %b::text[], %b::text[], %b::text[], %b::text[],"
    " %b::date[], %b::bigint[], %b::text[], %b::text[], %b::timestamptz[], %b::text[],"
    " %b::text[], %b::text[], %b::text[], %b::integer[], %b::timestamptz[])"
    " ON CONFLICT (bank_code, account_no, line_ref) DO NOTHING RETURNING id"
)


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), WIB).astimezone(UTC)


def line_claim(bank: str, account: str, line_ref: str) -> str:
    return f"line:{bank}:{account}:{line_ref}"


class SqlReconStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._postgres = connection.dialect.name == "postgresql"

    # -- configuration -----------------------------------------------------------------------
    def add_account(self, account: ReconAccount, now: datetime) -> bool:
        stmt = insert_ignore(self._c, recon_accounts, ["bank_code", "account_no"]).returning(
            recon_accounts.c.bank_code
        )
        row = {
            "bank_code": account.bank,
            "account_no": account.account_no,
            "market_code": account.market,
            "csv_format": account.csv_format,
            "label": account.label,
            "created_at": now,
        }
        return self._c.execute(stmt, row).first() is not None

    def account(self, bank: str, account_no: str) -> ReconAccount | None:
        row = self._c.execute(
            select(recon_accounts).where(
                recon_accounts.c.bank_code == bank, recon_accounts.c.account_no == account_no
            )
        ).first()
        return _account(row._mapping) if row else None

    def accounts(self) -> list[ReconAccount]:
        rows = self._c.execute(
            select(recon_accounts).order_by(recon_accounts.c.bank_code, recon_accounts.c.account_no)
        )
        return [_account(r._mapping) for r in rows]

    def save_fee_rule(self, rule: FeeRuleRecord, now: datetime) -> None:
        values = {
            "mdr_bp": rule.mdr_bp,
            "flat_fee": rule.flat_fee,
            "free_up_to": rule.free_up_to,
            "rounding": rule.rounding,
            "market_code": rule.market,
            "note": rule.note,
            "updated_at": now,
        }
        done = self._c.execute(
            update(recon_fee_rules).where(recon_fee_rules.c.acquirer == rule.acquirer), values
        )
        if not done.rowcount:
            self._c.execute(insert(recon_fee_rules), [{"acquirer": rule.acquirer, **values}])

    def fee_rules(self) -> dict[str, FeeRuleRecord]:
        out = {}
        for r in self._c.execute(select(recon_fee_rules)):
            m = r._mapping
            out[m["acquirer"]] = FeeRuleRecord(
                m["acquirer"],
                m["mdr_bp"],
                m["flat_fee"],
                m["free_up_to"],
                m["rounding"],
                m["market_code"],
                m["note"],
            )
        return out

    # -- statements --------------------------------------------------------------------------
    def find_statement(self, st: StatementFile) -> str | None:
        c = recon_statements.c
        closing = c.closing.is_(None) if st.closing is None else c.closing == st.closing
        found = self._c.execute(
            select(c.id).where(
                c.bank_code == st.bank,
                c.account_no == st.account,
                c.statement_ref == st.statement_ref,
                c.opening_date == st.opening_date,
                c.closing_date == st.closing_date,
                closing,
            )
        ).scalar()
        return str(found) if found is not None else None

    def previous_statement(
        self, bank: str, account_no: str, opening_date: date, closing_date: date
    ) -> PreviousStatement | None:
        """The latest statement that ended before this one began (overlaps are skipped)."""
        c = recon_statements.c
        row = self._c.execute(
            select(c.statement_ref, c.closing_date, c.closing)
            .where(
                c.bank_code == bank,
                c.account_no == account_no,
                c.closing_date <= opening_date,
                c.closing_date < closing_date,
            )
            .order_by(c.closing_date.desc(), c.imported_at.desc())
            .limit(1)
        ).first()
        return PreviousStatement(row[0], row[1], row[2]) if row else None

    def add_statement(self, row: dict[str, Any]) -> bool:
        """False when a concurrent import recorded the same statement first."""
        keys = ["bank_code", "account_no", "statement_ref", "opening_date", "closing_date"]
        stmt = insert_ignore(self._c, recon_statements, [*keys, "closing"])
        return self._c.execute(stmt.returning(recon_statements.c.id), row).first() is not None

    def add_lines(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert, skipping lines already known by (bank, account, line reference)."""
        if self._postgres:
            return sum(
                self._add_lines_pg(rows[start : start + _PG_CHUNK])
                for start in range(0, len(rows), _PG_CHUNK)
            )
        stmt = insert_ignore(
            self._c, recon_lines, ["bank_code", "account_no", "line_ref"]
        ).returning(recon_lines.c.id)
        added = 0
        for start in range(0, len(rows), _INSERT_CHUNK):
            chunk = list(rows[start : start + _INSERT_CHUNK])
            # RETURNING counts what was really inserted (executemany rowcount is not reliable).
            added += len(self._c.execute(stmt, chunk).all())
        return added

    def _add_lines_pg(self, rows: Sequence[dict[str, Any]]) -> int:
        """One statement over column arrays (constant text, binary parameters): the per-row
        cost of executemany dominated a 100,000-line import (docs/benchmarks.md)."""
        columns = [[r[c] for r in rows] for c in _LINE_COLUMNS]
        cursor = self._c.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(_LINES_SQL, columns)
            return len(cursor.fetchall())
        finally:
            cursor.close()

    def add_settlement(self, row: dict[str, Any]) -> bool:
        stmt = insert_ignore(self._c, recon_settlements, ["acquirer", "batch_id"])
        return (
            self._c.execute(stmt.returning(recon_settlements.c.batch_id), row).first() is not None
        )

    def set_fee_entry(self, acquirer: str, batch_id: str, entry_id: str) -> None:
        self._c.execute(
            update(recon_settlements)
            .where(
                recon_settlements.c.acquirer == acquirer, recon_settlements.c.batch_id == batch_id
            )
            .values(fee_entry_id=entry_id)
        )

    # -- matching inputs ---------------------------------------------------------------------
    def lock_matching(self) -> None:
        """One matching run at a time: the claims it reads must not change under it."""
        if self._postgres:
            self._c.execute(text("SELECT pg_advisory_xact_lock(hashtext('pasar_pay:recon'))"))

    def _unclaimed(self, key: Any) -> Any:
        return not_(select(recon_claims.c.item).where(recon_claims.c.item == key).exists())

    def open_lines(self, market: str | None, lo: date, hi: date) -> list[StatementLine]:
        c = recon_lines.c
        key = literal("line:") + c.bank_code + ":" + c.account_no + ":" + c.line_ref
        stmt = select(recon_lines).where(
            c.value_date >= lo, c.value_date <= hi, self._unclaimed(key)
        )
        if market is not None:
            stmt = stmt.where(c.market_code == market)
        return [_line(r._mapping) for r in self._c.execute(stmt)]

    def _clearing_debits(self, market: str | None, lo: date, hi: date) -> Any:
        e, p, a = ledger_entries.c, ledger_postings.c, ledger_accounts.c
        stmt = (
            select(
                e.id,
                e.effective_at,
                e.reference,
                a.market_code,
                a.qualifier,
                func.sum(p.amount).label("amount"),
            )
            .select_from(
                ledger_entries.join(ledger_postings, p.entry_id == e.id).join(
                    ledger_accounts, a.id == p.account_id
                )
            )
            .where(
                a.kind == "bank_clearing",
                p.side == "debit",
                e.kind == "standard",
                e.effective_at >= day_start(lo),
                e.effective_at < day_start(hi + timedelta(days=1)),
                not_(func.coalesce(e.reference, "").startswith(RECON_REFERENCE)),
                e.reverses.is_(None),
                self._unclaimed(literal("entry:") + e.id),
            )
            .group_by(e.id, e.effective_at, e.reference, a.market_code, a.qualifier)
        )
        if market is not None:
            stmt = stmt.where(a.market_code == market)
        return stmt

    def open_ledger(self, market: str | None, lo: date, hi: date) -> list[LedgerRecord]:
        rows = list(self._c.execute(self._clearing_debits(market, lo, hi)))
        sts = {
            r.entry_id: r.sts_number
            for r in self._c.execute(
                select(deposits.c.entry_id, deposits.c.sts_number).where(
                    deposits.c.entry_id.in_([r.id for r in rows])
                )
            )
        }
        out = []
        for r in rows:
            ref = r.reference or ""
            prefix, _, rest = ref.partition(":")
            if prefix in ("VA", "QR"):
                _, _, payment_id = rest.partition(":")
                out.append(
                    LedgerRecord(
                        entry_id=r.id,
                        amount=int(r.amount),
                        effective_at=r.effective_at,
                        kind=LedgerKind.PAYMENT,
                        payment_id=payment_id or None,
                        bank=r.qualifier,
                        market=r.market_code,
                    )
                )
            else:
                out.append(
                    LedgerRecord(
                        entry_id=r.id,
                        amount=int(r.amount),
                        effective_at=r.effective_at,
                        kind=LedgerKind.CASH_DEPOSIT,
                        bank=r.qualifier,
                        reference_no=sts.get(r.id) or ref or None,
                        market=r.market_code,
                    )
                )
        return out

    def open_callbacks(self, market: str | None, lo: date, hi: date) -> list[CallbackRecord]:
        entries = self._clearing_debits(market, lo, hi).subquery()
        i = bank_inbox.c
        rows = list(
            self._c.execute(
                select(bank_inbox, entries.c.market_code)
                .join(entries, entries.c.id == i.entry_id)
                .where(self._unclaimed(literal("callback:") + i.bank_code + ":" + i.payment_id))
            )
        )
        callbacks = [_callback(r._mapping) for r in rows]
        return self._with_bill_refs(callbacks)

    def _with_bill_refs(self, callbacks: list[CallbackRecord]) -> list[CallbackRecord]:
        """The bill a payment was *for*, when the channel names one: a QRIS intent for exactly
        one bill, or a closed (single-bill) VA. Allocations through a reusable VA name none:
        instalments across channels are not double payments."""
        intents: dict[str, str] = {}
        refs = [cb.qris_ref for cb in callbacks if cb.qris_ref]
        for start in range(0, len(refs), _INSERT_CHUNK):
            chunk = refs[start : start + _INSERT_CHUNK]
            for ref, bill_ids in self._c.execute(
                select(payment_intents.c.reference, payment_intents.c.bill_ids).where(
                    payment_intents.c.reference.in_(chunk)
                )
            ):
                if isinstance(bill_ids, list) and len(bill_ids) == 1:
                    intents[ref] = str(bill_ids[0])
        closed: dict[tuple[str, str], str] = {}
        numbers = sorted({cb.va_number for cb in callbacks if cb.va_number})
        v = virtual_accounts.c
        for start in range(0, len(numbers), _INSERT_CHUNK):
            chunk = numbers[start : start + _INSERT_CHUNK]
            for bank, digits, bill_id in self._c.execute(
                select(v.bank_code, v.va_digits, v.bill_id).where(
                    v.va_digits.in_(chunk), v.kind == "closed", v.bill_id.is_not(None)
                )
            ):
                closed[(bank, digits)] = bill_id
        out = []
        for cb in callbacks:
            bill = intents.get(cb.qris_ref or "") or closed.get((cb.bank, cb.va_number or ""))
            out.append(replace(cb, bill_ref=bill) if bill else cb)
        return out

    def open_batches(self, lo: date, hi: date) -> list[SettlementBatch]:
        s = recon_settlements.c
        key = literal("batch:") + s.acquirer + ":" + s.batch_id
        rows = self._c.execute(
            select(recon_settlements).where(
                s.settled_date >= lo, s.settled_date <= hi, self._unclaimed(key)
            )
        )
        return [_batch(r._mapping) for r in rows]

    def line_markets(self, uids: Sequence[str]) -> dict[str, str | None]:
        if not uids:
            return {}
        c = recon_lines.c
        key = c.bank_code + ":" + c.account_no + ":" + c.line_ref
        rows = self._c.execute(select(key, c.market_code).where(key.in_(list(uids))))
        return {str(k): m for k, m in rows}

    # -- matches, exceptions, audit ----------------------------------------------------------
    def add_run(self, row: dict[str, Any]) -> None:
        self._c.execute(insert(recon_runs), [row])

    def claimed(self, items: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(items), _INSERT_CHUNK):
            chunk = list(items[start : start + _INSERT_CHUNK])
            found |= set(
                self._c.execute(
                    select(recon_claims.c.item).where(recon_claims.c.item.in_(chunk))
                ).scalars()
            )
        return found

    def add_match(self, row: dict[str, Any]) -> None:
        """The match and one claim per item; a claimed item raises (primary key)."""
        self._c.execute(insert(recon_matches), [row])
        self._c.execute(
            insert(recon_claims), [{"item": item, "match_id": row["id"]} for item in row["items"]]
        )

    def add_exception(self, row: dict[str, Any]) -> bool:
        stmt = insert_ignore(self._c, recon_exceptions, ["fingerprint"])
        return self._c.execute(stmt.returning(recon_exceptions.c.id), row).first() is not None

    def add_matches(self, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        self._c.execute(insert(recon_matches), list(rows))
        claims = [{"item": i, "match_id": r["id"]} for r in rows for i in r["items"]]
        self._c.execute(insert(recon_claims), claims)

    def add_exceptions(self, rows: Sequence[dict[str, Any]]) -> set[str]:
        """The ids actually inserted; rows whose fingerprint is known are skipped."""
        if not rows:
            return set()
        stmt = insert_ignore(self._c, recon_exceptions, ["fingerprint"])
        return set(self._c.scalars(stmt.returning(recon_exceptions.c.id), list(rows)))

    def audit_many(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            self._c.execute(insert(recon_audit), list(rows))

    def exception(self, exception_id: str, lock: bool = False) -> dict[str, Any] | None:
        stmt = select(recon_exceptions).where(recon_exceptions.c.id == exception_id)
        if lock and self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return dict(row._mapping) if row else None

    def exceptions(
        self, flt: ExceptionFilter, after: str | None, limit: int
    ) -> list[dict[str, Any]]:
        c = recon_exceptions.c
        stmt = select(recon_exceptions).order_by(c.id).limit(limit)
        if flt.markets is not None:
            stmt = stmt.where(c.market_code.in_(sorted(flt.markets)))
        if flt.status is not None:
            stmt = stmt.where(c.status == flt.status)
        if flt.type is not None:
            stmt = stmt.where(c.type == flt.type)
        if after is not None:
            stmt = stmt.where(c.id > after)
        return [dict(r._mapping) for r in self._c.execute(stmt)]

    def update_exception(self, exception_id: str, values: dict[str, Any]) -> None:
        self._c.execute(
            update(recon_exceptions).where(recon_exceptions.c.id == exception_id).values(values)
        )

    def audit(self, row: dict[str, Any]) -> None:
        self._c.execute(insert(recon_audit), [row])

    def audit_trail(self, exception_id: str) -> list[dict[str, Any]]:
        rows = self._c.execute(
            select(recon_audit)
            .where(recon_audit.c.exception_id == exception_id)
            .order_by(recon_audit.c.id)
        )
        return [dict(r._mapping) for r in rows]

    # -- close and reports -------------------------------------------------------------------
    def close(self, market: str, day: date) -> dict[str, Any] | None:
        row = self._c.execute(
            select(recon_closes).where(
                recon_closes.c.market_code == market, recon_closes.c.day == day
            )
        ).first()
        return dict(row._mapping) if row else None

    def last_close(self, market: str) -> dict[str, Any] | None:
        stmt = (
            select(recon_closes)
            .where(recon_closes.c.market_code == market)
            .order_by(recon_closes.c.day.desc())
            .limit(1)
        )
        if self._postgres:
            stmt = stmt.with_for_update()
        row = self._c.execute(stmt).first()
        return dict(row._mapping) if row else None

    def add_close(self, row: dict[str, Any]) -> bool:
        stmt = insert_ignore(self._c, recon_closes, ["market_code", "day"])
        return self._c.execute(stmt.returning(recon_closes.c.day), row).first() is not None

    def collections(
        self, markets: frozenset[str] | None, lo: date, hi: date, recorded_after: datetime | None
    ) -> list[dict[str, Any]]:
        """Money received per entry (clearing or collector cash debits), with its channel."""
        e, p, a = ledger_entries.c, ledger_postings.c, ledger_accounts.c
        stmt = (
            select(
                e.id,
                e.effective_at,
                e.recorded_at,
                e.metadata,
                a.market_code,
                a.kind,
                func.sum(p.amount).label("amount"),
            )
            .select_from(
                ledger_entries.join(ledger_postings, p.entry_id == e.id).join(
                    ledger_accounts, a.id == p.account_id
                )
            )
            .where(
                a.kind.in_(["bank_clearing", "collector_cash"]),
                p.side == "debit",
                e.kind == "standard",
                e.effective_at >= day_start(lo),
                e.effective_at < day_start(hi + timedelta(days=1)),
                not_(func.coalesce(e.reference, "").startswith(RECON_REFERENCE)),
                e.reverses.is_(None),
            )
            .group_by(e.id, e.effective_at, e.recorded_at, e.metadata, a.market_code, a.kind)
        )
        if markets is not None:
            stmt = stmt.where(a.market_code.in_(sorted(markets)))
        if recorded_after is not None:
            stmt = stmt.where(e.recorded_at > recorded_after)
        out = []
        for r in self._c.execute(stmt):
            meta = r.metadata if isinstance(r.metadata, dict) else json.loads(r.metadata or "{}")
            channel = str(meta.get("channel", "")).split(":")[0]
            if r.kind == "collector_cash":
                channel = "cash"
            elif channel not in ("va", "qris", "cash"):
                continue  # a verified cash deposit moving to the bank is not a collection
            out.append(
                {
                    "entry_id": r.id,
                    "market": r.market_code,
                    "day": r.effective_at.astimezone(WIB).date(),
                    "channel": channel,
                    "amount": int(r.amount),
                    "recorded_at": r.recorded_at,
                }
            )
        return out

    def credits(
        self, markets: frozenset[str] | None, lo: date, hi: date, imported_after: datetime | None
    ) -> list[dict[str, Any]]:
        c = recon_lines.c
        stmt = select(c.market_code, c.value_date, c.amount, c.imported_at).where(
            c.side == "credit", c.value_date >= lo, c.value_date <= hi
        )
        if markets is not None:
            stmt = stmt.where(c.market_code.in_(sorted(markets)))
        if imported_after is not None:
            stmt = stmt.where(c.imported_at > imported_after)
        return [
            {"market": r[0], "day": r[1], "amount": int(r[2]), "imported_at": r[3]}
            for r in self._c.execute(stmt)
        ]

    def matched(self, market: str, day: date) -> tuple[int, int]:
        c = recon_matches.c
        row = self._c.execute(
            select(func.count(), func.coalesce(func.sum(c.amount), 0)).where(
                and_(c.market_code == market, c.day == day)
            )
        ).one()
        return int(row[0]), int(row[1])

    def deposits(self, market: str, lo: datetime, hi: datetime) -> list[dict[str, Any]]:
        d = deposits.c
        rows = self._c.execute(
            select(d.id, d.sts_number, d.amount, d.collector, d.verified_at)
            .where(
                d.market_code == market,
                d.status == "verified",
                d.verified_at >= lo,
                d.verified_at < hi,
            )
            .order_by(d.sts_number)
        )
        return [dict(r._mapping) for r in rows]

    def save_target(
        self, market: str, month: date, target: int, source: str, now: datetime
    ) -> None:
        t = recon_targets.c
        values = {"target": target, "source": source, "loaded_at": now}
        done = self._c.execute(
            update(recon_targets).where(t.market_code == market, t.month == month), values
        )
        if not done.rowcount:
            self._c.execute(
                insert(recon_targets), [{"market_code": market, "month": month, **values}]
            )

    def targets(
        self, markets: frozenset[str] | None, lo: date, hi: date
    ) -> dict[tuple[str, date], int]:
        t = recon_targets.c
        stmt = select(t.market_code, t.month, t.target).where(t.month >= lo, t.month <= hi)
        if markets is not None:
            stmt = stmt.where(t.market_code.in_(sorted(markets)))
        return {(m, d): int(v) for m, d, v in self._c.execute(stmt)}


def _account(m: Any) -> ReconAccount:
    return ReconAccount(
        m["bank_code"], m["account_no"], m["market_code"], m["csv_format"], m["label"]
    )


def _line(m: Any) -> StatementLine:
    return StatementLine(
        bank=m["bank_code"],
        account=m["account_no"],
        line_ref=m["line_ref"],
        value_date=m["value_date"],
        amount=int(m["amount"]),
        side=Side(m["side"]),
        narrative=m["narrative"],
        booked_at=m["booked_at"],
        rrn=m["rrn"],
        va_number=m["va_number"],
        qris_ref=m["qris_ref"],
        bill_ref=m["bill_ref"],
        source_line=m["source_line"],
    )


def _batch(m: Any) -> SettlementBatch:
    return SettlementBatch(
        acquirer=m["acquirer"],
        batch_id=m["batch_id"],
        settled_date=m["settled_date"],
        gross_total=int(m["gross_total"]),
        fee_total=int(m["fee_total"]),
        mdr_bp=int(m["mdr_bp"]),
        net_credit=int(m["net_credit"]),
        members=tuple(SettlementMember(str(r), int(g), int(f)) for r, g, f in m["members"]),
        flat_fee=int(m["flat_fee"]),
    )


def _callback(m: Any) -> CallbackRecord:
    try:
        body = json.loads(m["body"])
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    received: datetime = m["received_at"]
    extra = body.get("additionalInfo")
    info: dict[str, Any] = extra if isinstance(extra, dict) else {}
    if m["kind"] == "va_payment":
        va = str(body.get("virtualAccountNo", "")).replace(" ", "") or None
        return CallbackRecord(
            bank=m["bank_code"],
            payment_id=m["payment_id"],
            channel=Channel.VA,
            gross_amount=int(m["amount"]),
            paid_at=_moment(body.get("trxDateTime"), received),
            reference_no=_text(body.get("referenceNo")),
            va_number=va,
            market=m["market_code"],
        )
    return CallbackRecord(
        bank=m["bank_code"],
        payment_id=m["payment_id"],
        channel=Channel.QRIS,
        gross_amount=int(m["amount"]),
        paid_at=_moment(body.get("paidTime") or info.get("paidTime"), received),
        reference_no=_text(info.get("rrn")),
        qris_ref=_text(body.get("originalPartnerReferenceNo")),
        fee=_fee(body.get("feeAmount"), int(m["amount"])),
        market=m["market_code"],
    )


def _text(value: Any) -> str | None:
    return str(value).strip() or None if value is not None else None


def _moment(value: Any, fallback: datetime) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return fallback
        if parsed.tzinfo is not None:
            return parsed
    return fallback


def _fee(value: Any, gross: int) -> int:
    """feeAmount in whole rupiah; a fee with sen or beyond the gross is left to the batch."""
    if not isinstance(value, dict):
        return 0
    try:
        amount = Decimal(str(value.get("value", "0")))
    except InvalidOperation:
        return 0
    if amount != amount.to_integral_value() or not 0 <= amount <= gross:
        return 0
    return int(amount)
