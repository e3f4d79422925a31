"""Bank statement, CSV export and settlement file parsers → reconciliation domain values."""

from pasar_pay.adapters.statements.csv_parser import (
    FORMATS,
    KLIKBCA_BISNIS,
    KLIKBCA_INDIVIDU,
    SIMULATOR,
    CsvFormat,
    CsvImport,
    PendingRow,
    parse_csv,
)
from pasar_pay.adapters.statements.errors import StatementParseError
from pasar_pay.adapters.statements.mt940_parser import parse_mt940
from pasar_pay.adapters.statements.settlement_parser import (
    VaSettlementRow,
    parse_qris_settlement,
    parse_va_settlement,
)

__all__ = [
    "FORMATS",
    "KLIKBCA_BISNIS",
    "KLIKBCA_INDIVIDU",
    "SIMULATOR",
    "CsvFormat",
    "CsvImport",
    "PendingRow",
    "StatementParseError",
    "VaSettlementRow",
    "parse_csv",
    "parse_mt940",
    "parse_qris_settlement",
    "parse_va_settlement",
]
