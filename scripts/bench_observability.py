"""What the request log and metrics cost per request, in-process, against the same app bare.

Calls an ASGI app that answers 201 with a small JSON body (as an ingest route does, its route
template set by the router) N times, bare and wrapped in `app.observability.request_log.Observed`,
in alternating rounds; the median round is reported. Timed in CPU time of this process (other
load on the machine moves wall-clock figures more than the differences measured here). Two
wrapped variants: metrics only (the log off), and metrics plus the JSON line written to a
line-buffered /dev/null as to stderr (the cost of a terminal or a pipe reading stderr is the
reader's).

    .venv/bin/python scripts/bench_observability.py [--requests 50000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from starlette.routing import Route

from app.observability import request_log

ROUTE = Route("/api/v1/stores/{store_id}/orders", lambda request: None, methods=["POST"])
HEADERS = [(b"content-type", b"application/json"), (b"authorization", b"Bearer kanal_sk_live_x")]


async def bare(scope, receive, send) -> None:
    scope["route"] = ROUTE
    await send({"type": "http.response.start", "status": 201, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"external_id":"ORDER-1"}'})


async def run(app, requests: int) -> float:
    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message) -> None:
        pass

    started = time.process_time()
    for _ in range(requests):
        scope = {"type": "http", "method": "POST", "path": "/api/v1/stores/123/orders", "headers": HEADERS}
        await app(scope, receive, send)
    return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    request_log.write_to(open("/dev/null", "w", buffering=1))  # line-buffered, as stderr
    wrapped = request_log.Observed(bare)
    figures: dict[str, list[float]] = {"bare": [], "metrics": [], "metrics + log line": []}
    for _ in range(args.rounds):
        figures["bare"].append(asyncio.run(run(bare, args.requests)))
        request_log.install(False)
        figures["metrics"].append(asyncio.run(run(wrapped, args.requests)))
        request_log.install(True)
        figures["metrics + log line"].append(asyncio.run(run(wrapped, args.requests)))
    ceiling = statistics.median(figures["bare"])
    print(f"{args.requests} requests x {args.rounds} rounds, median round, µs per request")
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:20s} {median:7.2f} µs   (+{median - ceiling:5.2f} µs over bare)")


if __name__ == "__main__":
    main()
