"""The GraphiQL page at /graphql, its scripts and styles served by this service (no CDN).

The browser files come from the npm registry: package.json and package-lock.json at the
repository root, installed into node_modules by scripts/setup (`npm ci`); a built package
carries a copy (`app.assets`). Only the files in ASSETS are served, at /graphql/ide/<name>;
the page loads each with a Subresource Integrity hash of the installed file, and a
Content-Security-Policy lets it load nothing from elsewhere. KANAL_IDE_ASSETS names another
node_modules folder. Without the files, the page answers 503 with the command that installs
them.
"""

from __future__ import annotations

import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from app import assets
from app.rest.browser_files import browser_file, file_tags, inline_script, page_headers

PREFIX = "/graphql/ide"
# URL name -> file under node_modules. The order is the page's load order.
ASSETS = assets.GRAPHIQL
DEFAULT_HEADERS = '{"Authorization": "Bearer <your key>"}'
DEFAULT_QUERY = """# Paste your key in Headers below, then run (Ctrl-Enter).
{
  orders(storeId: 123, first: 5) {
    edges {
      node {
        externalId
        placedAt
        totalPrice
        currency
        financialStatus
        contact { phone }
      }
    }
  }
}
"""

# Static, so that the Content-Security-Policy can allow it by hash; settings come from data-* attributes.
# Queries and mutations go over HTTP; a subscription (storeEvents) over the websocket at the same
# URL with graphql-ws, which GraphiQL's own fetcher cannot do without a websocket client.
_INIT = """
const box = document.getElementById("graphiql");
const overHttp = GraphiQL.createFetcher({url: box.dataset.url});
const socketUrl = new URL(box.dataset.url, location.href);
socketUrl.protocol = socketUrl.protocol === "https:" ? "wss:" : "ws:";

// The operation GraphiQL runs: the one named, else the document's only one.
function chosen(params, options) {
  const definitions = options && options.documentAST ? options.documentAST.definitions : [];
  const operations = definitions.filter((definition) => definition.kind === "OperationDefinition");
  if (params.operationName) return operations.find((op) => op.name && op.name.value === params.operationName);
  return operations.length === 1 ? operations[0] : undefined;
}

// A subscription over the websocket, on a connection of its own carrying the Headers tab in
// connection_init (a browser cannot set headers on a websocket); closed when it ends or is stopped.
async function* overWebsocket(params, headers) {
  const client = graphqlWs.createClient({url: socketUrl.href, connectionParams: headers, retryAttempts: 0});
  try {
    yield* client.iterate(params);
  } finally {
    await client.dispose();
  }
}

function fetcher(params, options) {
  const operation = chosen(params, options);
  if (operation && operation.operation === "subscription") {
    return overWebsocket(params, (options && options.headers) || {});
  }
  return overHttp(params, options);
}

ReactDOM.createRoot(box).render(React.createElement(GraphiQL, {
  fetcher,
  defaultHeaders: box.dataset.headers,
  defaultQuery: box.dataset.query,
  defaultEditorToolsVisibility: "headers",
}));
"""
_CSP = "; ".join(
    [
        "default-src 'self'",
        f"script-src 'self' {inline_script(_INIT)}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Kanal GraphiQL</title>
  <link rel="icon" href="data:,">
  <style>body {{ margin: 0; }} #graphiql {{ height: 100vh; }}</style>
  {styles}
</head>
<body>
  <div id="graphiql" data-url="{url}" data-headers="{headers}" data-query="{query}">Loading GraphiQL…</div>
  {scripts}
  <script>{init}</script>
</body>
</html>
"""

_MISSING = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>GraphiQL is not installed</title></head>
<body style="font-family: sans-serif; max-width: 48em; margin: 3em auto">
  <h1>GraphiQL's files are not installed</h1>
  <p>This service serves GraphiQL itself (it loads nothing from the internet), from the npm
  packages in <code>package-lock.json</code>. Missing: {missing}.</p>
  <p>Install them from the repository root, then reload this page:</p>
  <pre>scripts/setup</pre>
  <p>or only the browser files:</p>
  <pre>npm ci --no-audit --no-fund</pre>
  <p>POST queries to <code>/graphql</code> work without them.</p>
</body>
</html>
"""


def assets_dir() -> Path:
    """The node_modules folder the files are served from."""
    return assets.folder()


async def ide_page(request: Request) -> Response:
    folder = assets_dir()
    missing = [f"node_modules/{file}" for file in ASSETS.values() if not (folder / file).is_file()]
    if missing:
        listed = ", ".join(f"<code>{html.escape(file)}</code>" for file in missing)
        return HTMLResponse(_MISSING.format(missing=listed), status_code=503)
    root = request.scope.get("root_path", "")
    styles, scripts = file_tags(f"{root}{PREFIX}", {name: folder / file for name, file in ASSETS.items()})
    page = _PAGE.format(
        styles=styles,
        scripts=scripts,
        url=html.escape(f"{root}/graphql"),
        headers=html.escape(DEFAULT_HEADERS),
        query=html.escape(DEFAULT_QUERY),
        init=_INIT,
    )
    return HTMLResponse(page, headers=page_headers(_CSP))


async def ide_asset(request: Request) -> Response:
    name = request.path_params["name"]
    return browser_file(assets_dir() / ASSETS[name] if name in ASSETS else None)


def ide_routes() -> list[Route]:
    return [Route(PREFIX + "/{name}", ide_asset, methods=["GET"], name="graphiql-asset")]
