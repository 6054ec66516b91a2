"""What a command returns to its entry point, and the write contract's failure values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from app.domain.automations import Decision
from app.domain.errors import DomainError, NotFound
from app.domain.text import is_safe

R = TypeVar("R")

# Rows of the operator's tables (stores, keys, webhooks) as the CLI prints them.
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Written(Generic[R]):
    """A stored record (`app.domain.records`), whether this command created it, whether the
    command was stale (`app.domain.rules.stale_writes`: nothing written, the stored record back),
    and whether it was unchanged (an existing record the command left as it was: a replay);
    `automations`: what the write caused or suppressed, and why (`app.domain.automations`)."""

    record: R
    created: bool
    stale: bool = False
    unchanged: bool = False
    automations: tuple[Decision, ...] = ()


def settled(result: R | DomainError) -> R:
    """The result of a write job, or its expected failure raised now that the transaction is
    over. Jobs return their expected failures (an unknown order, a missing linked order)
    instead of raising them, so one request's failure never rolls back the group commit it
    shares with others (see `Database.write`)."""
    if isinstance(result, DomainError):
        raise result
    return result


def utcnow() -> datetime:
    return datetime.now(UTC)


def known_id(external_id: str, resource: str) -> str:
    """An id no engine could have stored (NUL, lone surrogate) names nothing: 404, no query."""
    if not is_safe(external_id):
        raise NotFound(resource)
    return external_id
