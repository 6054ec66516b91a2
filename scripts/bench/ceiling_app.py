"""The ceiling for scripts/bench_ingest.py: the least an order ingestion endpoint can do.

One POST route at the orders path that reads the body, parses it as Kanal does
(json.loads with parse_float=Decimal) and answers a tiny JSON object, served by uvicorn
with the settings of `kanal serve` (uvloop, httptools, no access log).

    .venv/bin/python scripts/bench/ceiling_app.py --port 8099 [--workers 1]
"""

from __future__ import annotations

import argparse
import json
from decimal import Decimal
from pathlib import Path

import uvicorn
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
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "ceiling_app:app",
        app_dir=str(Path(__file__).parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="info",
    )


if __name__ == "__main__":
    main()
