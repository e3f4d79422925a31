"""Element tree: whole-or-nothing parsing, positions and stable codes, byte-exact rendering."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.qris import QrisParseError, build, parse, render, to_dynamic, validate
from tests.domain.qris.samples import assemble, merchants, static_elements


def parse_error(text: str) -> QrisParseError:
    with pytest.raises(QrisParseError) as info:
        parse(text)
    return info.value


def test_templates_are_nested_and_primitives_are_not() -> None:
    tree = parse(assemble(static_elements()))
    account = tree.element("26")
    assert account is not None
    assert account.is_template
    assert tree.get("26.01") == "9360011300000012345"
    assert tree.get("62.07") == "A01"
    assert tree.element("59").children is None  # type: ignore[union-attr]
    assert tree.get("59") == "PASAR GEDE HARDJONAGORO"


def test_sub_ids_are_local_to_their_template() -> None:
    tree = parse(assemble(static_elements()))
    assert tree.get("01") == "11"
    assert tree.get("62.01") is None
    assert tree.get("26.01") != tree.get("01")


def test_length_counts_characters_not_bytes() -> None:
    payload = assemble([*static_elements(), ("64", [("00", "JV"), ("01", "ꦥꦱꦂ ꦒꦼꦝꦺ")])])
    assert len("ꦥꦱꦂ ꦒꦼꦝꦺ".encode()) > len("ꦥꦱꦂ ꦒꦼꦝꦺ")
    assert parse(payload).get("64.01") == "ꦥꦱꦂ ꦒꦼꦝꦺ"
    assert validate(payload) == []


@pytest.mark.parametrize(
    ("text", "code", "position"),
    [
        ("", "qris.empty", 0),
        ("000201010", "qris.truncated", 6),
        ("0002010102116", "qris.truncated", 12),
        ("0002010105", "qris.truncated", 6),
        ("000201AB0211", "qris.non_numeric_id", 6),
        ("00020101X1", "qris.bad_length", 8),
        ("0002010100", "qris.bad_length", 8),
        ("000201000201", "qris.duplicate_id", 6),
        ("000201010211", "qris.crc_missing", 12),
        ("00020163040000010211", "qris.crc_not_last", 14),
        ("0002012604AA016304ABCD", "qris.non_numeric_id", 10),
        ("00020126080003ABC66304ABCD", "qris.truncated", 17),
        ("00020126100001A0001B6304ABCD", "qris.duplicate_id", 15),
    ],
)
def test_parse_errors_have_stable_code_and_position(text: str, code: str, position: int) -> None:
    error = parse_error(text)
    assert (error.code, error.position) == (code, position)
    assert error.as_dict()["position"] == position


def test_lone_surrogate_is_refused_at_its_position() -> None:
    error = parse_error("000201\ud800")
    assert (error.code, error.position) == ("qris.bad_encoding", 6)


def test_every_prefix_of_a_valid_payload_is_refused() -> None:
    """Peer bug: a truncated payload parsed partially and re-encoded with a fresh CRC."""
    payload = assemble(static_elements())
    for cut in range(len(payload)):
        with pytest.raises(QrisParseError):
            parse(payload[:cut])
        with pytest.raises(QrisParseError):
            to_dynamic(payload[:cut], amount=1000, reference="R1")
    assert validate(payload[:100])[0].code in ("qris.truncated", "qris.crc_missing")


def test_trailing_data_after_crc_is_refused() -> None:
    payload = assemble(static_elements())
    assert parse_error(payload + "\n").code == "qris.truncated"
    assert parse_error(payload + "0102").code in ("qris.truncated", "qris.crc_not_last")


@settings(max_examples=60, deadline=None)
@given(merchants, st.randoms(use_true_random=False))
def test_render_keeps_received_order_byte_for_byte(merchant: object, rnd: random.Random) -> None:
    """Shuffle the middle elements (and template children) of a valid payload, re-seal it with
    the independent assembler: parse then render must return the exact same text."""
    tree = parse(build(merchant))  # type: ignore[arg-type]
    middle = [
        (e.tag, e.value if e.children is None else [(c.tag, c.value) for c in e.children])
        for e in tree
        if e.tag not in ("00", "63")
    ]
    rnd.shuffle(middle)
    for _, value in middle:
        if isinstance(value, list):
            rnd.shuffle(value)
    shuffled = assemble([("00", "01"), *middle])
    assert render(parse(shuffled)) == shuffled
    assert [f for f in validate(shuffled) if f.severity == "error"] == []
