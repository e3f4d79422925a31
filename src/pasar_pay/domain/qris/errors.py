"""QRIS refusals. Every one carries a stable `code`; parse errors also carry `position`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pasar_pay.domain.errors import DomainError

if TYPE_CHECKING:
    from pasar_pay.domain.qris.validate import Finding


class QrisParseError(DomainError):
    """The text is not a complete QRIS element tree. `position` is a character index."""

    code = "qris.parse_error"

    def __init__(self, message: str, *, code: str, position: int) -> None:
        super().__init__(f"{message} (at character {position})", code=code, position=position)
        self.position = position


class QrisBuildError(DomainError):
    """Typed merchant data or an amount cannot become a valid payload field."""

    code = "qris.build_error"

    def __init__(self, message: str, *, code: str, field: str) -> None:
        super().__init__(message, code=code, field=field)
        self.field = field


class QrisInvalid(DomainError):
    """A payload parsed but has error-level findings (or a bad CRC for conversion)."""

    code = "qris.invalid"

    def __init__(
        self, message: str, findings: tuple[Finding, ...], *, code: str | None = None
    ) -> None:
        super().__init__(message, code=code, findings=[f.as_dict() for f in findings])
        self.findings = findings
