"""Reading fields out of an already `json.loads`-ed SNAP body, naming the field on refusal.

Missing, `null` and `""` are all "missing" (case 02): banks send each of them for "no value".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pasar_pay.domain.snap.errors import format_error, mandatory_error
from pasar_pay.domain.snap.timestamps import parse_timestamp


def require_object(value: object, field: str = "body") -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise format_error(field, f"{field} must be a JSON object", code="snap_not_object")
    return value


def is_missing(value: object) -> bool:
    return value is None or value == ""


def require_str(body: Mapping[str, Any], field: str, max_length: int) -> str:
    value = optional_str(body, field, max_length)
    if value is None:
        raise mandatory_error(field)
    return value


def optional_str(body: Mapping[str, Any], field: str, max_length: int) -> str | None:
    value = body.get(field)
    if is_missing(value):
        return None
    if not isinstance(value, str):
        raise format_error(field, f"{field} must be a string")
    if len(value) > max_length:
        raise format_error(field, f"{field} is longer than {max_length}")
    return value


def optional_choice(body: Mapping[str, Any], field: str, choices: frozenset[str]) -> str | None:
    value = optional_str(body, field, max(len(c) for c in choices))
    if value is not None and value not in choices:
        raise format_error(field, f"{field} must be one of {sorted(choices)}")
    return value


def optional_int(body: Mapping[str, Any], field: str, digits: int) -> int | None:
    """A SNAP `Number(n)`; some banks quote it (`"6017"`), so digit strings are accepted."""
    value = body.get(field)
    if is_missing(value):
        return None
    if isinstance(value, bool):
        raise format_error(field, f"{field} must be a number")
    if isinstance(value, int) and 0 <= value < 10**digits:
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= digits:
        return int(value)
    raise format_error(field, f"{field} must be a number of at most {digits} digits")


def optional_time(body: Mapping[str, Any], field: str) -> datetime | None:
    value = optional_str(body, field, 35)
    return None if value is None else parse_timestamp(value, field=field)


def optional_object(body: Mapping[str, Any], field: str) -> Mapping[str, Any]:
    value = body.get(field)
    if value is None:
        return {}
    return require_object(value, field)


def optional_list(body: Mapping[str, Any], field: str, max_items: int) -> tuple[Any, ...]:
    value = body.get(field)
    if value is None:
        return ()
    if not isinstance(value, list):
        raise format_error(field, f"{field} must be an array")
    if len(value) > max_items:
        raise format_error(field, f"{field} has more than {max_items} items")
    return tuple(value)
