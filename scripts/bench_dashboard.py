"""Dashboard read benchmark: storeTimeseries, topProducts and storeStats over a large store, on
SQLite or PostgreSQL, against a ceiling (issue 16; README, "Benchmarks").

1. Builds a fresh database (SQLite in a temporary directory, or a new database on the
   PostgreSQL server of --postgres-url, dropped after) with the `kanal` CLI (migrations, store
   123 region FR, so Europe/Paris, a key), then bulk-loads it with SQLAlchemy Core executemany:
   the orders, contacts and carts of scripts/bench_graphql.py (N orders, default 1,000,000,
   placed over the year before 2026-05-01, one to four line items of 30 products, mostly EUR),
   no shipments. The order summaries the schema has are then filled as migrations 0014 and
   0022 fill them (`app.db.summaries.rebuild`), and the tables analysed.
2. Serves it with `kanal serve` and, on the next port, scripts/bench/graphql_ceiling_app.py
   (Strawberry answering the orders page from 50 objects in memory), and times over HTTP:
   `storeTimeseries` of the last 90 local days by DAY, `topProducts` of the last 30 local days
   (both from and to at local midnight, as /dashboard asks), `storeStats` of those 30 days and
   of the whole year cut off the hour at both ends (a second after the first order's hour, a
   minute and a half past the last one's), Kanal's first orders page, and the ceiling.
   Sequential requests in rounds of one per query, shuffled; warm-up rounds first. Each answer
   is checked (HTTP 200, no GraphQL error, 90 buckets, 10 products, orders counted).
3. Prints p50/p99 per query, the load averages, and the goals (<= 100 ms p50 each).

    .venv/bin/python scripts/bench_dashboard.py [--engine sqlite|postgres] [--orders 1000000]
        [--runs 100] [--warmup 10] [--port 8096] [--app-root DIR]

--app-root DIR serves (and migrates with) the `app` package of another checkout, e.g. main
before the summaries, on the same data: the before figures (the summaries that checkout has no
table for are then not filled). Traffic only goes to 127.0.0.1; every server started is
stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine

from app.db import summaries, tables
from app.db.types import dumps, loads

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_graphql import (  # noqa: E402
    END,
    ORDERS_QUERY,
    PAGE,
    START,
    Case,
    cart_row,
    contact_of_each_order,
    contact_rows,
    insert_batches,
    order_row,
    percentile,
    placed_times,
    server_command,
    time_cases,
)
from bench_ingest import postgres_database, prepare_database, serve  # noqa: E402

PARIS = ZoneInfo("Europe/Paris")
SERIES_DAYS = 90
TOP_DAYS = 30
GOAL_MS = 100
SERIES_QUERY = """query($from: DateTime!, $to: DateTime!) {
  storeTimeseries(storeId: 123, from: $from, to: $to, interval: DAY) {
    start orderCount revenue { currency amount orders average } cartsAbandoned cartsRecovered } }"""
TOP_QUERY = """query($from: DateTime!, $to: DateTime!) {
  topProducts(storeId: 123, from: $from, to: $to, first: 10) {
    sku title quantity orders revenue { currency amount orders average } } }"""
STATS_QUERY = """query($from: DateTime!, $to: DateTime!) { storeStats(storeId: 123, from: $from, to: $to) {
  orderCount revenue { currency amount orders average } byFinancialStatus { status count }
  byFulfillmentStatus { status count } cartsAbandoned cartsRecovered recoveryRate } }"""
# The year cut off the hour at both ends: whole hours from the summaries, the edges from the orders.
YEAR_CUT = {"from": (START + timedelta(seconds=1)).isoformat(), "to": (END - timedelta(seconds=90)).isoformat()}


def local_midnight(days_before_end: int) -> str:
    """Local midnight in Paris, `days_before_end` days before END's local day."""
    day = END.astimezone(PARIS).date() - timedelta(days=days_before_end)
    return datetime(day.year, day.month, day.day, tzinfo=PARIS).isoformat()


def load(url: str, args: argparse.Namespace) -> dict[str, Any]:
    """Contacts, orders and carts by executemany, one transaction per table; the summaries as
    migration 0014 fills them (when the schema has them); ANALYZE. Seconds per step."""
    rng = random.Random(20260501)
    owners = contact_of_each_order(rng, args.orders, args.contacts)

    def work(conn: Any) -> dict[str, Any]:
        timings: dict[str, Any] = {}
        started = time.perf_counter()
        insert_batches(conn, tables.contacts, contact_rows(owners, args.contacts))
        orders = (order_row(rng, index, at, owners[index]) for index, at in enumerate(placed_times(rng, len(owners))))
        insert_batches(conn, tables.orders, orders)
        insert_batches(conn, tables.carts, (cart_row(rng, i, args.contacts) for i in range(args.carts)))
        timings["rows"] = time.perf_counter() - started
        present = [table for table in summaries.SUMMARIES if inspect(conn).has_table(table.name)]
        if present:
            started = time.perf_counter()
            summaries.rebuild(conn, present)
            timings["summaries"] = time.perf_counter() - started
        return timings

    async def main() -> dict[str, Any]:
        engine = create_async_engine(url, json_serializer=dumps, json_deserializer=loads)
        try:
            async with engine.begin() as conn:
                timings = await conn.run_sync(work)
            async with engine.connect() as conn:
                await conn.exec_driver_sql("ANALYZE")
                await conn.commit()
            return timings
        finally:
            await engine.dispose()

    return asyncio.run(main())


def check(case: Case, status: int, text: str) -> None:
    if status != 200:
        raise SystemExit(f"{case.name}: HTTP {status}: {text[:500]}")
    body = json.loads(text)
    if body.get("errors") or not body.get("data"):
        raise SystemExit(f"{case.name}: GraphQL errors: {json.dumps(body.get('errors'))[:500]}")
    data = body["data"]
    if "storeTimeseries" in data and len(data["storeTimeseries"]) != SERIES_DAYS:
        raise SystemExit(f"{case.name}: {len(data['storeTimeseries'])} buckets")
    if "topProducts" in data and len(data["topProducts"]) != 10:
        raise SystemExit(f"{case.name}: {len(data['topProducts'])} products")
    if "storeStats" in data and not data["storeStats"]["orderCount"]:
        raise SystemExit(f"{case.name}: no order counted")


def _answer(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.text


def run(args: argparse.Namespace, work: Path, url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url}
    if args.app_root:
        env["PYTHONPATH"] = str(Path(args.app_root).resolve())
    started = time.perf_counter()
    key = prepare_database(env)
    timings = load(url, args)
    print(f"{args.engine}: {args.orders:,} orders loaded in {time.perf_counter() - started:.0f} s {timings}")
    cases = [
        Case(
            f"storeTimeseries {SERIES_DAYS} days by DAY",
            SERIES_QUERY,
            {"from": local_midnight(SERIES_DAYS), "to": local_midnight(0)},
        ),
        Case(f"topProducts {TOP_DAYS} days", TOP_QUERY, {"from": local_midnight(TOP_DAYS), "to": local_midnight(0)}),
        Case(f"storeStats {TOP_DAYS} days", STATS_QUERY, {"from": local_midnight(TOP_DAYS), "to": local_midnight(0)}),
        Case("storeStats a year, cut", STATS_QUERY, YEAR_CUT),
        Case("orders page 1", ORDERS_QUERY, {"first": PAGE, "after": None}),
    ]
    ceiling = Case("ceiling: page 1 from memory", ORDERS_QUERY, {"first": PAGE, "after": None}, server="ceiling")
    ports = {"kanal": args.port, "ceiling": args.port + 1}
    with (
        serve(server_command("kanal", ports), env, ports["kanal"], work / "kanal.log"),
        serve(server_command("ceiling", ports), dict(os.environ), ports["ceiling"], work / "ceiling.log"),
    ):
        headers = {"Content-Type": "application/json"}
        clients = {
            "kanal": httpx.Client(
                base_url=f"http://127.0.0.1:{ports['kanal']}", headers={**headers, "Authorization": f"Bearer {key}"}
            ),
            "ceiling": httpx.Client(base_url=f"http://127.0.0.1:{ports['ceiling']}", headers=headers),
        }
        try:
            for case in cases:  # the answers' shapes, once; then timed as bench_graphql.py times
                check(case, *_answer(clients[case.server].post("/graphql", content=case.body())))
            time_cases(clients, [*cases, ceiling], args.runs, args.warmup)
        finally:
            for client in clients.values():
                client.close()
    print(f"\n{args.runs} timed runs per query after {args.warmup} warm-up runs; load averages {os.getloadavg()}")
    for case in [*cases, ceiling]:
        p50, p99 = percentile(case.timings_ms, 0.5), percentile(case.timings_ms, 0.99)
        print(f"  {case.name:<32} p50 {p50:8.1f} ms   p99 {p99:8.1f} ms")
    print("\ngoals")
    for case in [case for case in cases if case.name.startswith(("storeTimeseries", "topProducts"))]:
        p50 = percentile(case.timings_ms, 0.5)
        print(f"  {'PASS' if p50 <= GOAL_MS else 'MISS'}  {case.name} p50 at most {GOAL_MS} ms: {p50:.1f} ms")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--carts", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--port", type=int, default=8096, help="Kanal; the ceiling gets the next port")
    parser.add_argument("--app-root", help="serve the app package of this checkout instead (before figures)")
    args = parser.parse_args()
    if args.orders < 2 * PAGE or not 1 <= args.contacts <= 1_000_000 or args.runs < 1:
        parser.error(f"--orders >= {2 * PAGE}, --contacts within 1..1000000, --runs >= 1")
    return args


def main() -> int:
    args = parse_args()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-dashboard-") as tmp:
        if args.engine == "sqlite":
            run(args, Path(tmp), f"sqlite+aiosqlite:///{Path(tmp) / 'kanal.db'}")
        else:
            with postgres_database(args.postgres_url) as url:
                run(args, Path(tmp), url)
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every server is stopped
    sys.exit(main())
