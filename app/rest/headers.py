"""Reading a request header straight from the ASGI scope."""

from __future__ import annotations

from starlette.requests import Request


def header(request: Request, name: bytes) -> str | None:
    """The first value of the header `name` (lower case, as ASGI servers give names), decoded
    as Latin-1, or None: what `request.headers.get` answers, without building the mapping's
    look-up (and, for an absent header, the KeyError inside it) on every ingest request."""
    for key, value in request.scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None
