"""What a command returns to its entry point."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.errors import NotFound
from app.domain.text import is_safe

Record = dict[str, Any]


@dataclass(frozen=True)
class Written:
    record: Record
    created: bool


def utcnow() -> datetime:
    return datetime.now(UTC)


def known_id(external_id: str, resource: str) -> str:
    """An id no engine could have stored (NUL, lone surrogate) names nothing: 404, no query."""
    if not is_safe(external_id):
        raise NotFound(resource)
    return external_id
