"""Match keys pulled out of bank narratives, with the regexes kept as data per bank.

Banks put the VA number, RRN and our bill reference in different places of the MT940 `:86:`
text or the CSV description; adding a bank is adding an entry to `BANK_PATTERNS`, not code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class KeyKind(StrEnum):
    RRN = "rrn"
    VA_NUMBER = "va_number"
    QRIS_REF = "qris_ref"
    BILL_REF = "bill_ref"


class Source(StrEnum):
    NARRATIVE = "narrative"  # :86: text or CSV description
    REFERENCE = "reference"  # the :61: customer reference / CSV reference column


@dataclass(frozen=True, slots=True)
class KeyPattern:
    kind: KeyKind
    regex: re.Pattern[str]  # group 1 is the key
    source: Source = Source.NARRATIVE


@dataclass(frozen=True, slots=True)
class ExtractedKeys:
    rrn: str | None = None
    va_number: str | None = None
    qris_ref: str | None = None
    bill_ref: str | None = None


def _p(kind: KeyKind, pattern: str, source: Source = Source.NARRATIVE) -> KeyPattern:
    return KeyPattern(kind, re.compile(pattern, re.IGNORECASE), source)


# Our own references are the same everywhere: bills `RET…`, online orders `ORD…`. A digit is
# required so that words like RETRIBUSI or ORDER in a narrative are not taken for references.
_BILL = _p(KeyKind.BILL_REF, r"\b((?:RET|ORD)[-/]?(?=[-A-Z0-9]*\d)[A-Z0-9][-A-Z0-9]{4,30})\b")
# A 12-digit QRIS RRN, labelled, as acquirers print it in settlement narratives.
_RRN_LABELLED = _p(KeyKind.RRN, r"\bRRN[:\s]*(\d{12})\b")
_QRIS_REF = _p(KeyKind.QRIS_REF, r"\bQR(?:IS)?[:\s]+([A-Z0-9]{10,32})\b")
# A cash deposit's STS (Surat Tanda Setoran) number, as the teller writes it in the narrative:
# the key the treasury's credit shares with the deposit entry (services/cash.py).
_STS = _p(KeyKind.RRN, r"\b(STS-[A-Z0-9]+(?:-[A-Z0-9]+){2,})\b")

BANK_PATTERNS: Mapping[str, tuple[KeyPattern, ...]] = {
    # BNI MT940: "VA 8808010100012 NAME RET-…"; the :61: customer reference is referenceNo.
    "BNI": (
        _p(KeyKind.RRN, r"^(\d{6,20})$", Source.REFERENCE),
        _p(KeyKind.VA_NUMBER, r"\bVA[:\s]*(\d{10,23})\b"),
        _RRN_LABELLED,
        _QRIS_REF,
        _BILL,
    ),
    # Bank Jateng: layout not public yet (snap.md §2.2); accept the common "VA" and "NO VA" labels.
    "JATENG": (
        _p(KeyKind.RRN, r"^(\d{6,20})$", Source.REFERENCE),
        _STS,
        _p(KeyKind.VA_NUMBER, r"\b(?:NO\.?\s*)?VA[:\s]*(\d{10,23})\b"),
        _RRN_LABELLED,
        _QRIS_REF,
        _BILL,
    ),
    # KlikBCA: "TRSF E-BANKING CR 0101/FTSCY/WS95051 …"; VA payments show "VA <digits>" or FTFVA.
    "BCA": (
        _p(KeyKind.RRN, r"\b(?:FTSCY|FTFVA)/(WS\d{5,})\b"),
        _p(KeyKind.VA_NUMBER, r"\b(?:VA|FTFVA/)\s*(\d{10,23})\b"),
        _RRN_LABELLED,
        _QRIS_REF,
        _BILL,
    ),
    # The project's bank simulator writes labelled fields: "VA=… RRN=… QR=… REF=RET…".
    "SIM": (
        _p(KeyKind.RRN, r"\bRRN=(\w+)"),
        _p(KeyKind.VA_NUMBER, r"\bVA=(\d+)"),
        _p(KeyKind.QRIS_REF, r"\bQR=(\w+)"),
        _p(KeyKind.BILL_REF, r"\bREF=([-\w]+)"),
    ),
}

DEFAULT_PATTERNS: tuple[KeyPattern, ...] = (
    _p(KeyKind.RRN, r"^(\d{6,20})$", Source.REFERENCE),
    _STS,
    _p(KeyKind.VA_NUMBER, r"\bVA[:\s]*(\d{10,23})\b"),
    _RRN_LABELLED,
    _QRIS_REF,
    _BILL,
)


def extract_keys(
    bank: str,
    narrative: str,
    reference: str = "",
    patterns: Mapping[str, tuple[KeyPattern, ...]] = BANK_PATTERNS,
) -> ExtractedKeys:
    """First match per key kind wins, in the bank's pattern order; text is upper-cased."""
    texts = {Source.NARRATIVE: narrative.upper(), Source.REFERENCE: reference.strip().upper()}
    found: dict[KeyKind, str] = {}
    for pat in patterns.get(bank.upper(), DEFAULT_PATTERNS):
        if pat.kind in found:
            continue
        m = pat.regex.search(texts[pat.source])
        if m:
            found[pat.kind] = m.group(1)
    return ExtractedKeys(
        rrn=found.get(KeyKind.RRN),
        va_number=found.get(KeyKind.VA_NUMBER),
        qris_ref=found.get(KeyKind.QRIS_REF),
        bill_ref=found.get(KeyKind.BILL_REF),
    )
