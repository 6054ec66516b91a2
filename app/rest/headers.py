"""Reading a request header straight from the ASGI scope."""

from __future__ import annotations

from starlette.requests import HTTPConnection, Request


def header(request: Request, name: bytes) -> str | None:
    """The first value of the header `name` (lower case, as ASGI servers give names), decoded
    as Latin-1, or None: what `request.headers.get` answers, without building the mapping's
    look-up (and, for an absent header, the KeyError inside it) on every ingest request."""
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
    values = [value.decode("latin-1").strip() for key, value in request.scope["headers"] if key == name]
    if not values:
        return None
    return ", ".join(value for value in values if value)
