"""Typed merchant data -> payload (tags ascending), and payload -> typed data (its inverse)."""

from __future__ import annotations

from pasar_pay.domain.qris.amount import format_amount, parse_amount
from pasar_pay.domain.qris.errors import QrisBuildError, QrisInvalid
from pasar_pay.domain.qris.model import (
    ADDITIONAL_FIELDS,
    AdditionalData,
    Criteria,
    LanguageTemplate,
    MerchantAccount,
    MerchantData,
)
from pasar_pay.domain.qris.tlv import Element, Payload, parse, render, seal
from pasar_pay.domain.qris.validate import errors_only, validate

_E = Element.primitive


def build(data: MerchantData) -> str:
    """The payload text for `data`: static (01=11) without amount, dynamic (01=12) with one.

    Raises `QrisBuildError` for a field that cannot be encoded and `QrisInvalid` if the result
    breaks any error-level rule (the builder validates its own output).
    """
    elements = [_E("00", "01"), _E("01", "11" if data.amount is None else "12")]
    elements += _account_elements(data.accounts)
    national = [
        _E("00", _text(data.national_guid, "national_guid")),
        _E("02", _text(data.nmid, "nmid")),
    ]
    national.append(_E("03", _criteria(data.criteria, "criteria")))
    elements += [
        Element.template("51", national),
        _E("52", _text(data.mcc, "mcc")),
        _E("53", "360"),
    ]
    if data.amount is not None:
        elements.append(_E("54", format_amount(data.amount)))
    elements += [
        _E("58", "ID"),
        _E("59", _text(data.name, "name")),
        _E("60", _text(data.city, "city")),
    ]
    if data.postal_code is not None:
        elements.append(_E("61", _text(data.postal_code, "postal_code")))
    if data.additional is not None and data.additional.items():
        subs = [
            _E(tag, _text(value, f"additional.{tag}")) for tag, value in data.additional.items()
        ]
        elements.append(Element.template("62", subs))
    if data.language is not None:
        elements.append(_language_element(data.language))
    payload = seal(elements)
    errors = errors_only(validate(payload))
    if errors:
        raise QrisInvalid(
            "built payload breaks QRIS rules", tuple(errors), code="qris.build_invalid"
        )
    return render(payload)


def _text(value: object, field: str) -> str:
    if not isinstance(value, str):
        raise QrisBuildError(f"{field} must be str", code="qris.field_type", field=field)
    return value


def _criteria(value: object, field: str) -> str:
    if not isinstance(value, str) or value not in set(Criteria):
        raise QrisBuildError(
            f"{field}: unknown merchant criteria", code="qris.criteria", field=field
        )
    return str(value)


def _account_elements(accounts: tuple[MerchantAccount, ...]) -> list[Element]:
    tags = [a.tag for a in accounts]
    if not accounts or len(set(tags)) != len(tags):
        raise QrisBuildError(
            "need at least one merchant account, each with its own tag",
            code="qris.accounts",
            field="accounts",
        )
    out = []
    for account in sorted(accounts, key=lambda a: a.tag):
        if not (isinstance(account.tag, str) and "26" <= account.tag <= "45"):
            raise QrisBuildError(
                "account tag must be 26..45", code="qris.accounts", field="accounts"
            )
        field = f"accounts.{account.tag}"
        subs = [_E("00", _text(account.guid, field + ".guid"))]
        if account.pan is not None:
            subs.append(_E("01", _text(account.pan, field + ".pan")))
        if account.merchant_id is not None:
            subs.append(_E("02", _text(account.merchant_id, field + ".merchant_id")))
        if account.criteria is not None:
            subs.append(_E("03", _criteria(account.criteria, field + ".criteria")))
        out.append(Element.template(account.tag, subs))
    return out


def _language_element(language: LanguageTemplate) -> Element:
    subs = [_E("00", _text(language.language, "language.language"))]
    subs.append(_E("01", _text(language.name, "language.name")))
    if language.city is not None:
        subs.append(_E("02", _text(language.city, "language.city")))
    return Element.template("64", subs)


_KNOWN_SUBS = {"51": ("00", "02", "03"), "62": tuple(ADDITIONAL_FIELDS), "64": ("00", "01", "02")}
_KNOWN_ROOT = {"00", "01", "51", "52", "53", "54", "58", "59", "60", "61", "62", "63", "64"}


def to_merchant_data(payload: str | Payload, *, strict: bool = True) -> MerchantData:
    """Decode a valid payload (CRC verified) into `MerchantData`; `build` is its inverse.

    With `strict`, content `MerchantData` cannot hold (tips, 62.09, tags 02-25 or 80-99, an
    01 that disagrees with the amount) is refused rather than silently dropped.
    """
    tree = parse(payload) if isinstance(payload, str) else payload
    errors = errors_only(validate(tree))
    if errors:
        raise QrisInvalid("payload breaks QRIS rules", tuple(errors))
    if strict:
        _refuse_unrepresentable(tree)
    national = tree.element("51")
    assert national is not None  # validate() reports a missing 51 as an error
    criteria = national.child("03")
    if criteria is None:
        raise _unrepresentable(["51.03"])
    return MerchantData(
        accounts=tuple(_account(e) for e in tree if "26" <= e.tag <= "45"),
        nmid=_child(national, "02") or "",
        criteria=Criteria(criteria.value),
        national_guid=_child(national, "00") or "",
        mcc=tree.get("52") or "",
        name=tree.get("59") or "",
        city=tree.get("60") or "",
        postal_code=tree.get("61"),
        amount=_whole_rupiah(tree.get("54")),
        additional=_additional(tree.element("62")),
        language=_language(tree.element("64")),
    )


def _refuse_unrepresentable(tree: Payload) -> None:
    lost = [e.tag for e in tree if e.tag not in _KNOWN_ROOT and not "26" <= e.tag <= "45"]
    for element in tree:
        known = _KNOWN_SUBS.get(element.tag, ("00", "01", "02", "03"))
        if element.children is not None:
            lost += [f"{element.tag}.{c.tag}" for c in element.children if c.tag not in known]
    if (tree.get("01") == "12") != (tree.get("54") is not None):
        lost.append("01")
    if lost:
        raise _unrepresentable(lost)


def _unrepresentable(paths: list[str]) -> QrisInvalid:
    exc = QrisInvalid(
        f"not representable as MerchantData: {paths}", (), code="qris.unrepresentable"
    )
    exc.details["paths"] = paths
    return exc


def _child(template: Element, tag: str) -> str | None:
    found = template.child(tag)
    return None if found is None else found.value


def _account(e: Element) -> MerchantAccount:
    criteria = _child(e, "03")
    return MerchantAccount(
        tag=e.tag,
        guid=_child(e, "00") or "",
        pan=_child(e, "01"),
        merchant_id=_child(e, "02"),
        criteria=None if criteria is None else Criteria(criteria),
    )


def _whole_rupiah(text: str | None) -> int | None:
    if text is None:
        return None
    value = parse_amount(text)
    if value != value.to_integral_value():
        raise QrisInvalid(f"amount {text} is not whole rupiah", (), code="qris.amount_fraction")
    return int(value)


def _additional(e: Element | None) -> AdditionalData | None:
    if e is None:
        return None
    values = {
        ADDITIONAL_FIELDS[c.tag]: c.value for c in e.children or () if c.tag in ADDITIONAL_FIELDS
    }
    return AdditionalData(**values)


def _language(e: Element | None) -> LanguageTemplate | None:
    if e is None:
        return None
    return LanguageTemplate(
        language=_child(e, "00") or "", name=_child(e, "01") or "", city=_child(e, "02")
    )
