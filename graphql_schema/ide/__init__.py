"""The GraphiQL page, served by this service (no CDN)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response


async def ide_page(request: Request) -> Response:
    return HTMLResponse("<!doctype html><title>GraphiQL</title><p>GraphiQL assets are not installed.</p>")
