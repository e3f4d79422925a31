"""CRC-16/CCITT-FALSE: check value, formatting, UTF-8 (not UTF-16), case, hex."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from pasar_pay.domain.qris import build, crc_of, demo_merchant, parse, validate
from pasar_pay.domain.qris.crc import crc16, format_crc
from pasar_pay.domain.qris.model import AdditionalData
from tests.domain.qris.samples import UNICODE, assemble, reference_crc, static_elements


def codes(payload: str, **options: bool) -> set[str]:
    return {f.code for f in validate(payload, **options)}


def test_check_value_is_ccitt_false_not_xmodem_or_kermit() -> None:
    assert format_crc(crc16(b"123456789")) == "29B1"
    assert format_crc(crc16(b"123456789")) not in ("31C3", "2189")


@settings(max_examples=200)
@given(st.text(UNICODE, max_size=60))
def test_crc_is_always_four_upper_hex_and_matches_bitwise_reference(text: str) -> None:
    value = crc_of(text + "6304")
    assert re.fullmatch(r"[0-9A-F]{4}", value)
    assert value == reference_crc((text + "6304").encode("utf-8"))


def test_small_crc_is_zero_padded_in_built_payloads() -> None:
    """Peer bug: `hex(crc)[2:]` writes 7B instead of 007B. Search a bill number giving a CRC
    below 0x1000 (about 1 in 16 do) and check it is still written with 4 digits."""
    base = demo_merchant("PSR-GEDE").merchant
    for n in range(500):
        merchant = dataclasses.replace(base, additional=AdditionalData(bill_number=f"B{n}"))
        payload = build(merchant)
        if payload[-4] == "0":
            break
    else:
        raise AssertionError("no CRC below 0x1000 in 500 tries")
    assert payload[-8:-4] == "6304"
    assert int(payload[-4:], 16) < 0x1000
    assert validate(payload) == []
    unpadded = payload[:-8] + "6303" + payload[-3:]
    assert "qris.crc_bad_length" in codes(unpadded)


def test_crc_covers_utf8_bytes_not_utf16_units() -> None:
    elements = [*static_elements(), ("64", [("00", "ZH"), ("01", "索罗市场"), ("02", "梭罗")])]
    good = assemble(elements)
    utf16 = assemble(elements, encoding="utf-16-be")
    assert good[-4:] != utf16[-4:]
    assert validate(good) == []
    assert "qris.crc_mismatch" in codes(utf16)


def test_lower_case_crc_is_accepted_with_a_warning() -> None:
    payload = assemble(static_elements())
    lower = payload[:-4] + payload[-4:].lower()
    if lower == payload:  # all digits: nothing to lower; force a letter by another name
        payload = assemble(static_elements("PASAR LEGI"))
        lower = payload[:-4] + payload[-4:].lower()
    assert lower != payload
    findings = validate(lower)
    assert [(f.code, f.severity) for f in findings] == [("qris.crc_lowercase", "warning")]


def test_non_hex_crc_is_rejected_not_compared() -> None:
    payload = assemble(static_elements())
    assert "qris.crc_not_hex" in codes(payload[:-4] + "12G4")


def test_tampered_payload_fails_crc() -> None:
    """Peer bug: CRC not verified on decode. Same length, one character changed."""
    payload = assemble(static_elements("PASAR GEDE"))
    tampered = payload.replace("PASAR GEDE", "PASAR GEDF")
    parse(tampered)  # structure is fine ...
    assert "qris.crc_mismatch" in codes(tampered)  # ... the CRC is not


def test_crc_length_must_be_04() -> None:
    body = "000201010211"
    assert "qris.crc_bad_length" in codes(body + "630512345")
    assert "qris.crc_bad_length" in codes(body + "6303ABC")
