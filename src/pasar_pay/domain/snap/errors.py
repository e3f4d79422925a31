"""SNAP refusals: a stable `code` for logs and tests, plus the SNAP case the endpoint answers with.

The endpoint turns an error into its envelope with `error.status(service)`, so the mapping
"what went wrong" -> `4002401 Invalid Field Format paidAmount.value` lives next to the rule.
"""

from __future__ import annotations

from typing import Any

from pasar_pay.domain.errors import DomainError
from pasar_pay.domain.snap.codes import ServiceCode, SnapCase, SnapStatus, snap_status


class SnapError(DomainError):
    """A request refused by a SNAP rule; `field` names the offending field when there is one."""

    code = "snap_error"

    def __init__(
        self,
        message: str,
        *,
        code: str,
        case: SnapCase,
        field: str | None = None,
        detail: str | None = None,
        **details: Any,
    ) -> None:
        super().__init__(message, code=code, field=field, **details)
        self.case = case
        self.field = field
        # What goes after the canonical message: the field name by default.
        self.detail = detail if detail is not None else field

    def status(self, service: ServiceCode) -> SnapStatus:
        return snap_status(self.case, service, self.detail)


def format_error(field: str, message: str, *, code: str = "snap_field_format") -> SnapError:
    return SnapError(message, code=code, case=SnapCase.INVALID_FIELD_FORMAT, field=field)


def mandatory_error(field: str) -> SnapError:
    return SnapError(
        f"{field} is mandatory",
        code="snap_field_missing",
        case=SnapCase.INVALID_MANDATORY_FIELD,
        field=field,
    )
