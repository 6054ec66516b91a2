"""The reference dashboard at /dashboard: a store's orders and revenue per day, its cart recovery
funnel, top products, carriers and a live feed of its events (README, "/dashboard").

The page is static: its script (dashboard.js, beside this file) reads everything through the
public GraphQL API with the key the person types in or gives in the link's fragment, so it is
also the example dashboard authors copy. Chart.js draws the chart and graphql-ws is the
subscription client; both come from the npm registry through the same locked install as GraphiQL
(`app.assets`), every file is loaded with its Subresource Integrity hash, and the
Content-Security-Policy lets the page load and connect to nothing but this service. Without the
npm files the page answers 503 with the command that installs them."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app import assets
from app.rest.browser_files import browser_file, file_tag, page_headers, same_origin_policy

PREFIX = "/dashboard/assets"
HERE = Path(__file__).resolve().parent

# Nothing inline (its script and style are files); it connects to /graphql over HTTP and the
# websocket. The key form is never submitted (form-action 'none'): no key in a URL even without script.
CSP = same_origin_policy()

_MISSING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>The dashboard's files are not installed</title></head>
<body style="font-family: sans-serif; max-width: 48em; margin: 3em auto">
  <h1>The dashboard's files are not installed</h1>
  <p>This service serves the dashboard's chart and live-feed libraries itself (it loads nothing
  from the internet), from the npm packages in <code>package-lock.json</code>. Missing: {missing}.</p>
  <p>Install them from the repository root, then reload this page:</p>
  <pre>scripts/setup</pre>
  <p>or only the browser files:</p>
  <pre>npm ci --no-audit --no-fund</pre>
</body>
</html>
"""


def _files() -> dict[str, Path]:
    """URL name -> file, in the page's load order: its style, the libraries, its script."""
    folder = assets.folder()
    libraries = {name: folder / file for name, file in assets.DASHBOARD.items()}
    return {"dashboard.css": HERE / "dashboard.css", **libraries, "dashboard.js": HERE / "dashboard.js"}


async def dashboard_page(request: Request) -> Response:
    files = _files()
    missing = [f"node_modules/{file}" for name, file in assets.DASHBOARD.items() if not files[name].is_file()]
    if missing:
        listed = ", ".join(f"<code>{html.escape(file)}</code>" for file in missing)
        return HTMLResponse(_MISSING.format(missing=listed), status_code=503)
    root = request.scope.get("root_path", "")
    tags = [file_tag(f"{root}{PREFIX}/{name}", path, defer=True) for name, path in files.items()]
    page = (HERE / "page.html").read_text().replace("<!-- files -->", "\n  ".join(tags))
    page = page.replace('data-graphql="/graphql"', f'data-graphql="{html.escape(root)}/graphql"')
    return HTMLResponse(page, headers=page_headers(CSP))


async def dashboard_asset(request: Request) -> Response:
    return browser_file(_files().get(request.path_params["name"]))


def dashboard_routes() -> list[Route]:
    return [
        Route("/dashboard", dashboard_page, methods=["GET"]),
        Route(PREFIX + "/{name}", dashboard_asset, methods=["GET"], name="dashboard-asset"),
    ]
