"""The webhook receiver of scripts/bench_events.py: verifies, counts and answers 204, fast.

A bare Starlette app under uvicorn (uvloop, httptools, no access log, one process) on
127.0.0.1. POST /hook checks the Kanal-Signature of each delivery with the webhook's secret
(app.automations.signing.verify), reads the event id from the body and answers 204, even to a
bad signature, so that a bad signature is counted instead of retried. The secret is read from
--secret-file on the first delivery (the bench writes it after `kanal webhooks add`).

    GET /count  {"received", "distinct", "bad_signatures", "id_mismatches", "first_at", "last_new_at"}
    GET /ids    {"ids": [...every distinct event id...]}
    POST /reset forgets every count and id (after the bench's wrk ceiling, before the workers)

first_at and last_new_at are time.monotonic() of the first delivery and of the last new event
id (CLOCK_MONOTONIC, comparable with the bench's own clock on Linux).

    .venv/bin/python scripts/bench/events_receiver.py --port 9100 --secret-file /tmp/secret
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from app.automations.signing import HEADER, verify

state: dict = {
    "secret_file": None,
    "secret": None,
    "received": 0,
    "bad_signatures": 0,
    "id_mismatches": 0,
    "first_at": None,
    "last_new_at": None,
}
seen: set[str] = set()


def secret() -> str | None:
    if state["secret"] is None and state["secret_file"] is not None:
        path = Path(state["secret_file"])
        if path.exists():
            state["secret"] = path.read_text().strip() or None
    return state["secret"]


async def hook(request: Request) -> Response:
    body = await request.body()
    now = time.monotonic()
    state["received"] += 1
    if state["first_at"] is None:
        state["first_at"] = now
    key = secret()
    if key is None or not verify(key, request.headers.get(HEADER, ""), body):
        state["bad_signatures"] += 1
    try:
        event_id = orjson.loads(body)["id"]
    except (orjson.JSONDecodeError, KeyError, TypeError):
        event_id = None
    if event_id is None or event_id != request.headers.get("Kanal-Event-Id"):
        state["id_mismatches"] += 1
    if event_id is not None and event_id not in seen:
        seen.add(event_id)
        state["last_new_at"] = now
    return Response(status_code=204)


async def count(request: Request) -> Response:
    fields = ("received", "bad_signatures", "id_mismatches", "first_at", "last_new_at")
    return JSONResponse({"distinct": len(seen), **{name: state[name] for name in fields}})


async def ids(request: Request) -> Response:
    return Response(orjson.dumps({"ids": sorted(seen)}), media_type="application/json")


async def reset(request: Request) -> Response:
    state.update(received=0, bad_signatures=0, id_mismatches=0, first_at=None, last_new_at=None)
    seen.clear()
    return Response(status_code=204)


app = Starlette(
    routes=[
        Route("/hook", hook, methods=["POST"]),
        Route("/count", count, methods=["GET"]),
        Route("/ids", ids, methods=["GET"]),
        Route("/reset", reset, methods=["POST"]),
    ]
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--secret-file", required=True)
    args = parser.parse_args()
    state["secret_file"] = args.secret_file
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
