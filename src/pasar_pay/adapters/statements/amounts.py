"""Money text from bank files to integer rupiah, exactly, or a refusal."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_CLEAN = re.compile(r"[\s'\"]|^Rp\.?", re.IGNORECASE)


def rupiah_from_decimal(value: Decimal) -> int:
    """Exact integer rupiah; a non-zero sen part is refused rather than rounded away."""
    if value != value.to_integral_value():
        raise ValueError(f"{value} has a fraction of a rupiah")
    return int(value)


def parse_amount_text(text: str) -> int:
    """`287,490.00`, `72100000.00`, `1.500.000,00`, `'5000` → rupiah (sign kept).

    With both separators present the last one is the decimal mark; with one kind only, it is
    decimal when followed by exactly two digits at the end, otherwise it groups thousands.
    """
    raw = _CLEAN.sub("", text)
    if not raw:
        raise ValueError("empty amount")
    sign = -1 if raw.startswith("-") else 1
    raw = raw.lstrip("+-")
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        dec = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        mark = "." if last_dot >= 0 else ","
        dec = (
            mark
            if re.fullmatch(rf"[\d{re.escape(mark)}]*{re.escape(mark)}\d{{2}}", raw)
            and (raw.count(mark) == 1)
            else ""
        )
    else:
        dec = ""
    integer = raw.rsplit(dec, 1)[0] if dec else raw
    grouped = [sep for sep in ".," if sep != dec and sep in integer]
    # Thousands groups must be exactly three digits: "12.5" is a typo, not Rp 125.
    if grouped and not re.fullmatch(rf"\d{{1,3}}({re.escape(grouped[0])}\d{{3}})*", integer):
        raise ValueError(f"not an amount: {text!r}")
    digits = "".join(ch for ch in raw if ch in "0123456789" or ch == dec)
    if dec == ",":
        digits = digits.replace(",", ".")
    if not re.fullmatch(r"\d+(\.\d+)?", digits):
        raise ValueError(f"not an amount: {text!r}")
    try:
        return sign * rupiah_from_decimal(Decimal(digits))
    except InvalidOperation as exc:  # pragma: no cover - the regex above admits only decimals
        raise ValueError(f"not an amount: {text!r}") from exc
