"""What a command returns to its entry point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

Record = dict[str, Any]


@dataclass(frozen=True)
class Written:
    record: Record
    created: bool


def utcnow() -> datetime:
    return datetime.now(UTC)
