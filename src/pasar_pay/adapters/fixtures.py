"""Read the real fixture files (markets.csv) into registry records."""

from __future__ import annotations

import csv
from pathlib import Path

from pasar_pay.services.ports import MarketRecord

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures"


def _known(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "unknown") else value


def read_markets(path: Path | None = None) -> list[MarketRecord]:
    with (path or FIXTURES / "markets.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    records = []
    for row in rows:
        estimate = _known(row["stalls_estimate"])
        records.append(
            MarketRecord(
                code=row["code"].strip(),
                name=row["name"].strip(),
                kecamatan=_known(row["kecamatan"]),
                kelas=_known(row["kelas"]),
                specialty=_known(row["specialty"]),
                stalls_estimate=int(estimate) if estimate else None,
                source=row["source"].strip(),
                confidence=row["confidence"].strip(),
            )
        )
    return records
