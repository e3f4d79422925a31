"""CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR) for tag 63."""

from __future__ import annotations

import binascii
import re

CRC_TAG_HEADER = "6304"


def crc16(data: bytes) -> int:
    # crc_hqx is CCITT with a caller-chosen seed: seeding 0xFFFF gives CCITT-FALSE exactly.
    return binascii.crc_hqx(data, 0xFFFF)


def format_crc(value: int) -> str:
    """Four upper-case hex digits, zero-padded (`007B`, never `7B`)."""
    return f"{value & 0xFFFF:04X}"


def crc_of(text_through_header: str) -> str:
    """CRC text for a payload prefix that already ends with the literal `6304`.

    Computed over UTF-8 bytes: non-ASCII in template 64 counts as several bytes here, never
    as UTF-16 code units.
    """
    return format_crc(crc16(text_through_header.encode("utf-8")))


_HEX4 = re.compile(r"[0-9A-Fa-f]{4}")


def is_hex4(value: str) -> bool:
    return _HEX4.fullmatch(value) is not None
