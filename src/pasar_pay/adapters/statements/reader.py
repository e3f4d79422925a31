"""The parsers behind the reconciliation service's `StatementReader` port.

Parser errors become `ValidationFailed(code="statement_invalid")` carrying the file's line
number, so the API and the CLI can name the line without knowing the parsers.
"""

from __future__ import annotations

import hashlib

from pasar_pay.adapters.statements.csv_parser import FORMATS, parse_csv
from pasar_pay.adapters.statements.errors import StatementParseError
from pasar_pay.adapters.statements.mt940_parser import parse_mt940
from pasar_pay.adapters.statements.settlement_parser import parse_qris_settlement
from pasar_pay.domain.errors import ValidationFailed
from pasar_pay.domain.reconciliation import SettlementBatch
from pasar_pay.services.recon_ports import StatementFile


def refused(error: StatementParseError) -> ValidationFailed:
    return ValidationFailed(
        str(error), code="statement_invalid", line=error.line, source=error.source
    )


class StatementFiles:
    def statements(
        self, kind: str, data: bytes, *, bank: str, account: str | None, source: str
    ) -> list[StatementFile]:
        try:
            if kind == "mt940":
                return [
                    StatementFile(
                        s.bank,
                        s.account,
                        s.statement_ref,
                        s.opening_date,
                        s.closing_date,
                        s.opening,
                        s.closing,
                        s.lines,
                        account_line=_account_line(data, s.account),
                    )
                    for s in parse_mt940(data, bank=bank, source=source)
                ]
            name = kind.removeprefix("csv:")
            if not kind.startswith("csv:") or name not in FORMATS:
                raise ValidationFailed(
                    f"unknown statement format {kind!r}",
                    code="statement_format_unknown",
                    known=["mt940", *(f"csv:{f}" for f in sorted(FORMATS))],
                )
            if account is None:
                raise ValidationFailed("a CSV export needs the account", code="account_required")
            parsed = parse_csv(data, FORMATS[name], bank=bank, account=account, source=source)
        except StatementParseError as error:
            raise refused(error) from None
        if not parsed.lines:
            raise ValidationFailed(
                f"{source}: no booked rows", code="statement_invalid", line=None, source=source
            )
        days = [ln.value_date for ln in parsed.lines]
        digest = hashlib.sha256(data).hexdigest()[:16]
        return [
            StatementFile(
                bank,
                account,
                f"{name}:{digest}",
                min(days),
                max(days),
                parsed.opening,
                parsed.closing,
                parsed.lines,
            )
        ]

    def settlements(self, data: bytes, *, source: str) -> list[SettlementBatch]:
        try:
            return parse_qris_settlement(data, source=source)
        except StatementParseError as error:
            raise refused(error) from None


def _account_line(data: bytes, account: str) -> int:
    """The line of the :25: tag naming `account`, so an unknown account error can point at it."""
    text = data.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(":25:") and line[4:].strip() == account:
            return number
    return 1
