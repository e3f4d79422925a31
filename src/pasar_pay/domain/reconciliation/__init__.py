"""Pure reconciliation: statement lines ↔ bank callbacks ↔ ledger entries, and balances."""

from pasar_pay.domain.reconciliation.balances import Statement, check_continuity
from pasar_pay.domain.reconciliation.extract import (
    BANK_PATTERNS,
    ExtractedKeys,
    KeyKind,
    KeyPattern,
    extract_keys,
)
from pasar_pay.domain.reconciliation.fees import FeeRule, Rounding, batch_fee, payment_fee
from pasar_pay.domain.reconciliation.matcher import MatchConfig, match
from pasar_pay.domain.reconciliation.model import (
    WIB,
    CallbackRecord,
    Channel,
    ExceptionType,
    FeeToPost,
    LedgerKind,
    LedgerRecord,
    Match,
    MatchResult,
    MatchRule,
    ReconException,
    SettlementBatch,
    SettlementMember,
    Side,
    StatementLine,
    local_date,
)

__all__ = [
    "BANK_PATTERNS",
    "WIB",
    "CallbackRecord",
    "Channel",
    "ExceptionType",
    "ExtractedKeys",
    "FeeRule",
    "FeeToPost",
    "KeyKind",
    "KeyPattern",
    "LedgerKind",
    "LedgerRecord",
    "Match",
    "MatchConfig",
    "MatchResult",
    "MatchRule",
    "ReconException",
    "Rounding",
    "SettlementBatch",
    "SettlementMember",
    "Side",
    "Statement",
    "StatementLine",
    "batch_fee",
    "check_continuity",
    "extract_keys",
    "local_date",
    "match",
    "payment_fee",
]
