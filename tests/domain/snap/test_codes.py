"""responseCode construction and the table pasar_pay emits (snap.md §1.6)."""

from __future__ import annotations

import pytest

from pasar_pay.domain.snap.codes import (
    EMITTED,
    QR_NOTIFY_OK,
    TOKEN_OK,
    ServiceCode,
    SnapCase,
    http_status_of,
    message_for,
    response_code,
    snap_status,
)

INQ, PAY = ServiceCode.VA_INQUIRY, ServiceCode.VA_PAYMENT


def test_response_code_and_http_status() -> None:
    assert response_code(404, "24", "12") == "4042412"
    assert http_status_of("4042412") == 404
    for bad in ((404, "2", "12"), (404, "24", "1"), (99, "24", "12"), (404, "2a", "12")):
        with pytest.raises(ValueError, match="SNAP"):
            response_code(*bad)
    for bad_code in ("404241", "40424122", "x042412", "٤042412"):
        with pytest.raises(ValueError, match="SNAP"):
            http_status_of(bad_code)


@pytest.mark.parametrize(
    ("case", "service", "code"),
    [
        (SnapCase.SUCCESSFUL, INQ, "2002400"),
        (SnapCase.SUCCESSFUL, PAY, "2002500"),
        (SnapCase.INVALID_TOKEN, INQ, "4012401"),
        (SnapCase.INVALID_TOKEN, PAY, "4012501"),
        (SnapCase.UNAUTHORIZED, INQ, "4012400"),
        (SnapCase.UNAUTHORIZED, PAY, "4012500"),
        (SnapCase.INVALID_MANDATORY_FIELD, INQ, "4002402"),
        (SnapCase.INVALID_MANDATORY_FIELD, PAY, "4002502"),
        (SnapCase.INVALID_FIELD_FORMAT, INQ, "4002401"),
        (SnapCase.INVALID_FIELD_FORMAT, PAY, "4002501"),
        (SnapCase.BILL_NOT_FOUND, INQ, "4042412"),
        (SnapCase.BILL_NOT_FOUND, PAY, "4042512"),
        (SnapCase.INVALID_AMOUNT, PAY, "4042513"),
        (SnapCase.PAID_BILL, INQ, "4042414"),
        (SnapCase.PAID_BILL, PAY, "4042514"),
        (SnapCase.BILL_EXPIRED, INQ, "4042419"),
        (SnapCase.BILL_EXPIRED, PAY, "4042519"),
        (SnapCase.CONFLICT, INQ, "4092400"),
        (SnapCase.CONFLICT, PAY, "4092500"),
        (SnapCase.INCONSISTENT_REQUEST, PAY, "4042518"),
        (SnapCase.INTERNAL_SERVER_ERROR, INQ, "5002401"),
        (SnapCase.INTERNAL_SERVER_ERROR, PAY, "5002501"),
        (SnapCase.SUCCESSFUL, ServiceCode.ACCESS_TOKEN_B2B, "2007300"),
        (SnapCase.INVALID_FIELD_FORMAT, ServiceCode.ACCESS_TOKEN_B2B, "4007301"),
        (SnapCase.INVALID_MANDATORY_FIELD, ServiceCode.ACCESS_TOKEN_B2B, "4007302"),
        (SnapCase.UNAUTHORIZED, ServiceCode.ACCESS_TOKEN_B2B, "4017300"),
        (SnapCase.SUCCESSFUL, ServiceCode.QR_MPM_NOTIFY, "2005200"),
    ],
)
def test_the_biller_table(case: SnapCase, service: ServiceCode, code: str) -> None:
    status = snap_status(case, service)
    assert status.code == code
    assert status.http_status == int(code[:3])
    assert case in EMITTED[service]


def test_messages() -> None:
    assert message_for(SnapCase.SUCCESSFUL) == "Successful"
    assert message_for(SnapCase.UNAUTHORIZED, "Signature") == "Unauthorized. [Signature]"
    assert message_for(SnapCase.INVALID_FIELD_FORMAT, "paidAmount.value") == (
        "Invalid Field Format paidAmount.value"
    )
    assert message_for(SnapCase.BILL_EXPIRED, "Expired") == "Invalid Bill/Virtual Account [Expired]"
    assert message_for(SnapCase.PAID_BILL) == "Paid Bill"
    assert len(message_for(SnapCase.INVALID_FIELD_FORMAT, "x" * 400)) == 150


def test_named_acks() -> None:
    assert TOKEN_OK.envelope() == {"responseCode": "2007300", "responseMessage": "Successful"}
    assert QR_NOTIFY_OK.envelope() == {"responseCode": "2005200", "responseMessage": "Successful"}
