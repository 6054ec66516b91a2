"""The browser pages of this service (GraphiQL at /graphql, Swagger UI at /docs, the dashboard):
each file a page loads (a script or a stylesheet) served from the page's own list of names, so
nothing else can be asked for, and tagged with its Subresource Integrity hash; the policy that
lets a page load and connect to nothing but this service; the headers every page is sent with."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response

from app import assets


def browser_file(path: Path | None) -> Response:
    """`path` (a .css or .js file) as text with its type; 404 when None or absent."""
    if path is None or not path.is_file():
        raise HTTPException(404)
    media_type = "text/css" if path.name.endswith(".css") else "text/javascript"
    # no-cache: revalidated by ETag on each load, so an upgrade never meets a stale integrity hash.
    headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    return FileResponse(path, media_type=f"{media_type}; charset=utf-8", headers=headers)


def file_tag(url: str, path: Path, *, defer: bool = False) -> str:
    """The tag that loads `path` from `url` with its integrity hash: a stylesheet's <link> for a
    .css file, else a <script> (`defer`red if asked)."""
    sri = assets.integrity(path)
    if url.endswith(".css"):
        return f'<link rel="stylesheet" href="{url}" integrity="{sri}">'
    return f'<script src="{url}" integrity="{sri}"{" defer" if defer else ""}></script>'


def file_tags(prefix: str, files: Mapping[str, Path]) -> tuple[str, str]:
    """The tags of a page's `files` (URL name -> file, in load order) served under `prefix`: the
    stylesheets' for its <head> and the scripts' for its <body>, each tag on a line of its own."""
    tags = {name: file_tag(f"{prefix}/{name}", path) for name, path in files.items()}
    styles = [tag for name, tag in tags.items() if name.endswith(".css")]
    scripts = [tag for name, tag in tags.items() if not name.endswith(".css")]
    return "\n  ".join(styles), "\n  ".join(scripts)


def inline_script(source: str) -> str:
    """The Content-Security-Policy source that allows one inline <script> by its hash."""
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


def same_origin_policy(script_src: str = "'self'", style_src: str = "'self'") -> str:
    """A Content-Security-Policy under which a page loads and connects to nothing but this
    service: scripts from `script_src`, styles from `style_src`, images from here or data: URLs,
    nothing else; no <base>, no form submitted, framed by no page."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {script_src}",
            f"style-src {style_src}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        ]
    )


def page_headers(policy: str) -> dict[str, str]:
    """A page's headers: its `policy`, no Referer sent from it, and revalidated on each load (its
    integrity hashes follow the installed files)."""
    return {"Content-Security-Policy": policy, "Referrer-Policy": "no-referrer", "Cache-Control": "no-cache"}
