"""Where the browser files of GraphiQL (/graphql), Swagger UI (/docs) and the reference
dashboard (/dashboard: Chart.js, graphql-ws) are served from.

They come from the npm registry (package.json, package-lock.json; `npm ci` checks each
package's integrity). A checkout serves them from its node_modules; a built package carries
its own copy in `app/browser/`, laid out as in node_modules, put there when the wheel is
built (setup.py copies FILES; a build without node_modules fails and says to run `npm ci`).
So an installed wheel serves these pages with no checkout, no npm and no internet.

Looked up in this order: KANAL_IDE_ASSETS (another node_modules folder), the package's copy,
the checkout's node_modules. Standard library only: setup.py loads this file before any
dependency is installed."""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from pathlib import Path

PACKAGED = Path(__file__).resolve().with_name("browser")
CHECKOUT = Path(__file__).resolve().parents[1] / "node_modules"

# GraphiQL's page: URL name -> file under node_modules, in the page's load order.
GRAPHIQL = {
    "graphiql.min.css": "graphiql/graphiql.min.css",
    "react.production.min.js": "react/umd/react.production.min.js",
    "react-dom.production.min.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.min.js": "graphiql/graphiql.min.js",
    "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",  # subscriptions (storeEvents)
}
# The dashboard's page: URL name -> file under node_modules (its own script and style sit
# beside app/dashboard/__init__.py).
DASHBOARD = {
    "chart.umd.min.js": "chart.js/dist/chart.umd.min.js",
    "graphql-ws.min.js": "graphql-ws/umd/graphql-ws.min.js",
}
SWAGGER_UI = "swagger-ui-dist"
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css")
# Shipped beside the files: their licences (MIT; Apache-2.0 with its NOTICE for Swagger UI;
# Chart.js's bundle holds @kurkle/color).
NOTICES = (
    "graphiql/LICENSE",
    "chart.js/LICENSE.md",
    "@kurkle/color/LICENSE.md",
    "graphql-ws/LICENSE.md",
    "react/LICENSE",
    "react-dom/LICENSE",
    f"{SWAGGER_UI}/LICENSE",
    f"{SWAGGER_UI}/NOTICE",
    f"{SWAGGER_UI}/swagger-ui-bundle.js.LICENSE.txt",
)
# Every file a built package carries, relative to node_modules.
# graphql-ws serves both pages: listed once.
PAGES = tuple(dict.fromkeys([*GRAPHIQL.values(), *DASHBOARD.values()]))
FILES = (*PAGES, *(f"{SWAGGER_UI}/{name}" for name in SWAGGER_UI_FILES), *NOTICES)


def folder() -> Path:
    """The node_modules-like folder to serve from (see the module for the order)."""
    configured = os.environ.get("KANAL_IDE_ASSETS")
    if configured:
        return Path(configured)
    return PACKAGED if PACKAGED.is_dir() else CHECKOUT


@functools.lru_cache(maxsize=32)
def _sri(path: str, mtime_ns: int, size: int) -> str:
    """Keyed by modification time and size: a reinstall while serving gives new hashes."""
    return "sha384-" + base64.b64encode(hashlib.sha384(Path(path).read_bytes()).digest()).decode()


def integrity(path: Path) -> str:
    """The Subresource Integrity value of a file a page loads: `sha384-<base64>`."""
    stat = path.stat()
    return _sri(str(path), stat.st_mtime_ns, stat.st_size)
