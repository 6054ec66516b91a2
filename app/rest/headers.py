"""Reading a request header straight from the ASGI scope."""

from __future__ import annotations

from starlette.requests import HTTPConnection

# The scope's key for its headers by name (`_one_line_each`)
_BY_NAME = "kanal.headers_by_name"


def _one_line_each(request: HTTPConnection) -> dict[bytes, bytes] | None:
    """Each header's line by name (lower case, as ASGI servers give names) when no name comes
    on two lines, else None (the list is read then): made in one pass on the first read and
    kept in the scope, where an ingest request reads five headers."""
    scope = request.scope
    if _BY_NAME not in scope:
        lines = scope["headers"]
        by_name = dict(lines)
        scope[_BY_NAME] = by_name if len(by_name) == len(lines) else None
    return scope[_BY_NAME]


def header(request: HTTPConnection, name: bytes) -> str | None:
    """The first value of the header `name` (lower case), decoded as Latin-1, or None: what
    `request.headers.get` answers, without building the mapping's look-up (and, for an absent
    header, the KeyError inside it) on every ingest request."""
    by_name = _one_line_each(request)
    if by_name is not None:
        value = by_name.get(name)
        return None if value is None else value.decode("latin-1")
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def joined_header(request: HTTPConnection, name: bytes) -> str | None:
    """Every value of the header `name`, its lines joined with ", " as one line would carry them
    (RFC 9110 §5.3), blank lines left out (§5.6.1: empty list elements are ignored); None when
    no line is sent. For a header read as a whole (`Kanal-Backfill`, `Content-Encoding`,
    `Authorization`): `false` on one line and `true` on another reads as `false, true`, not as
    its first line."""
    by_name = _one_line_each(request)
    if by_name is not None:  # one line at most: itself ("" when blank)
        value = by_name.get(name)
        return None if value is None else value.decode("latin-1").strip()
    values = [value.decode("latin-1").strip() for key, value in request.scope["headers"] if key == name]
    if not values:
        return None
    return ", ".join(value for value in values if value)
