"""/openapi.json and an offline Swagger UI at /docs.

Swagger UI 5 (it reads OpenAPI 3.1) comes from the npm registry through the same locked,
integrity-checked install as GraphiQL (package-lock.json, `npm ci` in scripts/setup) and is
served from swagger-ui-dist in the folder `app.assets` names (a checkout's node_modules, or the
copy a built package carries); without it, /docs answers 503 with the command that installs it.

As GraphiQL's and the dashboard's, the page loads its two files with their Subresource Integrity
hashes, only those are served, and its Content-Security-Policy lets it load and connect to nothing
but this service. Swagger UI's online validator is off (`validatorUrl: null`): its badge, in the
standalone layout (not this page's), is an image from validator.swagger.io whose URL carries the
document's, loaded under any host but localhost or 127.0.0.1."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from app import assets

from .browser_files import browser_file, file_tags, inline_script, page_headers, same_origin_policy
from .openapi import openapi_document
from .responses import Json

PREFIX = "/docs/assets"
# Static, so that the policy allows it by its hash; the document's URL comes from a data-* attribute.
_INIT = """
window.ui = SwaggerUIBundle({
  url: document.getElementById("swagger-ui").dataset.url,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
});
"""
CSP = same_origin_policy(script_src=f"'self' {inline_script(_INIT)}")

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Kanal API</title>
  <link rel="icon" href="data:,">
  {styles}
</head>
<body>
  <div id="swagger-ui" data-url="{url}"></div>
  {scripts}
  <script>{init}</script>
</body>
</html>
"""


async def openapi_json(request: Request) -> Response:
    """The OpenAPI document of the REST API."""
    return Json(openapi_document())


def _files() -> dict[str, Path]:
    """URL name -> Swagger UI's file: its script and its stylesheet."""
    folder = assets.folder() / assets.SWAGGER_UI
    return {name: folder / name for name in assets.SWAGGER_UI_FILES}


async def docs_page(request: Request) -> Response:
    """The Swagger UI page (module docstring), or 503 when its files are not installed."""
    files = _files()
    if not all(path.is_file() for path in files.values()):
        return PlainTextResponse("Swagger UI is not installed: run scripts/setup (npm ci).", status_code=503)
    root = request.scope.get("root_path", "")
    styles, scripts = file_tags(f"{root}{PREFIX}", files)
    page = _PAGE.format(styles=styles, scripts=scripts, url=html.escape(f"{root}/openapi.json"), init=_INIT)
    return HTMLResponse(page, headers=page_headers(CSP))


async def docs_asset(request: Request) -> Response:
    """One of Swagger UI's two files; 404 for any other name."""
    return browser_file(_files().get(request.path_params["name"]))


def docs_routes() -> list[Route]:
    """/openapi.json, /docs and its files."""
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Route(PREFIX + "/{name}", docs_asset, methods=["GET"], name="docs-asset"),
    ]
