"""Idempotency keys that remember: a hash of the canonical request, and what differs."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def request_hash(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode()).hexdigest()


def differing_fields(first: Any, second: Any, path: str = "") -> list[str]:
    """Paths (`postings[1].amount`) where two canonical requests disagree, sorted."""
    if isinstance(first, dict) and isinstance(second, dict):
        found: list[str] = []
        for key in sorted(set(first) | set(second)):
            sub = f"{path}.{key}" if path else str(key)
            if key not in first or key not in second:
                found.append(sub)
            else:
                found += differing_fields(first[key], second[key], sub)
        return found
    if isinstance(first, list) and isinstance(second, list):
        if len(first) != len(second):
            return [path or "$"]
        found = []
        for index, (a, b) in enumerate(zip(first, second, strict=True)):
            found += differing_fields(a, b, f"{path}[{index}]")
        return found
    return [] if first == second and type(first) is type(second) else [path or "$"]
