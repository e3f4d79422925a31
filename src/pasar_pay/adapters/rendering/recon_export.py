"""Report rows → CSV or Excel bytes (openpyxl). Rows are flat dicts of str/int/None; the
columns are the first row's keys, in order."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]  # the package ships no stubs

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def render(rows: Sequence[dict[str, Any]], fmt: str, *, sheet: str = "report") -> tuple[bytes, str]:
    columns = list(rows[0]) if rows else []
    if fmt == "csv":
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(columns)
        out.writerows([["" if r.get(c) is None else r.get(c) for c in columns] for r in rows])
        return buf.getvalue().encode(), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        book = Workbook()
        ws = book.active
        assert ws is not None
        ws.title = sheet[:31]  # Excel's limit
        ws.append(columns)
        for r in rows:
            ws.append([r.get(c) for c in columns])
        data = io.BytesIO()
        book.save(data)
        return data.getvalue(), XLSX
    raise ValueError(f"unknown format {fmt!r}")
