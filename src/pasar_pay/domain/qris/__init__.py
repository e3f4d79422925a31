"""QRIS codec (EMVCo MPM + Bank Indonesia rules): parse, validate, build, convert. Pure stdlib."""

from pasar_pay.domain.qris.amount import QRIS_CAP_RUPIAH, format_amount
from pasar_pay.domain.qris.build import build, to_merchant_data
from pasar_pay.domain.qris.convert import to_dynamic, with_labels
from pasar_pay.domain.qris.crc import crc_of
from pasar_pay.domain.qris.demo import DemoMerchant, demo_merchant
from pasar_pay.domain.qris.errors import QrisBuildError, QrisInvalid, QrisParseError
from pasar_pay.domain.qris.model import (
    AdditionalData,
    Criteria,
    LanguageTemplate,
    MerchantAccount,
    MerchantData,
)
from pasar_pay.domain.qris.tlv import Element, Payload, parse, render, seal
from pasar_pay.domain.qris.validate import Finding, Severity, errors_only, validate

__all__ = [
    "QRIS_CAP_RUPIAH",
    "AdditionalData",
    "Criteria",
    "DemoMerchant",
    "Element",
    "Finding",
    "LanguageTemplate",
    "MerchantAccount",
    "MerchantData",
    "Payload",
    "QrisBuildError",
    "QrisInvalid",
    "QrisParseError",
    "Severity",
    "build",
    "crc_of",
    "demo_merchant",
    "errors_only",
    "format_amount",
    "parse",
    "render",
    "seal",
    "to_dynamic",
    "to_merchant_data",
    "validate",
    "with_labels",
]
