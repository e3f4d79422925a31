"""SNAP `responseCode` = HTTP status (3) + service code (2) + case code (2).

The HTTP status of every SNAP answer must equal the first three digits of its code, so the
code is the single source of truth: `SnapStatus.http_status` is derived from it, never set apart.
Canonical English messages follow the PJP tables copied in docs (snap.md §1.6).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum, StrEnum

_CODE = re.compile(r"[1-5][0-9]{6}")
MAX_MESSAGE_LENGTH = 150  # responseMessage is String(150)


class ServiceCode(StrEnum):
    """The services pasar_pay serves or calls (snap.md §1.2)."""

    ACCESS_TOKEN_B2B = "73"  # noqa: S105 - a service number, not a credential
    VA_INQUIRY = "24"
    VA_PAYMENT = "25"
    VA_STATUS = "26"
    QR_MPM_GENERATE = "47"
    QR_MPM_QUERY = "51"
    QR_MPM_NOTIFY = "52"


@dataclass(frozen=True)
class CaseSpec:
    http_status: int
    case_code: str
    message: str
    # How a detail (field, reason) is attached: "suffix", "bracket" (`. [x]`) or "square" (` [x]`).
    detail_style: str = "suffix"


class SnapCase(Enum):
    """HTTP status + case code + canonical message; the service code is added per endpoint."""

    SUCCESSFUL = CaseSpec(200, "00", "Successful")
    IN_PROGRESS = CaseSpec(202, "00", "Request In Progress")
    BAD_REQUEST = CaseSpec(400, "00", "Bad Request")
    INVALID_FIELD_FORMAT = CaseSpec(400, "01", "Invalid Field Format")
    INVALID_MANDATORY_FIELD = CaseSpec(400, "02", "Invalid Mandatory Field")
    UNAUTHORIZED = CaseSpec(401, "00", "Unauthorized", detail_style="bracket")
    INVALID_TOKEN = CaseSpec(401, "01", "Invalid Token (B2B)")
    TOKEN_NOT_FOUND = CaseSpec(401, "03", "Token Not Found (B2B)")
    TRANSACTION_EXPIRED = CaseSpec(403, "00", "Transaction Expired")
    INACTIVE_ACCOUNT = CaseSpec(403, "18", "Inactive Card/Account/Customer")
    TRANSACTION_NOT_FOUND = CaseSpec(404, "01", "Transaction Not Found")
    INVALID_ACCOUNT = CaseSpec(404, "11", "Invalid Card/Account/Customer/Virtual Account")
    BILL_NOT_FOUND = CaseSpec(404, "12", "Invalid Bill/Virtual Account", detail_style="square")
    INVALID_AMOUNT = CaseSpec(404, "13", "Invalid Amount")
    PAID_BILL = CaseSpec(404, "14", "Paid Bill")
    PARTNER_NOT_FOUND = CaseSpec(404, "16", "Partner Not Found")
    INCONSISTENT_REQUEST = CaseSpec(404, "18", "Inconsistent Request")
    BILL_EXPIRED = CaseSpec(404, "19", "Invalid Bill/Virtual Account", detail_style="square")
    CONFLICT = CaseSpec(409, "00", "Conflict")
    DUPLICATE_PARTNER_REFERENCE = CaseSpec(409, "01", "Duplicate partnerReferenceNo")
    GENERAL_ERROR = CaseSpec(500, "00", "General Error")
    INTERNAL_SERVER_ERROR = CaseSpec(500, "01", "Internal Server Error")
    EXTERNAL_SERVER_ERROR = CaseSpec(500, "02", "External Server Error")
    TIMEOUT = CaseSpec(504, "00", "Timeout")

    @property
    def spec(self) -> CaseSpec:
        value: CaseSpec = self.value
        return value


@dataclass(frozen=True)
class SnapStatus:
    """What an endpoint puts in the envelope: `responseCode`, `responseMessage`, HTTP status."""

    code: str
    message: str

    @property
    def http_status(self) -> int:
        return http_status_of(self.code)

    def envelope(self) -> dict[str, str]:
        return {"responseCode": self.code, "responseMessage": self.message}


def response_code(http_status: int, service_code: str, case_code: str) -> str:
    """`response_code(404, "24", "12") == "4042412"`; refuses anything that is not 3+2+2 digits."""
    code = f"{http_status}{service_code}{case_code}"
    if not (len(service_code) == 2 and len(case_code) == 2 and _CODE.fullmatch(code)):
        raise ValueError(
            f"not a SNAP response code: {http_status!r}/{service_code!r}/{case_code!r}"
        )
    return code


def http_status_of(code: str) -> int:
    """The HTTP status a SNAP response with this `responseCode` must carry."""
    if not _CODE.fullmatch(code):
        raise ValueError(f"not a SNAP response code: {code!r}")
    return int(code[:3])


def message_for(case: SnapCase, detail: str | None = None) -> str:
    """`Invalid Field Format paidAmount.value`, `Unauthorized. [Signature]`, capped at 150."""
    spec = case.spec
    if not detail:
        text = spec.message
    elif spec.detail_style == "bracket":
        text = f"{spec.message}. [{detail}]"
    elif spec.detail_style == "square":
        text = f"{spec.message} [{detail}]"
    else:
        text = f"{spec.message} {detail}"
    return text[:MAX_MESSAGE_LENGTH]


def snap_status(case: SnapCase, service: ServiceCode, detail: str | None = None) -> SnapStatus:
    spec = case.spec
    return SnapStatus(
        response_code(spec.http_status, service.value, spec.case_code), message_for(case, detail)
    )


# What pasar_pay emits per service it serves (snap.md §1.6 "Concrete codes"). Endpoints assert
# membership in tests so an unexpected code (one a bank has never certified) cannot slip out.
EMITTED: dict[ServiceCode, frozenset[SnapCase]] = {
    ServiceCode.ACCESS_TOKEN_B2B: frozenset(
        {
            SnapCase.SUCCESSFUL,
            SnapCase.INVALID_FIELD_FORMAT,
            SnapCase.INVALID_MANDATORY_FIELD,
            SnapCase.UNAUTHORIZED,
        }
    ),
    ServiceCode.VA_INQUIRY: frozenset(
        {
            SnapCase.SUCCESSFUL,
            SnapCase.BAD_REQUEST,
            SnapCase.INVALID_FIELD_FORMAT,
            SnapCase.INVALID_MANDATORY_FIELD,
            SnapCase.UNAUTHORIZED,
            SnapCase.INVALID_TOKEN,
            SnapCase.BILL_NOT_FOUND,
            SnapCase.PAID_BILL,
            SnapCase.BILL_EXPIRED,
            SnapCase.CONFLICT,
            SnapCase.INTERNAL_SERVER_ERROR,
        }
    ),
    ServiceCode.VA_PAYMENT: frozenset(
        {
            SnapCase.SUCCESSFUL,
            SnapCase.BAD_REQUEST,
            SnapCase.INVALID_FIELD_FORMAT,
            SnapCase.INVALID_MANDATORY_FIELD,
            SnapCase.UNAUTHORIZED,
            SnapCase.INVALID_TOKEN,
            SnapCase.BILL_NOT_FOUND,
            SnapCase.INVALID_AMOUNT,
            SnapCase.PAID_BILL,
            SnapCase.INCONSISTENT_REQUEST,
            SnapCase.BILL_EXPIRED,
            SnapCase.CONFLICT,
            SnapCase.INTERNAL_SERVER_ERROR,
        }
    ),
    ServiceCode.QR_MPM_NOTIFY: frozenset(
        {
            SnapCase.SUCCESSFUL,
            SnapCase.BAD_REQUEST,
            SnapCase.INVALID_FIELD_FORMAT,
            SnapCase.INVALID_MANDATORY_FIELD,
            SnapCase.UNAUTHORIZED,
            SnapCase.INVALID_TOKEN,
            SnapCase.CONFLICT,
            SnapCase.INTERNAL_SERVER_ERROR,
        }
    ),
}

# The token endpoint and the QRIS notify ack, by name (snap.md §1.6).
TOKEN_OK = snap_status(SnapCase.SUCCESSFUL, ServiceCode.ACCESS_TOKEN_B2B)
QR_NOTIFY_OK = snap_status(SnapCase.SUCCESSFUL, ServiceCode.QR_MPM_NOTIFY)
