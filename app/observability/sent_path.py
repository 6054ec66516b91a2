"""The path of a request as the client sent it, for a warning line that names the request."""

from __future__ import annotations

from starlette.requests import HTTPConnection


def sent_path(request: HTTPConnection) -> str:
    """The path as sent, percent-escapes kept (ASGI `raw_path`; the decoded path where a server
    gives none): `/api/v1/stores/123/orders/a%2Fb` names the order `a/b` (README "Endpoints"),
    where the decoded `/orders/a/b` reads as another route. Never the query string (some
    servers' `raw_path` carries it: cut at `?`)."""
    raw = request.scope.get("raw_path")
    if not raw:
        return request.url.path
    return raw.partition(b"?")[0].decode("latin-1")
