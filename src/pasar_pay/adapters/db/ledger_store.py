"""The ledger's storage on SQLAlchemy Core: short statements, row locks in sorted order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, or_, select, update

from pasar_pay.adapters.db.raw import RawSql
from pasar_pay.adapters.db.tables import (
    ledger_accounts,
    ledger_chain_heads,
    ledger_digests,
    ledger_entries,
    ledger_postings,
    ledger_verifications,
)
from pasar_pay.adapters.db.upsert import insert_ignore, insert_ignore_count
from pasar_pay.domain.accounts import AccountKind, AccountSpec, Side
from pasar_pay.domain.chain import GENESIS_HASH
from pasar_pay.domain.ledger import Balance, EntryKind, Posting
from pasar_pay.domain.orders.ledger_plan import ORDER_REF_PREFIX
from pasar_pay.services.ports import (
    AccountFilter,
    DuplicateKey,
    EntryFilter,
    StoredAccount,
    StoredEntry,
)

_A = ledger_accounts.c
_E = ledger_entries.c
_P = ledger_postings.c
_POSTED_KINDS = [k.value for k in EntryKind if k not in (EntryKind.PENDING, EntryKind.VOID_PENDING)]


def _account(row: Any) -> StoredAccount:
    spec = AccountSpec(
        code=row.code,
        kind=AccountKind(row.kind),
        market_code=row.market_code,
        vendor_code=row.vendor_code,
        qualifier=row.qualifier,
    )
    balance = Balance(
        row.posted_debits, row.posted_credits, row.pending_debits, row.pending_credits
    )
    return StoredAccount(row.id, spec, balance)


class SqlLedgerStore:
    def __init__(self, connection: Connection) -> None:
        self._c = connection
        self._locking = connection.dialect.name == "postgresql"
        self._raw = RawSql(connection)
        self._integrity_error: type[Exception] = connection.dialect.loaded_dbapi.IntegrityError

    # -- accounts ---------------------------------------------------------------------------
    def open_accounts(self, specs: Sequence[AccountSpec], now: datetime) -> int:
        if not specs:
            return 0
        rows = [
            {
                "code": s.code,
                "kind": s.kind.value,
                "market_code": s.market_code,
                "vendor_code": s.vendor_code,
                "qualifier": s.qualifier,
                "normal_side": s.normal_side.value,
                "debits_must_not_exceed_credits": s.debits_must_not_exceed_credits,
                "credits_must_not_exceed_debits": s.credits_must_not_exceed_debits,
                "posted_debits": 0,
                "posted_credits": 0,
                "pending_debits": 0,
                "pending_credits": 0,
                "created_at": now,
            }
            for s in specs
        ]
        return insert_ignore_count(self._c, ledger_accounts, ["code"], rows)

    def _select_accounts(self, codes: Sequence[str], lock: bool) -> dict[str, StoredAccount]:
        if not codes:
            return {}
        stmt = select(ledger_accounts).where(_A.code.in_(sorted(codes))).order_by(_A.code)
        if lock and self._locking:
            stmt = stmt.with_for_update()
        return {row.code: _account(row) for row in self._c.execute(stmt)}

    def lock(
        self, codes: Sequence[str], chains: Sequence[str]
    ) -> tuple[dict[str, StoredAccount], dict[str, tuple[int, str]]]:
        """Lock accounts, then chain heads, each in sorted order, in one round trip."""
        ordered, chain_list = sorted(codes), sorted(chains)
        lock = " FOR UPDATE" if self._locking else ""
        raw = self._raw
        codes_in, codes_params = raw.one_of("code", ordered)
        chains_in, chains_params = raw.one_of("chain", chain_list)
        with raw.pipeline():
            accounts_cursor = raw.start(
                "SELECT id, code, kind, market_code, vendor_code, qualifier, posted_debits,"
                " posted_credits, pending_debits, pending_credits FROM ledger_accounts"
                f" WHERE {codes_in} ORDER BY code{lock}",
                codes_params,
            )
            heads_cursor = raw.start(
                "SELECT chain, seq, head_hash FROM ledger_chain_heads"
                f" WHERE {chains_in} ORDER BY chain{lock}",
                chains_params,
            )
        try:
            account_rows = accounts_cursor.fetchall()
            head_rows = heads_cursor.fetchall()
        finally:
            accounts_cursor.close()
            heads_cursor.close()
        found = {}
        for row in account_rows:
            spec = AccountSpec(row[1], AccountKind(row[2]), row[3], row[4], row[5])
            found[row[1]] = StoredAccount(
                int(row[0]), spec, Balance(int(row[6]), int(row[7]), int(row[8]), int(row[9]))
            )
        heads = {row[0]: (int(row[1]), str(row[2])) for row in head_rows}
        for chain in chain_list:
            if chain not in heads:  # a chain's first entry: create its head, then lock it
                heads[chain] = self.lock_chain(chain)
        return found, heads

    def record(
        self,
        entries: Sequence[StoredEntry],
        account_ids: Mapping[str, int],
        idempotency: tuple[str, str] | None,
        balances: Mapping[int, Balance],
        heads: Mapping[str, tuple[int, str]],
    ) -> None:
        """Postings, the entries that seal them, new totals and chain heads: one round trip."""
        with self._duplicates_named(), self._raw.pipeline():
            self.insert_entries(entries, account_ids, idempotency)
            self.save_balances(balances)
            for chain, (seq, head) in sorted(heads.items()):
                self.advance_chain(chain, seq, head)

    def lock_accounts(self, codes: Sequence[str]) -> dict[str, StoredAccount]:
        """Lock in code order (the hot path: on the driver's cursor)."""
        if not codes:
            return {}
        where, params = self._raw.one_of("code", sorted(codes))
        sql = (
            "SELECT id, code, kind, market_code, vendor_code, qualifier, posted_debits,"
            " posted_credits, pending_debits, pending_credits FROM ledger_accounts"
            f" WHERE {where} ORDER BY code" + (" FOR UPDATE" if self._locking else "")
        )
        found = {}
        for row in self._raw.all(sql, params):
            spec = AccountSpec(row[1], AccountKind(row[2]), row[3], row[4], row[5])
            found[row[1]] = StoredAccount(
                int(row[0]), spec, Balance(int(row[6]), int(row[7]), int(row[8]), int(row[9]))
            )
        return found

    def get_accounts(self, codes: Sequence[str]) -> dict[str, StoredAccount]:
        return self._select_accounts(codes, lock=False)

    def list_accounts(
        self, flt: AccountFilter, after: str | None, limit: int
    ) -> list[StoredAccount]:
        stmt = select(ledger_accounts).order_by(_A.code).limit(limit)
        if flt.markets is not None:
            stmt = stmt.where(_A.market_code.in_(sorted(flt.markets)))
        elif not flt.include_city:
            stmt = stmt.where(_A.market_code.is_not(None))
        if flt.market:
            stmt = stmt.where(_A.market_code == flt.market)
        if flt.vendor:
            stmt = stmt.where(_A.vendor_code == flt.vendor)
        if flt.kind:
            stmt = stmt.where(_A.kind == flt.kind)
        if after:
            stmt = stmt.where(_A.code > after)
        return [_account(row) for row in self._c.execute(stmt)]

    def save_balances(self, balances: Mapping[int, Balance]) -> None:
        """One statement for all rows (already locked): each round trip costs CPU here."""
        if not balances:
            return
        rows = sorted(balances.items())
        if self._raw.postgres:  # five arrays: one statement text whatever the row count
            self._raw.run(
                "UPDATE ledger_accounts AS a SET posted_debits = v.pd, posted_credits = v.pc,"
                " pending_debits = v.qd, pending_credits = v.qc FROM unnest(%b::bigint[],"
                " %b::bigint[], %b::bigint[], %b::bigint[], %b::bigint[]) AS v(id, pd, pc, qd, qc)"
                " WHERE a.id = v.id",
                [
                    [i for i, _ in rows],
                    [b.posted_debits for _, b in rows],
                    [b.posted_credits for _, b in rows],
                    [b.pending_debits for _, b in rows],
                    [b.pending_credits for _, b in rows],
                ],
            )
            return
        cast = "CAST(%s AS BIGINT)"
        values = ", ".join(f"({cast}, {cast}, {cast}, {cast}, {cast})" for _ in rows)
        params = [
            x
            for i, b in rows
            for x in (i, b.posted_debits, b.posted_credits, b.pending_debits, b.pending_credits)
        ]
        pick = "(SELECT v.{0} FROM v WHERE v.id = ledger_accounts.id)"
        self._raw.run(
            f"WITH v(id, pd, pc, qd, qc) AS (VALUES {values}) UPDATE ledger_accounts SET"
            f" posted_debits = {pick.format('pd')}, posted_credits = {pick.format('pc')},"
            f" pending_debits = {pick.format('qd')}, pending_credits = {pick.format('qc')}"
            " WHERE id IN (SELECT id FROM v)",
            params,
        )

    # -- chains -----------------------------------------------------------------------------
    def lock_chain(self, chain: str) -> tuple[int, str]:
        sql = "SELECT seq, head_hash FROM ledger_chain_heads WHERE chain = %s" + (
            " FOR UPDATE" if self._locking else ""
        )
        row = self._raw.one(sql, [chain])
        if row is None:
            self._c.execute(
                insert_ignore(self._c, ledger_chain_heads, ["chain"]),
                [{"chain": chain, "seq": 0, "head_hash": GENESIS_HASH}],
            )
            row = self._raw.one(sql, [chain])
            assert row is not None
        return int(row[0]), str(row[1])

    def advance_chain(self, chain: str, seq: int, head_hash: str) -> None:
        self._raw.run(
            "UPDATE ledger_chain_heads SET seq = %s, head_hash = %s WHERE chain = %s",
            [seq, head_hash, chain],
        )

    def chain_names(self) -> list[str]:
        return list(self._c.scalars(select(ledger_chain_heads.c.chain).order_by("chain")))

    def chain_head(self, chain: str) -> tuple[int, str]:
        row = self._c.execute(
            select(ledger_chain_heads.c.seq, ledger_chain_heads.c.head_hash).where(
                ledger_chain_heads.c.chain == chain
            )
        ).first()
        return (int(row.seq), str(row.head_hash)) if row else (0, GENESIS_HASH)

    # -- entries ----------------------------------------------------------------------------
    def insert_entries(
        self,
        entries: Sequence[StoredEntry],
        account_ids: Mapping[str, int],
        idempotency: tuple[str, str] | None,
    ) -> None:
        if not entries:
            return
        raw = self._raw
        postings = [
            (e.id, account_ids[p.account], p.side.value, p.amount)
            for e in entries
            for p in e.postings
        ]
        rows = [
            (
                e.id,
                e.chain,
                e.seq,
                e.kind,
                raw.time(e.effective_at),
                raw.time(e.recorded_at),
                e.description,
                e.reference,
                raw.json(dict(e.metadata)),
                e.reverses,
                e.pending_id,
                raw.time(e.expires_at),
                len(e.postings),
                sum(p.amount for p in e.postings if p.side is Side.DEBIT),
                e.prev_hash,
                e.entry_hash,
                idempotency[0] if idempotency else None,
                idempotency[1] if idempotency else None,
            )
            for e in entries
        ]
        with self._duplicates_named():
            if raw.postgres:
                # Arrays keep the statement text constant (parsed and prepared once) and go as
                # binary parameters (%b); ORDER BY the ordinality keeps posting ids in the
                # order the entry lists them.
                raw.run(
                    "INSERT INTO ledger_postings (entry_id, account_id, side, amount)"
                    " SELECT e, a, s, m FROM unnest(%b::text[], %b::bigint[], %b::text[],"
                    " %b::bigint[]) WITH ORDINALITY AS t(e, a, s, m, n) ORDER BY n",
                    [list(column) for column in zip(*postings, strict=True)],
                )
            else:
                raw.run(
                    "INSERT INTO ledger_postings (entry_id, account_id, side, amount) VALUES "
                    + ", ".join("(%s, %s, %s, %s)" for _ in postings),
                    [x for row in postings for x in row],
                )
            raw.many(
                "INSERT INTO ledger_entries (id, chain, seq, kind, effective_at, recorded_at,"
                " description, reference, metadata, reverses, pending_id, expires_at,"
                " posting_count, total, prev_hash, entry_hash, idempotency_scope,"
                f" idempotency_key) VALUES ({raw.placeholders(18)})",
                rows,
            )

    @contextmanager
    def _duplicates_named(self) -> Iterator[None]:
        """Turn the unique violations a race can cause into a DuplicateKey naming the case."""
        try:
            yield
        except self._integrity_error as error:
            text = str(error)
            if "pending_id" in text:
                raise DuplicateKey("pending_resolution") from error
            if "reverses" in text:
                raise DuplicateKey("reversal") from error
            raise

    def _entries(self, rows: Sequence[Any]) -> list[StoredEntry]:
        if not rows:
            return []
        ids = [row.id for row in rows]
        postings: dict[str, list[Posting]] = {i: [] for i in ids}
        stmt = (
            select(_P.entry_id, _P.side, _P.amount, _A.code)
            .join(ledger_accounts, _A.id == _P.account_id)
            .where(_P.entry_id.in_(ids))
            .order_by(_P.id)
        )
        for p in self._c.execute(stmt):
            postings[p.entry_id].append(Posting(p.code, Side(p.side), int(p.amount)))
        return [
            StoredEntry(
                id=r.id,
                chain=r.chain,
                seq=int(r.seq),
                kind=r.kind,
                effective_at=r.effective_at,
                recorded_at=r.recorded_at,
                description=r.description,
                reference=r.reference,
                metadata=dict(r.metadata or {}),
                reverses=r.reverses,
                pending_id=r.pending_id,
                expires_at=r.expires_at,
                postings=tuple(postings[r.id]),
                prev_hash=r.prev_hash,
                entry_hash=r.entry_hash,
            )
            for r in rows
        ]

    def _one(self, condition: Any) -> StoredEntry | None:
        rows = self._c.execute(select(ledger_entries).where(condition)).all()
        found = self._entries(rows)
        return found[0] if found else None

    def get_entry(self, entry_id: str) -> StoredEntry | None:
        return self._one(_E.id == entry_id)

    def find_resolution(self, pending_id: str) -> StoredEntry | None:
        return self._one(_E.pending_id == pending_id)

    def find_reversal(self, entry_id: str) -> StoredEntry | None:
        return self._one(_E.reverses == entry_id)

    def expired_pending_ids(self, now: datetime, limit: int) -> list[str]:
        resolved = select(_E.pending_id).where(_E.pending_id.is_not(None))
        stmt = (
            select(_E.id)
            .where(_E.kind == EntryKind.PENDING.value, _E.expires_at <= now)
            .where(_E.id.not_in(resolved))
            # An order's refund hold is the shopper's claim until the order completes or is
            # refunded; only the order's own lifecycle resolves it (see domain/orders).
            .where(or_(_E.reference.is_(None), _E.reference.not_like(f"{ORDER_REF_PREFIX}%")))
            .order_by(_E.expires_at, _E.id)
            .limit(limit)
        )
        return list(self._c.scalars(stmt))

    def list_entries(
        self, flt: EntryFilter, after: tuple[datetime, str] | None, limit: int
    ) -> list[StoredEntry]:
        stmt = select(ledger_entries).order_by(_E.recorded_at, _E.id).limit(limit)
        if flt.chains is not None:
            stmt = stmt.where(_E.chain.in_(sorted(flt.chains)))
        if flt.reference:
            stmt = stmt.where(_E.reference == flt.reference)
        if flt.kind:
            stmt = stmt.where(_E.kind == flt.kind)
        if flt.effective_from:
            stmt = stmt.where(_E.effective_at >= flt.effective_from)
        if flt.effective_to:
            stmt = stmt.where(_E.effective_at < flt.effective_to)
        if flt.account:
            touching = (
                select(_P.entry_id)
                .join(ledger_accounts, _A.id == _P.account_id)
                .where(_A.code == flt.account)
            )
            stmt = stmt.where(_E.id.in_(touching))
        if after:
            stmt = stmt.where(
                or_(_E.recorded_at > after[0], and_(_E.recorded_at == after[0], _E.id > after[1]))
            )
        return self._entries(self._c.execute(stmt).all())

    def balance_as_of(
        self, account_ids: Sequence[int], at: datetime, by_recorded: bool
    ) -> dict[int, Balance]:
        """Posted totals from the postings themselves (holds are not part of history)."""
        moment = _E.recorded_at if by_recorded else _E.effective_at
        debit = func.coalesce(func.sum(case((_P.side == "debit", _P.amount), else_=0)), 0)
        credit = func.coalesce(func.sum(case((_P.side == "credit", _P.amount), else_=0)), 0)
        stmt = (
            select(_P.account_id, debit.label("d"), credit.label("c"))
            .join(ledger_entries, _E.id == _P.entry_id)
            .where(_P.account_id.in_(list(account_ids)), moment <= at)
            .where(_E.kind.in_(_POSTED_KINDS))
            .group_by(_P.account_id)
        )
        found = {int(r.account_id): Balance(int(r.d), int(r.c)) for r in self._c.execute(stmt)}
        return {i: found.get(i, Balance()) for i in account_ids}

    def iter_chain(self, chain: str, after_seq: int, batch: int) -> Iterator[StoredEntry]:
        last = after_seq
        while True:
            rows = self._c.execute(
                select(ledger_entries)
                .where(_E.chain == chain, _E.seq > last)
                .order_by(_E.seq)
                .limit(batch)
            ).all()
            if not rows:
                return
            yield from self._entries(rows)
            last = int(rows[-1].seq)

    def heads_as_of(self, moment: datetime) -> dict[str, tuple[int, str]]:
        latest = (
            select(_E.chain, func.max(_E.seq).label("seq"))
            .where(_E.recorded_at < moment)
            .group_by(_E.chain)
            .subquery()
        )
        stmt = select(_E.chain, _E.seq, _E.entry_hash).join(
            latest, and_(latest.c.chain == _E.chain, latest.c.seq == _E.seq)
        )
        return {r.chain: (int(r.seq), r.entry_hash) for r in self._c.execute(stmt)}

    # -- verification checkpoints and digests -----------------------------------------------
    def get_checkpoint(self, chain: str) -> tuple[int, str] | None:
        row = self._c.execute(
            select(ledger_verifications.c.seq, ledger_verifications.c.head_hash).where(
                ledger_verifications.c.chain == chain
            )
        ).first()
        return (int(row.seq), str(row.head_hash)) if row else None

    def save_checkpoint(self, chain: str, seq: int, head_hash: str, at: datetime) -> None:
        done = self._c.execute(
            update(ledger_verifications)
            .where(ledger_verifications.c.chain == chain)
            .values(seq=seq, head_hash=head_hash, verified_at=at)
        )
        if done.rowcount == 0:
            self._c.execute(
                insert(ledger_verifications),
                [{"chain": chain, "seq": seq, "head_hash": head_hash, "verified_at": at}],
            )

    def save_digest(
        self, day: date, document: str, signature: str, public_key: str, at: datetime
    ) -> None:
        self._c.execute(
            insert_ignore(self._c, ledger_digests, ["day"]),
            [
                {
                    "day": day,
                    "document": document,
                    "signature": signature,
                    "public_key": public_key,
                    "created_at": at,
                }
            ],
        )

    def get_digest(self, day: date) -> tuple[str, str, str] | None:
        row = self._c.execute(
            select(
                ledger_digests.c.document, ledger_digests.c.signature, ledger_digests.c.public_key
            ).where(ledger_digests.c.day == day)
        ).first()
        return (row.document, row.signature, row.public_key) if row else None
