"""Filters dashboards apply to lists; phone filters take any form the REST layer accepts."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, ColumnElement, cast, exists, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import JSONB

from app.db.tables import contacts
from app.domain.consent import ConsentState
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.domain.event_types import EventType
from app.domain.phone import InvalidPhone, parse_phone
from app.domain.text import is_safe
from app.domain.types import DATETIME_HINT, parse_utc_bound
from app.services.webhooks import known_pattern, matches


def contact_of_phone(
    store_id: int, raw: str, region: str, contact_id: Column[Any], path: tuple[str, ...] = ("filter", "phone")
) -> ColumnElement[bool]:
    """Rows of the contact whose phone `raw` is, read as REST reads it (SPEC §4.1); raises
    ValidationFailed at `path` (the argument's path) for a number that is not valid."""
    try:
        e164 = parse_phone(text(raw, path), region).e164
    except InvalidPhone as exc:
        raise ValidationFailed([FieldError(path, ErrorCode.INVALID_PHONE, str(exc))]) from None
    return contact_id.in_(select(contacts.c.id).where(contacts.c.store_id == store_id, contacts.c.phone == e164))


def has_tag(tags: Column[Any], tag: str, dialect: str) -> ColumnElement[bool]:
    """Tags are a JSON array of strings."""
    if dialect == "postgresql":
        has_key: ColumnElement[bool] = cast(tags, JSONB).has_key(tag)
        return has_key
    each = func.json_each(tags).table_valued("value")
    return exists(select(literal_column("1")).select_from(each).where(each.c.value == tag))


def starts_with(column: Column[Any], prefix: str) -> ColumnElement[bool]:
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


def moment(value: object, name: str, path: tuple[str, ...] | None = None) -> datetime:
    """A filter's or a period's bound in UTC, read as REST reads an instant (RFC 3339 §5.6
    only, no offset meaning UTC), a fraction past the microsecond rounded up
    (`parse_utc_bound`: it bounds exactly the stored instants it bounds as written). Raises
    ValidationFailed at `path` (default `("filter", name)`) for a value that is not such a
    string (a date alone, an ISO 8601 week date, a number), or an instant out of range in UTC."""
    path = path or ("filter", name)
    try:
        if isinstance(value, datetime):
            return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        if not isinstance(value, str):
            raise ValueError(DATETIME_HINT)
        return parse_utc_bound(value)
    except (ValueError, OverflowError) as exc:
        message = "The datetime is out of range." if isinstance(exc, OverflowError) else str(exc)
        raise ValidationFailed([FieldError(path, ErrorCode.INVALID_DATETIME, message)]) from None


def period(start: str | datetime, end: str | datetime) -> tuple[datetime, datetime]:
    """A dashboard's [from, to) in UTC; raises ValidationFailed (at `from` or `to`) for an
    instant that is not one, or `to` not after `from`."""
    begins, ends = moment(start, "from", ("from",)), moment(end, "to", ("to",))
    if ends <= begins:
        raise ValidationFailed([FieldError(("to",), ErrorCode.OUT_OF_RANGE, "`to` must be after `from`.")])
    return begins, ends


def text(value: str, path: tuple[str, ...]) -> str:
    """A text argument no engine could compare (NUL, lone surrogate) is refused at `path`, as
    the same text in a write is (README, "Strings")."""
    if not is_safe(value):
        message = "The argument contains a NUL character or a lone surrogate."
        raise ValidationFailed([FieldError(path, ErrorCode.INVALID_CHARACTERS, message)])
    return value


def choice(value: str, choices: type[StrEnum], path: tuple[str, ...]) -> str:
    """A filter naming one of a closed set (`choices`), spelled as a write spells it; raises
    ValidationFailed at `path`: text no engine can compare (`text`), or `invalid_choice`
    listing the choices for any other value (it found nothing, silently)."""
    if text(value, path) not in set(choices):
        allowed = ", ".join(choices)
        raise ValidationFailed([FieldError(path, ErrorCode.INVALID_CHOICE, f"Must be one of: {allowed}.")])
    return value


def event_types(pattern: str, path: tuple[str, ...]) -> list[str]:
    """The event types (`EventType`) a type filter names: a type, or a pattern as webhooks take
    them (`order.*`, `*`: `webhooks.matches`); raises ValidationFailed at `path` (`text`, or
    `invalid_choice` listing the types) for one that matches none: a type no event can have
    found nothing, silently."""
    if not known_pattern(text(pattern, path)):
        known = ", ".join(EventType)
        message = f"Must be an event type, or a pattern matching some such as order.*: {known}."
        raise ValidationFailed([FieldError(path, ErrorCode.INVALID_CHOICE, message)])
    return [kind.value for kind in EventType if matches([pattern], kind)]


def consent_is(column: Column[Any], state: str, path: tuple[str, ...]) -> ColumnElement[bool]:
    """Rows whose consent `column` is `state` (a consent never given is `not_subscribed`);
    raises ValidationFailed at `path` as `choice` does for a state that is none of ConsentState."""
    choice(state, ConsentState, path)
    if state == ConsentState.NOT_SUBSCRIBED:
        return or_(column == state, column.is_(None))
    return column == state
