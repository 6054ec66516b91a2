"""One browser file (a script or a stylesheet) a page of this service loads: GraphiQL's and the
dashboard's, looked up by the page's own list of names, so nothing else can be asked for."""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response


def browser_file(path: Path | None) -> Response:
    """`path` (a .css or .js file) as text with its type; 404 when None or absent."""
    if path is None or not path.is_file():
        raise HTTPException(404)
    media_type = "text/css" if path.name.endswith(".css") else "text/javascript"
    # no-cache: revalidated by ETag on each load, so an upgrade never meets a stale integrity hash.
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=f"{media_type}; charset=utf-8", headers=headers)
