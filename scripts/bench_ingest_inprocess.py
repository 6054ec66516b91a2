"""What one order costs Kanal's app, in-process: N order POSTs to the ASGI app, no server.

The same orders as scripts/bench_ingest.py (its bodies, store and key), sent to the app built
by `create_app` the way uvicorn calls it (an HTTP scope with the request's headers, one
`http.request` message with the whole body), `--concurrency` requests in flight at once on
uvloop as wrk's connections keep them, each answered 201. What the HTTP server costs is left
out: it is the same for Kanal and for the ceiling app.

Made to be counted rather than timed: under valgrind the instructions per order are the same
whatever else the machine runs, so two builds compare at a glance (the request log goes to
/dev/null, as the bench's server writes it to a file). `--skip` warm-up orders of other
customers go first (imports, first compilations); the measured orders are framed by two calls
of `os.getppid`, so that callgrind writes them in a part of their own (`….2`):

    valgrind --tool=callgrind --dump-before=os_getppid .venv/bin/python \
        scripts/bench_ingest_inprocess.py --orders 2000 --skip 500
    callgrind_annotate callgrind.out.<pid>.2 | head   # instructions of the 2,000 orders

With `--profile N` the measured orders are profiled with cProfile (N lines, by own time).
Prints the CPU time per order in any case.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import STORE_ID, order_json  # noqa: E402

from app.config import Settings  # noqa: E402
from app.db.migrate import upgrade  # noqa: E402
from app.main import create_app  # noqa: E402
from app.observability import request_log  # noqa: E402
from app.services import keys, stores  # noqa: E402

PATH = f"/api/v1/stores/{STORE_ID}/orders"


def scope(key: str, length: int) -> dict:
    """An HTTP scope as uvicorn's httptools protocol builds it for wrk's POST."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8099),
        "client": ("127.0.0.1", 40000),
        "scheme": "http",
        "method": "POST",
        "root_path": "",
        "path": PATH,
        "raw_path": PATH.encode(),
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8099"),
            (b"authorization", f"Bearer {key}".encode()),
            (b"content-type", b"application/json"),
            (b"content-length", str(length).encode()),
        ],
        "state": {},
    }


async def post(app, key: str, body: bytes) -> int:
    status = 0

    async def receive() -> dict:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(key, len(body)), receive, send)
    return status


async def lifespan(app, event: str) -> None:
    """Send `lifespan.<event>` the way uvicorn does and wait for its answer."""
    sent = False
    answered = asyncio.Event()

    async def receive() -> dict:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": f"lifespan.{event}"}
        await asyncio.Event().wait()  # never: the app stays in its lifespan
        return {}

    async def send(message: dict) -> None:
        answered.set()

    task = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send))
    await answered.wait()
    if event == "shutdown":
        await task


async def send_all(app, key: str, bodies: list[bytes], concurrency: int) -> None:
    pending = iter(bodies)

    async def connection() -> None:
        for body in pending:
            status = await post(app, key, body)
            if status != 201:
                raise SystemExit(f"answered {status}")

    await asyncio.gather(*(connection() for _ in range(concurrency)))


async def main(args: argparse.Namespace, url: str) -> None:
    settings = Settings.from_env(database_url=url)
    app = create_app(settings)
    db = app.state.db
    await stores.create_store(db, STORE_ID, "Bench", "FR")
    await stores.set_rate_limit(db, STORE_ID, 100_000_000)
    key, _ = await keys.create_key(db, store_id=STORE_ID)
    bodies = [order_json(i, args.phones).encode() for i in range(args.orders)]
    # Warm-up orders of other customers: the measured ones meet their phones as bench_ingest.py's do.
    warm_up = [
        order_json(i, args.phones).replace("BENCH-", "WARM-").replace("+33612", "+33613").replace("@", "@w.").encode()
        for i in range(args.skip)
    ]
    request_log.write_to(open(os.devnull, "w"))  # noqa: SIM115 - for the whole run
    # The app's lifespan is not entered (what its in-process worker does between requests is
    # not what one request costs), but its collector settings are taken.
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    await send_all(app, key, warm_up, args.concurrency)
    os.getppid()  # the marker: callgrind --dump-before=os_getppid
    profile = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profile:
        profile.enable()
    await send_all(app, key, bodies, args.concurrency)
    if profile:
        profile.disable()
    cpu = time.process_time() - started
    os.getppid()
    measured = args.orders
    print(f"{measured} orders, {cpu / measured * 1e6:.0f} µs of CPU per order")
    if profile:
        profile.dump_stats("/tmp/ingest.prof") if os.environ.get("DUMP") else None
        pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime")).print_stats(args.profile)
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--skip", type=int, default=500, help="orders of other customers sent before the measured ones")
    parser.add_argument("--phones", type=int, help="default: a quarter of --orders, as bench_ingest.py")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--profile", type=int, default=0, help="print this many cProfile lines")
    args = parser.parse_args()
    args.phones = args.phones or max(1, args.orders // 4)
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(database_url)
        uvloop.run(main(args, database_url))
