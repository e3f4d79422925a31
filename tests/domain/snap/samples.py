"""SNAP request bodies as the bank sends them (snap.md §1.7-1.9 samples)."""

from __future__ import annotations

import json

INQUIRY = json.loads(
    '{"partnerServiceId":"   12345","customerNo":"0101000123",'
    '"virtualAccountNo":"   123450101000123","trxDateInit":"2025-01-15T09:29:58+07:00",'
    '"channelCode":6017,"language":"ID","sourceBankCode":"014",'
    '"inquiryRequestId":"202501150929580012345INQ01","additionalInfo":{}}'
)
PAYMENT = json.loads(
    '{"partnerServiceId":"   12345","customerNo":"0101000123",'
    '"virtualAccountNo":"   123450101000123","virtualAccountName":"SRI RAHAYU KIOS A-12",'
    '"paymentRequestId":"202501150929580012345INQ01","channelCode":6017,"sourceBankCode":"014",'
    '"paidAmount":{"value":"215670.00","currency":"IDR"},'
    '"totalAmount":{"value":"215670.00","currency":"IDR"},'
    '"trxDateTime":"2025-01-15T09:30:03+07:00","referenceNo":"00113696201","journalNum":"004512",'
    '"flagAdvise":"N","billDetails":[],"additionalInfo":{}}'
)
NOTIFY = json.loads(
    '{"originalReferenceNo":"A120250115093301QR7781",'
    '"originalPartnerReferenceNo":"QR-PGD-A12-20250115-01",'
    '"latestTransactionStatus":"00","transactionStatusDesc":"Success",'
    '"amount":{"value":"5000.00","currency":"IDR"},"feeAmount":{"value":"15.50","currency":"IDR"},'
    '"additionalInfo":{"rrn":"501509330112","nmid":"ID1025000000001","issuer":"DANA",'
    '"paidTime":"2025-01-15T09:33:01+07:00"}}'
)
