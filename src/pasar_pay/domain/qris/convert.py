"""Static -> dynamic by editing the parsed tree, never the string.

String surgery (`replace("5802ID", ...)`, `replace("010211", "010212")`) breaks merchants named
`TOKO 5802ID` or `KEDAI 010211`; a tree edit cannot touch a merchant field by accident.
"""

from __future__ import annotations

from pasar_pay.domain.qris.amount import format_amount
from pasar_pay.domain.qris.errors import QrisBuildError, QrisInvalid
from pasar_pay.domain.qris.tlv import Element, parse, render, seal
from pasar_pay.domain.qris.validate import crc_findings, errors_only, is_ans, validate

_CRC_CODES = frozenset(
    {
        "qris.crc_missing",
        "qris.crc_not_last",
        "qris.crc_bad_length",
        "qris.crc_not_hex",
        "qris.crc_mismatch",
    }
)
_TRANSACTION_TAGS = frozenset({"54", "55", "56", "57"})
MAX_REFERENCE_LENGTH = 25


def to_dynamic(source: str, *, amount: int, reference: str, retribution: bool = True) -> str:
    """A one-transaction QRIS for `amount` rupiah with `reference` in 62.05.

    Refuses a source whose CRC does not verify: recomputing it would "repair" tampering.
    The result is re-parsed and validated (`retribution` refuses tip/fee tags); any
    error-level finding raises `QrisInvalid`.
    """
    amount_text = format_amount(amount)
    _check_reference(reference)
    tree = parse(source)
    bad_crc = [f for f in crc_findings(tree) if f.code in _CRC_CODES]
    if bad_crc:
        raise QrisInvalid("source CRC does not verify", tuple(bad_crc), code="qris.source_crc")

    elements = [e for e in tree if e.tag not in _TRANSACTION_TAGS]
    _set_poi(elements)
    _insert_ascending(elements, Element.primitive("54", amount_text))
    _set_reference(elements, reference)
    text = render(seal(elements))

    errors = errors_only(validate(parse(text), retribution=retribution))
    if errors:
        raise QrisInvalid(
            "converted payload breaks QRIS rules", tuple(errors), code="qris.conversion_invalid"
        )
    return text


def _check_reference(reference: object) -> None:
    if not (
        isinstance(reference, str)
        and 1 <= len(reference) <= MAX_REFERENCE_LENGTH
        and is_ans(reference)
    ):
        raise QrisBuildError(
            f"reference must be 1..{MAX_REFERENCE_LENGTH} printable ASCII characters",
            code="qris.reference",
            field="reference",
        )


def _set_poi(elements: list[Element]) -> None:
    dynamic = Element.primitive("01", "12")
    for index, element in enumerate(elements):
        if element.tag == "01":
            elements[index] = dynamic
            return
    after_pfi = next((i + 1 for i, e in enumerate(elements) if e.tag == "00"), 0)
    elements.insert(after_pfi, dynamic)


def _insert_ascending(elements: list[Element], new: Element) -> None:
    """Before the first element with a higher ID (received order is kept for the rest)."""
    index = next((i for i, e in enumerate(elements) if e.tag > new.tag), len(elements))
    elements.insert(index, new)


def _set_reference(elements: list[Element], reference: str) -> None:
    label = Element.primitive("05", reference)
    for index, element in enumerate(elements):
        if element.tag == "62":
            children = list(element.children or ())
            tags = [c.tag for c in children]
            if "05" in tags:
                children[tags.index("05")] = label
            else:
                _insert_ascending(children, label)
            elements[index] = Element.template("62", children)
            return
    _insert_ascending(elements, Element.template("62", [label]))


def with_labels(
    source: str, *, customer_label: str | None = None, terminal_label: str | None = None
) -> str:
    """A copy of a static QRIS with 62.06 (customer label) and/or 62.07 (terminal label) set.

    Used for printed stall cards: the market's static code, labelled with the stall. Same
    rules as `to_dynamic`: a tree edit, the source CRC must verify, the result is validated.
    """
    tree = parse(source)
    bad_crc = [f for f in crc_findings(tree) if f.code in _CRC_CODES]
    if bad_crc:
        raise QrisInvalid("source CRC does not verify", tuple(bad_crc), code="qris.source_crc")
    elements = list(tree)
    for tag, value in (("06", customer_label), ("07", terminal_label)):
        if value is not None:
            _check_reference(value)
            _set_additional(elements, Element.primitive(tag, value))
    text = render(seal(elements))
    errors = errors_only(validate(parse(text), retribution=True))
    if errors:
        raise QrisInvalid(
            "labelled payload breaks QRIS rules", tuple(errors), code="qris.conversion_invalid"
        )
    return text


def _set_additional(elements: list[Element], sub: Element) -> None:
    for index, element in enumerate(elements):
        if element.tag == "62":
            children = [c for c in element.children or () if c.tag != sub.tag]
            _insert_ascending(children, sub)
            elements[index] = Element.template("62", children)
            return
    _insert_ascending(elements, Element.template("62", [sub]))
