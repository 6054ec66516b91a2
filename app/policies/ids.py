"""ID arguments and list cursors: read in one place, so a malformed one is a clear error.

Rules (SPEC §2 "a numeric `store_id`", SPEC §10 "malformed IDs and cursors are
`BAD_USER_INPUT`"):

- An ID is a whole number from 0 to 2^63 - 1 (every id column is a signed 64-bit integer),
  written in ASCII digits only: no sign, no spaces, no decimal point; leading zeros are
  allowed (`0123` is 123, however many zeros lead), up to 64 characters in all.
  GraphQL refuses any other ID argument (`storeId`, `store(id:)`, `filter.subjectId`) as
  `BAD_USER_INPUT` naming it, before a filter could be dropped or a statement fail. A REST path
  names a store the same way; a store id that is not one is answered like an unknown store
  (404 "Store not found or paused", after the key check, SPEC §2).
- A cursor is what a list returned as `cursor` / `endCursor`: base64url (padded) of the compact
  JSON array (orjson's) whose first item names the list (its table), then the row's sort key
  (a time as `datetime.isoformat` writes a UTC instant, `2026-05-01T10:00:00+00:00` or with
  `.ffffff`; an id as a JSON integer as above). Only a cursor the service could have issued is
  read: the text must be exactly what `encode_cursor` writes for the key it decodes to, so a
  time Python's `fromisoformat` also takes (an ISO week or ordinal date, another separator
  such as a NUL, a `Z` or another offset, fewer or more digits), JSON spelt otherwise (spaces,
  escapes), base64 with other characters or padding, a lone surrogate, or any other shape —
  garbage, forged, from another list, or from an earlier format — is refused as
  `BAD_USER_INPUT` naming `after`.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Any

import orjson

from app.domain.errors import ErrorCode, FieldError, ValidationFailed

MAX_ID = 2**63 - 1
_MAX_ID_DIGITS = len(str(MAX_ID))  # 19 significant digits
_MAX_ID_TEXT = 64
_MAX_CURSOR_LENGTH = 256  # a real one is under 100 characters


def id_or_none(text: str) -> int | None:
    """The id `text` spells, or None when it spells none (see the module's rule)."""
    if len(text) > _MAX_ID_TEXT or not text.isascii() or not text.isdigit():
        return None
    significant = text.lstrip("0") or "0"
    if len(significant) > _MAX_ID_DIGITS:
        return None
    value = int(significant)
    return value if value <= MAX_ID else None


def parse_id(value: object, field: tuple[str | int, ...]) -> int:
    """The id an ID argument spells; raises ValidationFailed naming `field` (code `invalid`)."""
    parsed = id_or_none(value) if isinstance(value, str) else None
    if parsed is None:
        message = f"{field[-1]} must be a whole number from 0 to {MAX_ID}."
        raise ValidationFailed([FieldError(field, ErrorCode.INVALID, message)])
    return parsed


def encode_cursor(list_name: str, values: list[Any]) -> str:
    """The cursor of a row of `list_name` whose sort key is `values` (aware datetimes, ints)."""
    plain = [value.isoformat() if isinstance(value, datetime) else value for value in values]
    return base64.urlsafe_b64encode(orjson.dumps([list_name, *plain])).decode()


def decode_cursor(cursor: str, list_name: str, shape: tuple[type, ...]) -> list[Any]:
    """The sort key a cursor of `list_name` holds, one value per type in `shape` (`datetime`
    or `int`): `[aware UTC datetime | int, …]`, for a cursor `encode_cursor` wrote exactly
    (the module's rule); raises ValidationFailed naming `after` (code `invalid`) otherwise."""
    try:
        if len(cursor) > _MAX_CURSOR_LENGTH:
            raise ValueError
        decoded = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if not isinstance(decoded, list) or len(decoded) != 1 + len(shape) or decoded[0] != list_name:
            raise ValueError
        values = decoded[1:]
        key = [_key_value(value, kind) for value, kind in zip(values, shape, strict=True)]
        if encode_cursor(list_name, key) != cursor:  # text the service never writes for this key
            raise ValueError
        return key
    except (ValueError, TypeError, OverflowError, binascii.Error, orjson.JSONDecodeError):
        message = "after is not a cursor of this list: pass a cursor or endCursor the same list returned."
        raise ValidationFailed([FieldError(("after",), ErrorCode.INVALID, message)]) from None


def _key_value(value: Any, kind: type) -> Any:
    if kind is datetime:
        if not isinstance(value, str):
            raise TypeError
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError
        return moment.astimezone(UTC)  # OverflowError for an offset past year 1 or 9999
    if type(value) is not int or not 0 <= value <= MAX_ID:  # bool and float are not ids
        raise TypeError
    return value
