"""Structural JSON minify: what SNAP senders hash before signing (snap.md §1.5 rules 5-6).

Whitespace is removed only *outside* string literals; everything else is kept byte for byte:
key order, duplicate keys, escapes as sent (`\\/`, `\\u00e9`), raw non-ASCII, number spelling
(`10000.00` stays `10000.00`). Re-serialising with `json.dumps` would change all of these and
break signatures, which is why this is a character scanner and not loads/dumps.

Behaviour on bad input (decided, not accidental): an empty or whitespace-only body minifies to
"" (the "no body" hash). Anything else must be one well-formed JSON value (RFC 8259; `NaN` and
`Infinity` refused, no BOM) in strict UTF-8, or `MinifyError` is raised, so garbage is never
silently turned into a hash that a signature could then be checked against.
"""

from __future__ import annotations

import json

from pasar_pay.domain.snap.codes import SnapCase
from pasar_pay.domain.snap.errors import SnapError

# RFC 8259 insignificant whitespace; anything else outside a string is a token character.
_WHITESPACE = frozenset(" \t\n\r")


class MinifyError(SnapError):
    """The body is not well-formed JSON: answer `400xx00 Bad Request`, verify nothing."""


def minify(raw: bytes | str) -> str:
    """Return `raw` without whitespace outside strings; refuse input that is not JSON."""
    text = _decode(raw)
    out = _strip(text)
    if out:
        _require_well_formed(text)
    return out


def _decode(raw: bytes | str) -> str:
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MinifyError(
            f"body is not valid UTF-8 at byte {exc.start}",
            code="snap_body_not_utf8",
            case=SnapCase.BAD_REQUEST,
        ) from None


def _strip(text: str) -> str:
    parts: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _WHITESPACE:
            i += 1
        elif ch == '"':
            end = _string_end(text, i)
            parts.append(text[i:end])
            i = end
        else:
            # A run of token characters up to the next whitespace or string, copied as a slice.
            j = i + 1
            while j < n and text[j] not in _WHITESPACE and text[j] != '"':
                j += 1
            parts.append(text[i:j])
            i = j
    return "".join(parts)


def _string_end(text: str, start: int) -> int:
    """Index just past the closing quote of the string opening at `start` (escape-aware)."""
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2  # the escaped character can never close the string
        elif ch == '"':
            return i + 1
        else:
            i += 1
    # Unterminated: keep the rest verbatim; the well-formedness check below refuses it.
    return n


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _require_well_formed(text: str) -> None:
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise MinifyError(
            f"body is not well-formed JSON: {exc}",
            code="snap_body_not_json",
            case=SnapCase.BAD_REQUEST,
        ) from None
