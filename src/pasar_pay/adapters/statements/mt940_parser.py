"""MT940 statements → domain `Statement`s, via the maintained `mt940` package.

The package parses tags but forgives a lot (a missing closing balance, any currency) and does
not report line numbers, so a light structural pass over the raw text runs first: it locates
every tag by line, checks each statement is complete and in IDR, and names the offending line.
All or nothing: one bad statement refuses the whole file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import mt940

from pasar_pay.adapters.statements.amounts import rupiah_from_decimal
from pasar_pay.adapters.statements.errors import StatementParseError
from pasar_pay.domain.reconciliation import (
    BANK_PATTERNS,
    KeyPattern,
    Side,
    Statement,
    StatementLine,
    extract_keys,
)

_TAG = re.compile(r"^:(\d{2}[A-Z]?|NS):")
_BALANCE = re.compile(r"^([CD])(\d{6})([A-Z]{3})([\d,]+)$")
_BALANCE_TAGS = ("60F", "60M", "62F", "62M", "64", "65")
CURRENCY = "IDR"


@dataclass(slots=True)
class _Tag:
    name: str
    line: int  # 1-based line of the tag in the file
    content: str


def parse_mt940(
    data: str | bytes,
    *,
    bank: str,
    source: str = "mt940",
    patterns: Mapping[str, tuple[KeyPattern, ...]] = BANK_PATTERNS,
) -> list[Statement]:
    """Every statement in the file, or `StatementParseError` naming the first bad line."""
    text = _decode(data, source)
    blocks = _split(text, source)
    if not blocks:
        raise StatementParseError("no statement (:20:) found", line=1, source=source)
    return [_statement(block, bank, source, patterns) for block in blocks]


def _decode(data: str | bytes, source: str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # SWIFT's character set is a subset of Latin-1; some banks export Latin-1 narratives.
        return data.decode("latin-1")


def _split(text: str, source: str) -> list[list[_Tag]]:
    blocks: list[list[_Tag]] = []
    current: _Tag | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r")
        m = _TAG.match(line)
        if line.startswith("{") or line.strip() in ("-", "-}"):
            current = None  # SWIFT envelope ({1:…}{4: … -}): not part of any field
        elif m:
            current = _Tag(m.group(1), number, line[m.end() :])
            if current.name == "20":
                blocks.append([])
            if not blocks:
                raise StatementParseError(
                    f"tag :{current.name}: before the first :20:", line=number, source=source
                )
            blocks[-1].append(current)
        elif current is not None and line.strip():
            current.content += "\n" + line  # continuation of :86: (up to 6 lines) or :61:
    return blocks


def _statement(
    tags: list[_Tag], bank: str, source: str, patterns: Mapping[str, tuple[KeyPattern, ...]]
) -> Statement:
    first, last = tags[0], tags[-1]
    names = [t.name for t in tags]
    closing_at = next((i for i, n in enumerate(names) if n in ("62F", "62M")), None)
    if closing_at is None:
        raise StatementParseError(
            f"truncated: the statement starting at line {first.line} has no closing balance "
            f"(:62F:); the file stops after :{last.name}:",
            line=last.line,
            source=source,
        )
    for name in ("25", "60F"):
        if name not in names and not (name == "60F" and "60M" in names):
            raise StatementParseError(
                f"statement has no :{name}: tag", line=first.line, source=source
            )
    late = next((t for t in tags[closing_at:] if t.name in ("61", "86")), None)
    if late is not None:
        raise StatementParseError(
            f":{late.name}: after the closing balance", line=late.line, source=source
        )
    for tag in tags:
        if tag.name in _BALANCE_TAGS:
            _check_balance(tag, source)
    block_text = "\n".join(f":{t.name}:{t.content}" for t in tags)
    try:
        parsed = mt940.parse(block_text)
    except RuntimeError as exc:  # the package's "Unable to parse <tag> from <data>"
        bad = exc.args[2] if len(exc.args) > 2 else None
        where = next((t for t in tags if t.content.strip() == bad), first)
        raise StatementParseError(
            f"malformed :{where.name}: field {where.content.strip()!r}",
            line=where.line,
            source=source,
        ) from exc
    line_tags = [t for t in tags if t.name == "61"]
    if len(parsed) != len(line_tags):  # pragma: no cover - guards a change in the package
        raise StatementParseError(
            "statement lines could not be read", line=first.line, source=source
        )
    data: dict[str, Any] = parsed.data
    account = str(data.get("account_identification", "")).strip()
    ref = str(data.get("transaction_reference", "")).strip()
    seq = f"{data.get('statement_number', '')}/{data.get('sequence_number', '') or ''}"
    opening = _first(
        data, "final_opening_balance", "intermediate_opening_balance", "opening_balance"
    )
    closing = _first(
        data, "final_closing_balance", "intermediate_closing_balance", "closing_balance"
    )
    if opening is None or closing is None:  # pragma: no cover - tags were checked above
        raise StatementParseError("balances could not be read", line=first.line, source=source)
    lines = tuple(
        _line(tx.data, tag, n, bank, account, f"{ref}:{seq}", source, patterns)
        for n, (tx, tag) in enumerate(zip(parsed, line_tags, strict=True), start=1)
    )
    return Statement(
        bank=bank,
        account=account,
        statement_ref=f"{ref}:{seq}",
        opening_date=_date(opening.date),
        closing_date=_date(closing.date),
        opening=_signed(opening, first.line, source),
        closing=_signed(closing, tags[closing_at].line, source),
        lines=lines,
    )


def _first(data: dict[str, Any], *keys: str) -> Any:
    return next((data[k] for k in keys if data.get(k) is not None), None)


def _check_balance(tag: _Tag, source: str) -> None:
    m = _BALANCE.match(tag.content.strip())
    if not m:
        raise StatementParseError(
            f"malformed balance :{tag.name}:{tag.content.strip()}", line=tag.line, source=source
        )
    if m.group(3) != CURRENCY:
        raise StatementParseError(
            f"currency {m.group(3)} in :{tag.name}:, only {CURRENCY} statements are accepted",
            line=tag.line,
            source=source,
        )


def _line(
    tx: dict[str, Any],
    tag: _Tag,
    n: int,
    bank: str,
    account: str,
    statement_ref: str,
    source: str,
    patterns: Mapping[str, tuple[KeyPattern, ...]],
) -> StatementLine:
    status = str(tx["status"])
    # RC (reversal of a credit) takes money out; RD (reversal of a debit) puts it back.
    side = Side.CREDIT if status in ("C", "RD") else Side.DEBIT
    amount = _rupiah(Decimal(tx["amount"].amount), tag.line, source)
    if amount == 0:
        raise StatementParseError("zero amount", line=tag.line, source=source)
    customer_ref = str(tx.get("customer_reference") or "").strip()
    bank_ref = str(tx.get("bank_reference") or "").strip()
    narrative = str(tx.get("transaction_details") or "").strip()
    keys = extract_keys(bank, narrative, customer_ref, patterns)
    return StatementLine(
        bank=bank,
        account=account,
        # Without a bank reference, the position in the statement is the only stable identity.
        line_ref=bank_ref or f"{statement_ref}#{n}",
        value_date=_date(tx["date"]),
        amount=amount,
        side=side,
        narrative=narrative,
        rrn=keys.rrn,
        va_number=keys.va_number,
        qris_ref=keys.qris_ref,
        bill_ref=keys.bill_ref,
        source_line=tag.line,
    )


def _rupiah(value: Decimal, line: int, source: str) -> int:
    try:
        return abs(rupiah_from_decimal(value))
    except ValueError as exc:
        raise StatementParseError(str(exc), line=line, source=source) from exc


def _signed(balance: Any, line: int, source: str) -> int:
    """A balance as signed rupiah (the package already negates "D" balances)."""
    value = Decimal(balance.amount.amount)
    magnitude = _rupiah(abs(value), line, source)
    return -magnitude if value < 0 else magnitude


def _date(value: Any) -> date:
    return date(value.year, value.month, value.day)
