"""/openapi.json and an offline Swagger UI at /docs (assets from the swagger-ui-bundle package)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

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


async def docs_page(request: Request) -> Response:
    return HTMLResponse(_PAGE)


def docs_routes() -> list[Route | Mount]:
    return [
        Route("/openapi.json", openapi_json, methods=["GET"]),
        Route("/docs", docs_page, methods=["GET"]),
        Mount("/docs/assets", StaticFiles(directory=swagger_ui_path), name="docs-assets"),
    ]
