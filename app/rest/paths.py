"""A trailing slash is routed like none: `POST …/orders/` is `POST …/orders`, on every route.

Starlette answers a path with an extra slash by a 307 redirect where another route matches, or
not at all: `POST …/orders/` met the `…/orders/{external_id}` routes (an empty id) and answered
405, and a client that does not follow redirects (curl without -L) loses its POST. So the slash
is removed before routing, and the router's redirects are turned off (they would bounce between
the two spellings). Only a literal slash is removed: an id ending in an encoded one
(`trailing%2F`, the id "trailing/") still names its record (`raw_path` tells the two apart).
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send


def without_trailing_slash(scope: Scope) -> Scope:
    """`scope` with one literal trailing slash removed from `path` and `raw_path` (not from "/").
    Changed in place: the request log around the app reads the route the router sets on it."""
    path: str = scope["path"]
    raw: bytes | None = scope.get("raw_path")
    literal = raw.endswith(b"/") if raw is not None else path.endswith("/")
    if len(path) < 2 or not path.endswith("/") or not literal:
        return scope
    scope["path"] = path[:-1]
    if raw is not None:
        scope["raw_path"] = raw[:-1]
    return scope


class TrailingSlash:
    """ASGI middleware: each HTTP request is routed without its trailing slash."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(without_trailing_slash(scope) if scope["type"] == "http" else scope, receive, send)


def route_trailing_slashes_like_none(app: Starlette) -> None:
    """Installs `TrailingSlash` on `app` and turns off the router's slash redirects."""
    app.router.redirect_slashes = False
    app.add_middleware(TrailingSlash)
