"""The element tree: `ID(2) LEN(2) VALUE`, nested for template IDs, parsed whole or not at all.

The tree keeps elements in the order received, so `render(parse(s)) == s` byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from pasar_pay.domain.qris.crc import CRC_TAG_HEADER, crc_of
from pasar_pay.domain.qris.errors import QrisBuildError, QrisParseError

CRC_TAG = "63"
MAX_VALUE_LENGTH = 99


def is_template_tag(tag: str) -> bool:
    """Root IDs whose value is itself a sequence of elements (sub-IDs are local to it)."""
    return "26" <= tag <= "51" or tag in ("62", "64") or "80" <= tag <= "99"


@dataclass(frozen=True, slots=True)
class Element:
    """One element. For a template, `children` is its parsed content and `value` its text."""

    tag: str
    value: str
    children: tuple[Element, ...] | None = None

    @classmethod
    def primitive(cls, tag: str, value: str) -> Element:
        _check_value(tag, value)
        return cls(tag, value)

    @classmethod
    def template(cls, tag: str, children: Iterable[Element]) -> Element:
        kids = tuple(children)
        value = encode(kids)
        _check_value(tag, value)
        return cls(tag, value, kids)

    @property
    def is_template(self) -> bool:
        return self.children is not None

    def child(self, tag: str) -> Element | None:
        return next((c for c in self.children or () if c.tag == tag), None)

    def encode(self) -> str:
        return f"{self.tag}{len(self.value):02d}{self.value}"


def _check_value(tag: str, value: str) -> None:
    if not (len(tag) == 2 and tag.isascii() and tag.isdigit()):
        raise QrisBuildError(f"ID {tag!r} is not two digits", code="qris.bad_id", field=tag)
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise QrisBuildError(
            f"value of {tag} has {len(value)} characters; allowed 1..{MAX_VALUE_LENGTH}",
            code="qris.value_length",
            field=tag,
        )


def encode(elements: Iterable[Element]) -> str:
    return "".join(e.encode() for e in elements)


@dataclass(frozen=True, slots=True)
class Payload:
    """A parsed payload: the root elements in received order (00 first, 63 last if valid)."""

    elements: tuple[Element, ...]

    def __iter__(self) -> Iterator[Element]:
        return iter(self.elements)

    def element(self, tag: str) -> Element | None:
        return next((e for e in self.elements if e.tag == tag), None)

    def get(self, path: str) -> str | None:
        """Value at `"59"` or `"62.05"`; None if absent."""
        tag, _, sub = path.partition(".")
        found = self.element(tag)
        if found is None or not sub:
            return None if found is None else found.value
        kid = found.child(sub)
        return None if kid is None else kid.value

    def tags(self) -> list[str]:
        return [e.tag for e in self.elements]


def render(payload: Payload) -> str:
    """The payload text exactly as the tree holds it (the CRC is not recomputed)."""
    return encode(payload.elements)


def parse(text: str) -> Payload:
    """Parse a whole payload into a tree or raise `QrisParseError` (never a partial tree).

    Lengths count characters. The CRC value is not checked here (see `validate`), but a payload
    whose last element is not `63` is refused: a cut at an element boundary otherwise looks
    well formed, and re-encoding it is a known peer bug.
    """
    if not isinstance(text, str):
        raise QrisParseError("payload is not text", code="qris.not_text", position=0)
    if not text:
        raise QrisParseError("payload is empty", code="qris.empty", position=0)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise QrisParseError(
            "payload is not encodable as UTF-8", code="qris.bad_encoding", position=exc.start
        ) from exc
    elements = _parse_level(text, 0, len(text), nested=False)
    tags = [e.tag for e in elements]
    if CRC_TAG not in tags:
        raise QrisParseError(
            "no CRC element 63: payload truncated?", code="qris.crc_missing", position=len(text)
        )
    if tags[-1] != CRC_TAG:
        after = sum(len(e.encode()) for e in elements[: tags.index(CRC_TAG) + 1])
        raise QrisParseError("data after CRC element 63", code="qris.crc_not_last", position=after)
    return Payload(elements)


def _parse_level(text: str, start: int, end: int, *, nested: bool) -> tuple[Element, ...]:
    out: list[Element] = []
    seen: set[str] = set()
    pos = start
    while pos < end:
        if pos + 4 > end:
            raise QrisParseError("element header cut short", code="qris.truncated", position=pos)
        tag, length_text = text[pos : pos + 2], text[pos + 2 : pos + 4]
        if not (tag.isascii() and tag.isdigit()):
            raise QrisParseError(
                f"ID {tag!r} is not two digits", code="qris.non_numeric_id", position=pos
            )
        if not (length_text.isascii() and length_text.isdigit()) or length_text == "00":
            raise QrisParseError(
                f"length {length_text!r} of {tag} is not 01..99",
                code="qris.bad_length",
                position=pos + 2,
            )
        value_start = pos + 4
        value_end = value_start + int(length_text)
        if value_end > end:
            raise QrisParseError(
                f"{tag} declares {int(length_text)} characters, {end - value_start} remain",
                code="qris.truncated",
                position=pos,
            )
        if tag in seen:
            raise QrisParseError(f"ID {tag} repeated", code="qris.duplicate_id", position=pos)
        seen.add(tag)
        value = text[value_start:value_end]
        children = None
        if not nested and is_template_tag(tag):
            children = _parse_level(text, value_start, value_end, nested=True)
        out.append(Element(tag, value, children))
        pos = value_end
    return tuple(out)


def seal(elements: Iterable[Element]) -> Payload:
    """Drop any old 63 and append a fresh CRC over the UTF-8 bytes of everything before it."""
    body = tuple(e for e in elements if e.tag != CRC_TAG)
    return Payload((*body, Element(CRC_TAG, crc_of(encode(body) + CRC_TAG_HEADER))))
