"""The element tree: `ID(2) LEN(2) VALUE`, nested for template IDs, parsed whole or not at all.

The tree keeps elements in the order received, so `render(parse(s)) == s` byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from pasar_pay.domain.qris.crc import CRC_TAG_HEADER, crc_of
from pasar_pay.domain.qris.errors import QrisBuildError, QrisParseError

CRC_TAG = "63"
MAX_VALUE_LENGTH = 99


_TEMPLATE_TAGS = frozenset(
    [f"{n:02d}" for n in range(26, 52)] + ["62", "64"] + [f"{n:02d}" for n in range(80, 100)]
)
# Precomputed lookups make the scanner's per-element checks single hash probes:
# a two-digit ID, and a length "01".."99" straight to its int.
_IDS = frozenset(f"{n:02d}" for n in range(100))
_LENGTHS = {f"{n:02d}": n for n in range(1, 100)}


def is_template_tag(tag: str) -> bool:
    """Root IDs whose value is itself a sequence of elements (sub-IDs are local to it)."""
    return tag in _TEMPLATE_TAGS


class Element(NamedTuple):
    """One element. For a template, `children` is its parsed content and `value` its text.

    A named tuple: immutable, and cheap to create (the parser makes one per element).
    """

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
        for kid in self.children or ():
            if kid.tag == tag:
                return kid
        return None

    def encode(self) -> str:
        return f"{self.tag}{len(self.value):02d}{self.value}"


def _check_value(tag: str, value: str) -> None:
    if tag not in _IDS:
        raise QrisBuildError(f"ID {tag!r} is not two digits", code="qris.bad_id", field=tag)
    if not 1 <= len(value) <= MAX_VALUE_LENGTH:
        raise QrisBuildError(
            f"value of {tag} has {len(value)} characters; allowed 1..{MAX_VALUE_LENGTH}",
            code="qris.value_length",
            field=tag,
        )


def encode(elements: Iterable[Element]) -> str:
    return "".join([f"{e.tag}{len(e.value):02d}{e.value}" for e in elements])


@dataclass(frozen=True, slots=True)
class Payload:
    """A parsed payload: the root elements in received order (00 first, 63 last if valid).

    `text` is the exact source when the payload came from `parse` (so validation can CRC the
    received characters without re-encoding); elements are indexed by tag once.
    """

    elements: tuple[Element, ...]
    text: str | None = field(default=None, compare=False, repr=False)
    _index: dict[str, Element] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({e.tag: e for e in reversed(self.elements)})  # first one wins

    def __iter__(self) -> Iterator[Element]:
        return iter(self.elements)

    def element(self, tag: str) -> Element | None:
        return self._index.get(tag)

    def get(self, path: str) -> str | None:
        """Value at `"59"` or `"62.05"`; None if absent."""
        if len(path) == 2:
            found = self._index.get(path)
            return None if found is None else found.value
        found = self._index.get(path[:2])
        if found is None:
            return None
        if len(path) < 4:
            return found.value
        kid = found.child(path[3:])
        return None if kid is None else kid.value

    def tags(self) -> list[str]:
        return [e.tag for e in self.elements]

    @property
    def source(self) -> str:
        """The payload text exactly as the tree holds it."""
        return self.text if self.text is not None else encode(self.elements)


def render(payload: Payload) -> str:
    """The payload text exactly as the tree holds it (the CRC is not recomputed)."""
    return payload.source


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
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise QrisParseError(
                "payload is not encodable as UTF-8", code="qris.bad_encoding", position=exc.start
            ) from exc
    elements = _scan(text, 0, len(text), True)
    last = elements[-1].tag
    if last != CRC_TAG:
        tags = [e.tag for e in elements]
        if CRC_TAG not in tags:
            raise QrisParseError(
                "no CRC element 63: payload truncated?", code="qris.crc_missing", position=len(text)
            )
        after = sum(len(e.encode()) for e in elements[: tags.index(CRC_TAG) + 1])
        raise QrisParseError("data after CRC element 63", code="qris.crc_not_last", position=after)
    return Payload(elements, text)


_new_element = tuple.__new__
# Every valid element header "IDLL" (100 IDs x 99 lengths) -> (ID, length): one slice and one
# dict probe per element; anything else takes the slow path that says what is wrong.
_HEADERS = {f"{tag}{text}": (tag, n) for tag in sorted(_IDS) for text, n in _LENGTHS.items()}


def _scan(text: str, pos: int, end: int, root: bool) -> tuple[Element, ...]:
    """One level, index-based: a slice and a dict probe per header, no per-element objects
    besides the element itself; templates (root level only) recurse once."""
    out: list[Element] = []
    headers, templates = _HEADERS, _TEMPLATE_TAGS
    while pos < end:
        header = headers.get(text[pos : pos + 4])
        if header is None or pos + 4 > end:
            _bad_header(text, pos, end)
        tag, length = header  # type: ignore[misc]
        start = pos + 4
        pos = start + length
        if pos > end:
            raise QrisParseError(
                f"{tag} declares {length} characters, {end - start} remain",
                code="qris.truncated",
                position=start - 4,
            )
        children = _scan(text, start, pos, False) if root and tag in templates else None
        out.append(_new_element(Element, (tag, text[start:pos], children)))
    if len({e[0] for e in out}) != len(out):
        _duplicate(out, pos - len(encode(out)))
    return tuple(out)


def _bad_header(text: str, pos: int, end: int) -> None:
    if pos + 4 > end:
        raise QrisParseError("element header cut short", code="qris.truncated", position=pos)
    tag, length_text = text[pos : pos + 2], text[pos + 2 : pos + 4]
    if tag not in _IDS:
        raise QrisParseError(
            f"ID {tag!r} is not two digits", code="qris.non_numeric_id", position=pos
        )
    raise QrisParseError(
        f"length {length_text!r} of {tag} is not 01..99", code="qris.bad_length", position=pos + 2
    )


def _duplicate(elements: list[Element], start: int) -> None:
    seen: set[str] = set()
    position = start
    for element in elements:
        if element.tag in seen:
            raise QrisParseError(
                f"ID {element.tag} repeated", code="qris.duplicate_id", position=position
            )
        seen.add(element.tag)
        position += 4 + len(element.value)


def seal(elements: Iterable[Element]) -> Payload:
    """Drop any old 63 and append a fresh CRC over the UTF-8 bytes of everything before it."""
    body = tuple(e for e in elements if e.tag != CRC_TAG)
    return Payload((*body, Element(CRC_TAG, crc_of(encode(body) + CRC_TAG_HEADER))))
