"""/openapi.json and an offline Swagger UI at /docs.

Swagger UI 5 (it reads OpenAPI 3.1) comes from the npm registry through the same locked,
integrity-checked install as GraphiQL (package-lock.json, `npm ci` in scripts/setup) and is
served from swagger-ui-dist in the folder `app.assets` names (a checkout's node_modules, or the
copy a built package carries); without it, /docs answers 503 with the command that installs it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from app import assets

from .openapi import openapi_document
from .responses import Json

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Kanal API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
  </script>
</body>
</html>
"""


async def openapi_json(request: Request) -> Response:
    return Json(openapi_document())


ASSETS = assets.folder() / assets.SWAGGER_UI


async def docs_page(request: Request) -> Response:
    if not all((ASSETS / name).is_file() for name in assets.SWAGGER_UI_FILES):
        return PlainTextResponse("Swagger UI is not installed: run scripts/setup (npm ci).", status_code=503)
    return HTMLResponse(_PAGE)


def docs_routes() -> list[Route | Mount]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Mount("/docs/assets", StaticFiles(directory=ASSETS, check_dir=False), name="docs-assets"),
    ]
