"""Structural minify: whitespace outside strings only; refusal of non-JSON."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.snap.codes import ServiceCode
from pasar_pay.domain.snap.minify import MinifyError, minify


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('{ "a" : [ 1 , 2 ] }', '{"a":[1,2]}'),
        ('{"a":"  x\\t y  "}', '{"a":"  x\\t y  "}'),
        ('{"a":"\\\\"  ,  "b" : "\\\\\\" }"}', '{"a":"\\\\","b":"\\\\\\" }"}'),
        ('{"n": 10000.00, "e": 1E+2}', '{"n":10000.00,"e":1E+2}'),
        ('{"b":1,"a":2,"b":3}', '{"b":1,"a":2,"b":3}'),  # order and duplicates as sent
        ("\r\n\t [ ]\n", "[]"),
        ('"  only a string  "', '"  only a string  "'),
        ("", ""),
        (" \n\t", ""),
    ],
)
def test_minify_examples(raw: str, expected: str) -> None:
    assert minify(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("garbage", "snap_body_not_json"),
        ('{"a":1', "snap_body_not_json"),
        ('{"a":"unterminated}', "snap_body_not_json"),
        ('{"a":NaN}', "snap_body_not_json"),
        ('{"a":Infinity}', "snap_body_not_json"),
        ('{"a":1} {"b":2}', "snap_body_not_json"),
        ('{"a":"line\nbreak"}', "snap_body_not_json"),  # raw control char inside a string
        ('\ufeff{"a":1}', "snap_body_not_json"),
        (b'{"a":"\xff"}', "snap_body_not_utf8"),
        ("[" * 100_000 + "]" * 100_000, "snap_body_not_json"),
    ],
)
def test_minify_refuses_non_json(raw: str | bytes, code: str) -> None:
    with pytest.raises(MinifyError) as info:
        minify(raw)
    assert info.value.code == code
    assert info.value.status(ServiceCode.VA_PAYMENT).code == "4002500"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=25,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_minify_of_pretty_print_equals_compact_dump(value: Any) -> None:
    pretty = json.dumps(value, indent=2, ensure_ascii=False)
    compact = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    assert minify(pretty) == compact
    assert minify(pretty.encode("utf-8")) == compact


@settings(max_examples=200, deadline=None)
@given(json_values, st.sampled_from([None, 1, 4]), st.booleans())
def test_minify_is_idempotent(value: Any, indent: int | None, ascii_only: bool) -> None:
    once = minify(json.dumps(value, indent=indent, ensure_ascii=ascii_only))
    assert minify(once) == once
    assert json.loads(once) == json.loads(json.dumps(value))
