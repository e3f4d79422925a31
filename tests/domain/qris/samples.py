"""Test oracles independent of the code under test: a bitwise CRC and a TLV assembler."""

from __future__ import annotations

from hypothesis import strategies as st

from pasar_pay.domain.qris import (
    AdditionalData,
    Criteria,
    LanguageTemplate,
    MerchantAccount,
    MerchantData,
)

Value = str | list[tuple[str, str]]


def reference_crc(data: bytes) -> str:
    """CRC-16/CCITT-FALSE bit by bit, straight from the definition (poly 0x1021, init FFFF)."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return f"{crc:04X}"


def tlv(tag: str, value: Value) -> str:
    text = value if isinstance(value, str) else "".join(tlv(t, v) for t, v in value)
    return f"{tag}{len(text):02d}{text}"


def assemble(elements: list[tuple[str, Value]], *, encoding: str = "utf-8") -> str:
    """Join elements and append `6304` + CRC computed over `encoding` bytes."""
    body = "".join(tlv(t, v) for t, v in elements) + "6304"
    return body + reference_crc(body.encode(encoding))


def static_elements(name: str = "PASAR GEDE HARDJONAGORO") -> list[tuple[str, Value]]:
    """A static QRIS shaped like an acquirer's sticker payload (fictitious identifiers)."""
    return [
        ("00", "01"),
        ("01", "11"),
        (
            "26",
            [
                ("00", "ID.CO.BANKJATENG.WWW"),
                ("01", "9360011300000012345"),
                ("02", "000000012345678"),
                ("03", "URE"),
            ],
        ),
        ("51", [("00", "ID.CO.QRIS.WWW"), ("02", "ID1020304050607"), ("03", "URE")]),
        ("52", "9399"),
        ("53", "360"),
        ("58", "ID"),
        ("59", name),
        ("60", "SURAKARTA"),
        ("61", "57111"),
        ("62", [("07", "A01")]),
    ]


def replace(
    elements: list[tuple[str, Value]], tag: str, value: Value | None
) -> list[tuple[str, Value]]:
    """Set (or with None remove) a root element, inserting new ones before the first larger ID."""
    out = [(t, v) for t, v in elements if t != tag]
    if value is None:
        return out
    index = next((i for i, (t, _) in enumerate(elements) if t == tag), None)
    if index is None:
        index = next((i for i, (t, _) in enumerate(out) if t > tag), len(out))
    out.insert(index, (tag, value))
    return out


ANS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)
UNICODE = st.characters(codec="utf-8")  # any code point UTF-8 can encode (no surrogates)


def ans(max_size: int) -> st.SearchStrategy[str]:
    return st.text(ANS, min_size=1, max_size=max_size)


def digits(min_size: int, max_size: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=min_size, max_size=max_size)


criteria = st.sampled_from(list(Criteria))

accounts = st.builds(
    MerchantAccount,
    tag=st.sampled_from([f"{n}" for n in range(26, 46)]),
    guid=st.from_regex(r"[A-Z]{2}\.[A-Z0-9.]{1,29}", fullmatch=True),
    pan=st.none() | digits(8, 11).map(lambda d: "93600113" + d),
    merchant_id=st.none() | ans(15),
    criteria=st.none() | criteria,
)

additional = st.builds(
    AdditionalData,
    bill_number=st.none() | ans(15),
    reference_label=st.none() | ans(15),
    customer_label=st.none() | ans(15),
    terminal_label=st.none() | ans(15),
    purpose=st.none() | ans(15),
).filter(lambda a: bool(a.items()))

languages = st.builds(
    LanguageTemplate,
    language=st.sampled_from(["ID", "JV", "ZH"]),
    name=st.text(UNICODE, min_size=1, max_size=25),
    city=st.none() | st.text(UNICODE, min_size=1, max_size=15),
)

merchants = st.builds(
    MerchantData,
    accounts=st.lists(accounts, min_size=1, max_size=2, unique_by=lambda a: a.tag).map(
        lambda items: tuple(sorted(items, key=lambda a: a.tag))
    ),
    nmid=digits(13, 13).map(lambda d: "ID" + d),
    criteria=criteria,
    mcc=digits(4, 4),
    name=ans(25),
    city=ans(15),
    postal_code=st.none() | ans(10),
    amount=st.none() | st.integers(min_value=1, max_value=10_000_000),
    additional=st.none() | additional,
    language=st.none() | languages,
)
