"""Bulk ingestion benchmark: the batch endpoint's orders/s against single requests'.

Both measured in the same run on the same server, on SQLite and on PostgreSQL; then
`kanal import` of generated orders (100,000 by default), whose rate it prints beside the
batch endpoint's.

For each engine: a fresh database prepared with the `kanal` CLI (store 123 with no practical
rate limit, a key), served by `kanal serve`. Then --rounds rounds on that server, each of N
orders POSTed one request each with wrk (scripts/bench/orders.lua, as scripts/bench_ingest.py
does: the single-request ceiling a shop's client can reach) and N other orders POSTed to
/orders/batch in batches of 1,000 over a few connections; the two ways alternate which goes
first from one round to the next, so that a machine getting busier or quieter during the run
weighs on both alike. Each figure is orders answered 2xx (201) over the time from the first
request sent to the last answer; the ratio reported is the median round's. Then the first
round's batches again, every item a replay (200, nothing written). Then `kanal import` of the
import file into another fresh database of the engine, in-process (no server), its own printed
rate read back. Goal: the batch endpoint at least 4x the single requests on each engine.

    .venv/bin/python scripts/bench_bulk.py [--orders 20000] [--rounds 3] [--import-orders 100000]
        [--connections 32] [--batch-connections 2] [--engines sqlite,postgres] [--port 8098]

Traffic only goes to 127.0.0.1. Exits non-zero when an order is missing or an answer was not 2xx.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_ingest as ingest  # noqa: E402

GOAL = 4.0
BATCH = 1000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20000, help="orders per way (single, batch) and round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both ways, alternating which goes first")
    parser.add_argument("--import-orders", type=int, default=100000)
    parser.add_argument("--phones", type=int, default=5000)
    parser.add_argument("--connections", type=int, default=32, help="wrk connections for the single requests")
    parser.add_argument("--batch-connections", type=int, default=2, help="batches in flight at once")
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=8098)
    return parser.parse_args()


@contextlib.contextmanager
def database(engine: str, tmp: Path, name: str, postgres_url: str) -> Iterator[str]:
    if engine == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / name}.db"
    else:
        with ingest.postgres_database(postgres_url) as url:
            yield url


async def post_batches(
    port: int, key: str, lines: list[str], connections: int, expected: int = 201
) -> tuple[float, int, int]:
    """Every line once, in batches of 1,000, `connections` batches in flight; (seconds, orders
    answered `expected` (201: created; 200: a replay), other answers)."""
    url = f"http://127.0.0.1:{port}/api/v1/stores/{ingest.STORE_ID}/orders/batch"
    bodies = [('{"items":[' + ",".join(lines[i : i + BATCH]) + "]}").encode() for i in range(0, len(lines), BATCH)]
    queue = iter(bodies)
    created = failed = 0
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    async with httpx.AsyncClient(headers=headers, timeout=300) as client:

        async def sender() -> None:
            nonlocal created, failed
            for body in queue:
                response = await client.post(url, content=body)
                if response.status_code != 200:
                    failed += body.count(b'"external_id"')  # every order of the batch
                    continue
                for result in response.json()["results"]:
                    created += result["status"] == expected
                    failed += result["status"] != expected

        began = time.perf_counter()
        await asyncio.gather(*(sender() for _ in range(connections)))
        return time.perf_counter() - began, created, failed


def run_import(url: str, source: Path) -> tuple[float, str]:
    env = {**os.environ, "DATABASE_URL": url}
    ingest.prepare_database(env)
    done = subprocess.run(
        [str(ingest.BIN / "kanal"), "import", str(source), "--store", str(ingest.STORE_ID), "--resource", "orders"],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"kanal import failed:\n{done.stdout}{done.stderr[-2000:]}")
    summary = done.stdout.strip().splitlines()[0]
    rate = re.search(r"\(([\d,.]+) records/s\)", summary)
    assert rate is not None, summary
    return float(rate.group(1).replace(",", "")), summary


@dataclass
class Round:
    """One round's two ways: wrk's result of the single requests, and the batches' (seconds,
    orders created, others)."""

    single: dict
    batch: tuple[float, int, int]
    batches_first: bool

    @property
    def batch_rate(self) -> float:
        seconds, created, _failed = self.batch
        return created / seconds if seconds else 0.0

    @property
    def ratio(self) -> float:
        return self.batch_rate / self.single["rate"] if self.single["rate"] else 0.0


def one_round(port: int, key: str, args: argparse.Namespace, work: Path, number: int) -> Round:
    """Round `number` (from 0): N single requests and N batched orders, none sent before;
    batches first in odd rounds."""
    single_file = work / f"single-{number}.jsonl"
    single_file.write_text("".join(line + "\n" for line in order_lines(2 * number * args.orders, args)))
    batch_lines = batch_orders(args, number)

    def single() -> dict:
        return ingest.run_wrk(port, key, single_file, args.connections, args.orders)

    def batch() -> tuple[float, int, int]:
        return asyncio.run(post_batches(port, key, batch_lines, args.batch_connections))

    if number % 2:
        batched = batch()
        return Round(single(), batched, batches_first=True)
    singles = single()
    return Round(singles, batch(), batches_first=False)


def order_lines(first: int, args: argparse.Namespace, count: int | None = None) -> list[str]:
    """`count` (default --orders) generated orders from index `first` on, as JSON lines: each
    round's single and batched orders take indexes no other way or round takes."""
    return [ingest.order_json(first + i, args.phones) for i in range(args.orders if count is None else count)]


def batch_orders(args: argparse.Namespace, number: int) -> list[str]:
    """Round `number`'s batched orders, as JSON lines."""
    return order_lines((2 * number + 1) * args.orders, args)


def bench_engine(engine: str, args: argparse.Namespace, tmp: Path) -> bool:
    print(f"\n== {engine}")
    with database(engine, tmp, "endpoints", args.postgres_url) as url:
        env = {**os.environ, "DATABASE_URL": url}
        key = ingest.prepare_database(env)
        command = [str(ingest.BIN / "kanal"), "serve", "--port", str(args.port)]
        with ingest.serve(command, env, args.port, tmp / f"{engine}.log"):
            rounds = [one_round(args.port, key, args, tmp, number) for number in range(args.rounds)]
            # The first round's batches again, as a shop retrying an import does: every item a replay.
            again = asyncio.run(post_batches(args.port, key, batch_orders(args, 0), args.batch_connections, 200))
        orders, _contacts = ingest.count_rows(url)
    for number, one in enumerate(rounds, 1):
        first = "batches first" if one.batches_first else "single first"
        print(
            f"round {number} ({first}): single {one.single['rate']:,.0f} orders/s, "
            f"batch {one.batch_rate:,.0f} orders/s, {one.ratio:.1f}x"
        )
    median = sorted(rounds, key=lambda one: one.ratio)[len(rounds) // 2]
    print(
        f"single requests : {median.single['rate']:8,.0f} orders/s   "
        f"(wrk, {args.connections} connections, the median round)"
    )
    print(
        f"batch endpoint  : {median.batch_rate:8,.0f} orders/s   "
        f"(batches of {BATCH:,}, {args.batch_connections} in flight, the same round)"
    )
    met = "met" if median.ratio >= GOAL else "NOT met"
    print(f"batch / single  : {median.ratio:8.1f}x   goal >= {GOAL:.0f}x: {met}")
    replay_rate = again[1] / again[0] if again[0] else 0.0
    print(
        f"batch, replayed : {replay_rate:8,.0f} orders/s   "
        f"(the first round's batches again, each item 200 and nothing written; other answers {again[2]})"
    )
    complete = (
        all(one.single["ok"] == one.batch[1] == args.orders for one in rounds)
        and again[1] == args.orders
        and orders == 2 * args.orders * args.rounds
    )
    if not complete:
        refused = sum(one.batch[2] + one.single["failed"] for one in rounds)
        print(f"MISSING: {orders} orders stored of {2 * args.orders * args.rounds} ({refused} not 2xx)")
    with database(engine, tmp, "import", args.postgres_url) as url:
        rate, summary = run_import(url, tmp / "import.jsonl")
    print(f"kanal import    : {rate:8,.0f} orders/s   ({summary})")
    print(f"                  beside the median round's batch endpoint, {median.batch_rate:,.0f} orders/s")
    return complete


def main() -> int:
    args = parse_args()
    ingest.ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="kanal-bulk-") as directory:
        tmp = Path(directory)
        (tmp / "import.jsonl").write_text("".join(line + "\n" for line in order_lines(0, args, args.import_orders)))
        ok = all([bench_engine(engine, args, tmp) for engine in args.engines.split(",")])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
