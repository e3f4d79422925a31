"""Rule checks on a parsed tree: EMVCo structure, CRC, QRIS rules. Returns findings, never raises.

Finding codes are stable (callers and tests branch on them); paths look like `62.05`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from pasar_pay.domain.qris.amount import QRIS_CAP_RUPIAH, amount_problem, parse_amount
from pasar_pay.domain.qris.crc import CRC_TAG_HEADER, crc16, crc_of, format_crc, is_hex4
from pasar_pay.domain.qris.errors import QrisParseError
from pasar_pay.domain.qris.tlv import Element, Payload, encode, parse

QRIS_GUID = "ID.CO.QRIS.WWW"
CRITERIA = frozenset({"UMI", "UKE", "UME", "UBE", "URE"})
RECOMMENDED_MAX_LENGTH = 512
_TEXT_SUBTAGS_62 = ("01", "02", "03", "04", "05", "06", "07", "08")
_GUID = re.compile(r"[A-Z0-9._-]+")


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    path: str
    message: str
    position: int | None = None  # set for parse failures only

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def is_ans(value: str) -> bool:
    """EMVCo `ans`: printable ASCII 0x20..0x7E (for ASCII, exactly what isprintable() says)."""
    return value.isascii() and value.isprintable()


def _is_digits(value: str) -> bool:
    return value.isascii() and value.isdigit()


def errors_only(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity is Severity.ERROR]


def validate(payload: str | Payload, *, retribution: bool = False) -> list[Finding]:
    """All findings for `payload`. A string that does not parse yields one error finding.

    `retribution=True` adds the rule that tip/fee tags 55-57 are refused: retribution may not
    pass fees to the payer.
    """
    if isinstance(payload, str):
        try:
            payload = parse(payload)
        except QrisParseError as exc:
            return [Finding(exc.code, Severity.ERROR, "", exc.message, exc.position)]
    out = _Findings()
    _check_frame(payload, out)
    _check_charset(payload, out)
    _check_poi_and_amount(payload, out)
    _check_accounts(payload, out)
    _check_national(payload.element("51"), out)
    _check_root_fields(payload, out)
    _check_tips(payload, out, retribution=retribution)
    _check_additional(payload.element("62"), out)
    _check_language(payload.element("64"), out)
    return out.items


def crc_findings(payload: Payload) -> list[Finding]:
    """Only the frame checks (00, 63, CRC): what a converter must verify on its source."""
    out = _Findings()
    _check_frame(payload, out)
    return out.items


class _Findings:
    def __init__(self) -> None:
        self.items: list[Finding] = []

    def error(self, code: str, path: str, message: str) -> None:
        self.items.append(Finding(code, Severity.ERROR, path, message))

    def warning(self, code: str, path: str, message: str) -> None:
        self.items.append(Finding(code, Severity.WARNING, path, message))


def _check_frame(p: Payload, out: _Findings) -> None:
    elements = p.elements
    tags = p.tags()
    if not tags or tags[0] != "00":
        out.error("qris.pfi_not_first", "00", "payload format indicator 00 must come first")
    elif p.elements[0].value != "01":
        out.error("qris.pfi_invalid", "00", f"00 must be '01', got {p.elements[0].value!r}")
    if "63" not in tags:
        out.error("qris.crc_missing", "63", "CRC element 63 is missing")
        return
    index = tags.index("63")
    if index != len(tags) - 1:
        out.error("qris.crc_not_last", "63", "CRC element 63 must be last")
    actual = p.elements[index].value
    if len(actual) != 4:
        out.error("qris.crc_bad_length", "63", f"CRC length must be 04, got {len(actual):02d}")
        return
    if not is_hex4(actual):
        out.error("qris.crc_not_hex", "63", f"CRC {actual!r} is not hexadecimal")
        return
    if p.text is not None and index == len(tags) - 1:
        # 63 is last with length 04: the CRC covers the received text up to "6304"
        expected = format_crc(crc16(p.text[:-4].encode("utf-8")))
    else:
        expected = crc_of(encode(elements[:index]) + CRC_TAG_HEADER)
    if actual.upper() != expected:
        out.error("qris.crc_mismatch", "63", f"CRC is {actual}, computed {expected}")
    elif actual != expected:
        out.warning("qris.crc_lowercase", "63", "CRC matches but should be upper case")
    length = len(p.source)
    if length > RECOMMENDED_MAX_LENGTH:
        out.warning("qris.too_long", "", f"{length} characters; recommended max 512")


def _check_charset(p: Payload, out: _Findings) -> None:
    # Only template 64 may carry non-ASCII; elsewhere characters must equal bytes.
    if p.text is not None and is_ans(p.text):
        return  # every leaf is a slice of an all-printable-ASCII text
    for element in p:
        if element.tag == "64":
            continue
        for path, value in _leaves(element):
            if not is_ans(value):
                out.error("qris.charset", path, "value must be printable ASCII")


def _leaves(element: Element) -> list[tuple[str, str]]:
    if element.children is None:
        return [(element.tag, element.value)]
    return [(f"{element.tag}.{c.tag}", c.value) for c in element.children]


def _check_poi_and_amount(p: Payload, out: _Findings) -> None:
    poi, amount = p.get("01"), p.get("54")
    if poi is None:
        # Never assume static: a payload without 01 is ambiguous, not reusable by default.
        out.error("qris.poi_missing", "01", "point of initiation 01 is missing")
    elif poi not in ("11", "12"):
        out.error("qris.poi_invalid", "01", f"01 must be 11 or 12, got {poi!r}")
    if amount is None:
        if poi == "12":
            out.error("qris.amount_missing", "54", "a dynamic QRIS (01=12) needs an amount")
        return
    if poi == "11":
        out.warning("qris.amount_on_static", "54", "a static QRIS (01=11) carries an amount")
    problem = amount_problem(amount)
    if problem is not None:
        out.error(problem, "54", f"amount {amount!r}: digits, at most one '.', 1..13, non-zero")
        return
    if _over_cap(amount):
        out.error("qris.amount_over_cap", "54", f"amount {amount} exceeds Rp {QRIS_CAP_RUPIAH}")
    if "." in amount and len(amount.partition(".")[2]) > 2:
        out.warning("qris.amount_decimals", "54", "IDR has 2 decimals at most")


def _over_cap(amount: str) -> bool:
    """amount > QRIS_CAP_RUPIAH for a well-formed amount, without building a Decimal."""
    whole, _, fraction = amount.partition(".")
    rupiah = int(whole) if whole else 0
    return rupiah > QRIS_CAP_RUPIAH or (rupiah == QRIS_CAP_RUPIAH and bool(fraction.strip("0")))


def _check_accounts(p: Payload, out: _Findings) -> None:
    accounts = [e for e in p if "26" <= e.tag <= "45"]
    if not accounts:
        out.warning("qris.account_missing", "26", "no acquirer merchant account (26..45)")
    for account in accounts:
        t = account.tag
        guid = account.child("00")
        if guid is None or not _valid_guid(guid.value):
            out.error("qris.guid_invalid", f"{t}.00", "GUID missing or not upper-case domain")
        pan = account.child("01")
        if pan is not None:
            if not (_is_digits(pan.value) and len(pan.value) <= 19):
                out.error("qris.pan_invalid", f"{t}.01", "PAN must be at most 19 digits")
            elif not pan.value.startswith("9360"):
                out.warning("qris.pan_nns", f"{t}.01", "PAN does not start with a 9360 NNS")
        mid = account.child("02")
        if mid is not None and len(mid.value) > 15:
            out.error("qris.merchant_id_invalid", f"{t}.02", "merchant ID is at most 15")
        _check_criteria(account, out, required=False)


def _valid_guid(value: str) -> bool:
    return len(value) <= 32 and "." in value and _GUID.fullmatch(value) is not None


def _check_criteria(template: Element, out: _Findings, *, required: bool) -> None:
    criteria = template.child("03")
    path = f"{template.tag}.03"
    if criteria is None:
        if required:
            out.warning("qris.criteria_missing", path, "merchant criteria is missing")
    elif criteria.value not in CRITERIA:
        out.error("qris.criteria_invalid", path, f"criteria must be one of {sorted(CRITERIA)}")


def _check_national(national: Element | None, out: _Findings) -> None:
    if national is None:
        out.error("qris.national_missing", "51", "QRIS national template 51 is missing")
        return
    guid = national.child("00")
    if guid is None:
        out.error("qris.guid_invalid", "51.00", "template 51 has no GUID")
    elif guid.value != QRIS_GUID:
        out.warning("qris.national_guid", "51.00", f"non-standard GUID {guid.value!r}")
    nmid = national.child("02")
    if nmid is None:
        out.error("qris.nmid_missing", "51.02", "NMID is missing")
    elif not is_nmid(nmid.value):
        out.error("qris.nmid_invalid", "51.02", "NMID must be 'ID' followed by 13 digits")
    _check_criteria(national, out, required=True)


def is_nmid(value: str) -> bool:
    return len(value) == 15 and value.startswith("ID") and _is_digits(value[2:])


def _check_root_fields(p: Payload, out: _Findings) -> None:
    mcc, currency, country = p.get("52"), p.get("53"), p.get("58")
    if mcc is None or not (len(mcc) == 4 and _is_digits(mcc)):
        out.error("qris.mcc_invalid", "52", "merchant category code must be 4 digits")
    if currency != "360":
        out.error("qris.currency_invalid", "53", f"currency must be 360 (IDR), got {currency!r}")
    if country != "ID":
        out.error("qris.country_invalid", "58", f"country must be ID, got {country!r}")
    for tag, label, limit in (("59", "merchant name", 25), ("60", "merchant city", 15)):
        value = p.get(tag)
        if value is None:
            out.error(f"qris.{tag}_missing", tag, f"{label} ({tag}) is missing")
        elif len(value) > limit:
            out.error("qris.too_long_value", tag, f"{label} is at most {limit} characters")
    postal = p.get("61")
    if postal is None:
        out.warning("qris.postal_missing", "61", "postal code 61 is missing")
    elif len(postal) > 10:
        out.error("qris.too_long_value", "61", "postal code is at most 10 characters")


def _check_tips(p: Payload, out: _Findings, *, retribution: bool) -> None:
    present = [t for t in ("55", "56", "57") if p.get(t) is not None]
    if retribution:
        for tag in present:
            out.error("qris.tip_forbidden", tag, "no tip or fee on a retribution QRIS")
        return
    indicator, fixed, percent = p.get("55"), p.get("56"), p.get("57")
    if indicator is not None and indicator not in ("01", "02", "03"):
        out.error("qris.tip_invalid", "55", f"tip indicator must be 01/02/03, got {indicator!r}")
    if fixed is not None and indicator != "02":
        out.error("qris.fee_orphan", "56", "fixed fee 56 needs tip indicator 55=02")
    if percent is not None and indicator != "03":
        out.error("qris.fee_orphan", "57", "percentage fee 57 needs tip indicator 55=03")
    if indicator == "02" and (fixed is None or amount_problem(fixed) is not None):
        out.error("qris.fee_invalid", "56", "55=02 needs a positive fixed fee in 56")
    if indicator == "03" and not _valid_percent(percent):
        out.error("qris.fee_invalid", "57", "55=03 needs a percentage 0 < x <= 99.99 in 57")


def _valid_percent(text: str | None) -> bool:
    if text is None or len(text) > 5 or amount_problem(text) is not None:
        return False
    return parse_amount(text) <= Decimal("99.99")


def _check_additional(template: Element | None, out: _Findings) -> None:
    if template is None:
        return
    for child in template.children or ():
        path = f"62.{child.tag}"
        if child.tag in _TEXT_SUBTAGS_62 and len(child.value) > 25:
            out.error("qris.additional_invalid", path, "at most 25 characters")
        elif child.tag == "09" and not (
            len(set(child.value)) == len(child.value) and set(child.value) <= set("AME")
        ):
            out.error("qris.additional_invalid", path, "09 is a set of A, M, E")


def _check_language(template: Element | None, out: _Findings) -> None:
    if template is None:
        return
    language, name, city = template.child("00"), template.child("01"), template.child("02")
    if language is None or not (len(language.value) == 2 and language.value.isascii()):
        out.error("qris.language_invalid", "64.00", "language preference: 2 letters")
    if name is None or len(name.value) > 25:
        out.error("qris.language_invalid", "64.01", "alternate name: required, at most 25")
    if city is not None and len(city.value) > 15:
        out.error("qris.language_invalid", "64.02", "alternate city: at most 15")
