"""One error type for every statement, CSV and settlement file we refuse."""

from __future__ import annotations


class StatementParseError(ValueError):
    """The file is refused as a whole; `line` is the 1-based line number that is wrong."""

    def __init__(self, message: str, *, line: int | None = None, source: str = "") -> None:
        self.line = line
        self.source = source
        self.reason = message
        where = source or "input"
        if line is not None:
            where = f"{where}, line {line}"
        super().__init__(f"{where}: {message}")
