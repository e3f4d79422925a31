"""SNAP amount objects: `{"value": "215670.00", "currency": "IDR"}` <-> integer rupiah.

The wire form is a string with exactly two decimals, no sign, no separators, no exponent
(ISO 4217 "16,2"). Errors map to SNAP cases:

* case 01 (Invalid Field Format): not an object, value not a string (a JSON number such as
  `215670.0` is refused: floats are how sen get lost), wrong shape (`215,670.00`, `215.670,00`,
  `1e5`, `-5.00`, `215670`, `215670.0`, leading zeros), currency other than IDR;
* case 02 (Invalid Mandatory Field): the object, `value` or `currency` missing;
* case 13 (Invalid Amount, HTTP 404): well-formed but non-zero sen (`100.50`) where whole
  rupiah are required. Retribution bills are whole rupiah, so such a payment can never match
  a bill; `parse_amount_sen` accepts sen for fees (0.3% MDR yields sen) and reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pasar_pay.domain.snap.codes import SnapCase
from pasar_pay.domain.snap.errors import SnapError, format_error, mandatory_error

CURRENCY = "IDR"
# 13 integer digits + ".00" = 16 characters, the SNAP maximum; far above any real bill.
_VALUE = re.compile(r"(0|[1-9][0-9]{0,12})\.([0-9]{2})")
MAX_RUPIAH = 10**13 - 1


def format_value(rupiah: int) -> str:
    """`215670` -> `"215670.00"`. Our own amounts: a bad one is a bug, hence ValueError."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int):
        raise TypeError("amount must be an int of rupiah")
    if not 0 <= rupiah <= MAX_RUPIAH:
        raise ValueError(f"amount out of range: {rupiah}")
    return f"{rupiah}.00"


def format_amount(rupiah: int) -> dict[str, str]:
    return {"value": format_value(rupiah), "currency": CURRENCY}


def parse_value_sen(value: object, *, field: str) -> int:
    """`"215670.50"` -> 21567050 (minor units); refuses every non-canonical spelling."""
    if value is None or value == "":
        raise mandatory_error(field)
    if not isinstance(value, str):
        raise format_error(
            field, f"{field} must be a string like '215670.00'", code="snap_amount_not_string"
        )
    match = _VALUE.fullmatch(value)
    if match is None:
        raise format_error(field, f"{field} must look like '215670.00'", code="snap_amount_format")
    return int(match.group(1)) * 100 + int(match.group(2))


def parse_value(value: object, *, field: str) -> int:
    """`"215670.00"` -> 215670; non-zero sen -> case 13 (see module doc)."""
    sen = parse_value_sen(value, field=field)
    rupiah, rest = divmod(sen, 100)
    if rest:
        raise SnapError(
            f"{field} has sen; only whole rupiah can be paid",
            code="snap_amount_fractional_rupiah",
            case=SnapCase.INVALID_AMOUNT,
            field=field,
            detail="",
        )
    return rupiah


def parse_amount(obj: object, *, field: str) -> int:
    """A whole-rupiah SNAP amount object (paidAmount, totalAmount, QR amount)."""
    return parse_value(_value_of(obj, field), field=f"{field}.value")


def parse_amount_sen(obj: object, *, field: str) -> int:
    """An amount object that may carry sen (feeAmount), in minor units."""
    return parse_value_sen(_value_of(obj, field), field=f"{field}.value")


def _value_of(obj: object, field: str) -> object:
    if obj is None:
        raise mandatory_error(field)
    if not isinstance(obj, Mapping):
        raise format_error(field, f"{field} must be an object", code="snap_amount_not_object")
    currency = obj.get("currency")
    if currency is None or currency == "":
        raise mandatory_error(f"{field}.currency")
    if currency != CURRENCY:
        raise format_error(
            f"{field}.currency", f"{field}.currency must be IDR", code="snap_amount_currency"
        )
    return obj.get("value")
