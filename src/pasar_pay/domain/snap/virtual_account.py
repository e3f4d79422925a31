"""Virtual-account numbers: `partnerServiceId` (8, right-aligned, space-padded) + `customerNo`.

`virtualAccountNo` on the wire is the padded 28-character form (`"   123450101000123"`); what a
payer types at an ATM is the digits (`123450101000123`). Banks disagree on the padding
character (BNC documents zeros), so incoming identifiers are compared after `lstrip(" 0")`.
A consequence: a partner service id that *really* begins with 0 is stored without that zero;
none of the banks we know assigns such codes (BCA/BRI/Mandiri/BNI codes start 1-9).

Check digit: SNAP defines none and no bank requires one. Our customer numbers end in a Luhn
digit anyway, as typo protection for people who read the number off a receipt: any single
mistyped digit (and most adjacent swaps) yields a number we can refuse at inquiry (`4042412`)
instead of showing another vendor's bill. It covers the customer number only: a typo in the
company code routes the payment to another biller, which we never see.
"""

from __future__ import annotations

from dataclasses import dataclass

from pasar_pay.domain.snap.codes import SnapCase
from pasar_pay.domain.snap.errors import SnapError, format_error, mandatory_error

PARTNER_SERVICE_ID_WIDTH = 8
MAX_CUSTOMER_NO = 20


@dataclass(frozen=True)
class VirtualAccount:
    partner_service_id: str  # trimmed digits, e.g. "12345"
    customer_no: str  # digits, 1..20, e.g. "0101000123"

    def __post_init__(self) -> None:
        psid, cust = self.partner_service_id, self.customer_no
        if not (_digits(psid) and len(psid) <= PARTNER_SERVICE_ID_WIDTH and psid[0] != "0"):
            raise format_error(
                "partnerServiceId", "partnerServiceId must be 1-8 digits", code="snap_va_format"
            )
        if not (_digits(cust) and len(cust) <= MAX_CUSTOMER_NO):
            raise format_error(
                "customerNo", "customerNo must be 1-20 digits", code="snap_va_format"
            )

    @property
    def padded_partner_service_id(self) -> str:
        return self.partner_service_id.rjust(PARTNER_SERVICE_ID_WIDTH)

    @property
    def padded(self) -> str:
        """The SNAP `virtualAccountNo`: `"   12345" + "0101000123"`."""
        return self.padded_partner_service_id + self.customer_no

    @property
    def digits(self) -> str:
        """What the payer types: `"123450101000123"`."""
        return self.partner_service_id + self.customer_no


def parse_virtual_account(
    partner_service_id: object, customer_no: object, virtual_account_no: object
) -> VirtualAccount:
    """Validate the three SNAP identity fields and that they agree with each other."""
    psid_raw = _string(partner_service_id, "partnerServiceId", PARTNER_SERVICE_ID_WIDTH)
    cust = _string(customer_no, "customerNo", MAX_CUSTOMER_NO)
    va_raw = _string(
        virtual_account_no, "virtualAccountNo", PARTNER_SERVICE_ID_WIDTH + MAX_CUSTOMER_NO
    )
    psid = psid_raw.lstrip(" 0")
    if not _digits(psid):
        raise format_error(
            "partnerServiceId", "partnerServiceId must be padded digits", code="snap_va_format"
        )
    account = VirtualAccount(psid, cust)
    if not va_raw.endswith(cust) or va_raw[: len(va_raw) - len(cust)].lstrip(" 0") != psid:
        raise SnapError(
            "virtualAccountNo must equal partnerServiceId + customerNo",
            code="snap_va_mismatch",
            case=SnapCase.INVALID_FIELD_FORMAT,
            field="virtualAccountNo",
        )
    return account


def luhn_check_digit(payload: str) -> str:
    """The digit that makes `payload + digit` pass the Luhn (mod 10) check."""
    if not _digits(payload):
        raise ValueError("Luhn payload must be digits")
    total = 0
    # Double every second digit starting from the rightmost digit of the payload.
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def luhn_valid(number: str) -> bool:
    return len(number) >= 2 and _digits(number) and luhn_check_digit(number[:-1]) == number[-1]


@dataclass(frozen=True)
class CustomerNoLayout:
    """How one bank's customer numbers are built: `prefix + zero-padded sequence + Luhn digit`.

    `length` is the whole customerNo length the bank allows for us (it differs per bank:
    BCA leaves up to 18, BNI VAs are 16 in total, aggregators eat free digits), `prefix` a
    product code (e.g. "01" retribution) so other products can share the company code later.
    """

    length: int
    prefix: str = ""

    def __post_init__(self) -> None:
        if self.prefix and not _digits(self.prefix):
            raise ValueError("prefix must be digits")
        if not len(self.prefix) + 2 <= self.length <= MAX_CUSTOMER_NO:
            raise ValueError("length leaves no room for a sequence and a check digit")

    @property
    def capacity(self) -> int:
        """How many vendor sequences fit (0 .. capacity-1)."""
        return int(10 ** (self.length - len(self.prefix) - 1))

    def customer_no(self, vendor_sequence: int) -> str:
        if not 0 <= vendor_sequence < self.capacity:
            raise ValueError(f"vendor sequence {vendor_sequence} does not fit this layout")
        width = self.length - len(self.prefix) - 1
        payload = f"{self.prefix}{vendor_sequence:0{width}d}"
        return payload + luhn_check_digit(payload)

    def owns(self, customer_no: str) -> bool:
        """Could we have issued this number? (length, prefix and check digit all right)."""
        return (
            len(customer_no) == self.length
            and customer_no.startswith(self.prefix)
            and luhn_valid(customer_no)
        )


def _digits(value: str) -> bool:
    return bool(value) and value.isascii() and value.isdigit()


def _string(value: object, field: str, max_length: int) -> str:
    if value is None or value == "":
        raise mandatory_error(field)
    if not isinstance(value, str):
        raise format_error(field, f"{field} must be a string", code="snap_va_format")
    if len(value) > max_length:
        raise format_error(field, f"{field} is longer than {max_length}", code="snap_va_format")
    return value
