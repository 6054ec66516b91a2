"""The ceiling for scripts/bench_ingest.py: the least an order ingestion endpoint can do.

One POST route at the orders path that reads the body, parses it as Kanal does
(json.loads with parse_float=Decimal) and answers a tiny JSON object, served by uvicorn
with the settings of `kanal serve` (uvloop, httptools, no access log).

    .venv/bin/python scripts/bench/ceiling_app.py --port 8099 [--workers 1]
"""

from __future__ import annotations

import json
from decimal import Decimal

from serving import serve_like_kanal
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


async def ingest(request: Request) -> Response:
    json.loads(await request.body(), parse_float=Decimal)
    return JSONResponse({"ok": True}, status_code=201)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route("/api/v1/stores/{store_id}/orders", ingest, methods=["POST"]),
    ]
)


def main() -> None:
    serve_like_kanal("ceiling_app:app", __doc__.splitlines()[0], 8099)


if __name__ == "__main__":
    main()
