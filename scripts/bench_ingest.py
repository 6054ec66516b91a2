"""Ingestion benchmark: how many orders per second Kanal stores, against a ceiling.

Prepares a database with the `kanal` CLI (migrations, store 123 with no practical rate
limit, a key for it), serves it with `kanal serve`, and POSTs N distinct orders (sharing
a pool of phones) exactly once each with wrk and scripts/bench/orders.lua. Then it serves
scripts/bench/ceiling_app.py (a bare Starlette endpoint that only parses the same bodies)
with the same uvicorn settings, loads it the same way, and prints Kanal's throughput as a
fraction of that ceiling. Throughput is 2xx responses over the time from the first request
sent to the last response received; latency percentiles are wrk's.

Other load on the machine moves both figures from one minute to the next, so the two are
measured in alternating rounds (Kanal on a fresh database, then the ceiling) and the
median round is the result: the one whose share of the ceiling is the median.

    .venv/bin/python scripts/bench_ingest.py [--orders 20000] [--phones 5000] [--connections 32]
        [--rounds 3] [--engine sqlite|postgres] [--database-url URL] [--workers 1] [--port 8099]

With --engine sqlite (the default) each round's database is a fresh SQLite file in a
temporary directory. With --engine postgres each round creates fresh databases on the server
--postgres-url names (and drops them after), and measures two more ceilings beside Kanal, on
databases of their own: PostgreSQL's own, the statements Kanal runs for a new order sent
straight with asyncpg over as many connections, no HTTP, one transaction of three statements
per order and then the same work as one statement (scripts/bench/raw_asyncpg.py); the median
round is then the median share of the three-statement ceiling. --database-url names an
empty, existing database instead (one round only, no asyncpg ceilings). Traffic only goes to 127.0.0.1. Exits
non-zero if an order is missing or any response was not 2xx. Needs wrk (installed with
apt-get when missing).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import phonenumbers
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import tables
from app.db.database import Database

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))
import raw_asyncpg  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA_SCRIPT = ROOT / "scripts" / "bench" / "orders.lua"
CEILING_APP = ROOT / "scripts" / "bench" / "ceiling_app.py"
STORE_ID = 123
WRK_MAX_SECONDS = 120
GOAL = 0.25
POSTGRES_GOAL = 0.5  # of the raw three-statement ceiling


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=20000)
    parser.add_argument("--phones", type=int, default=5000, help="distinct customer phones (at most 1000000)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database-url", help="default: fresh databases of --engine, one per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the median one is reported")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    if min(args.orders, args.connections, args.workers, args.rounds) < 1 or not 1 <= args.phones <= 1_000_000:
        parser.error("--orders, --connections, --workers and --rounds must be positive, --phones within 1..1000000")
    if args.database_url and args.rounds != 1:
        parser.error("--database-url names one empty database: use --rounds 1 with it")
    return args


# --- the orders -------------------------------------------------------------------------


def phone(index: int) -> str:
    """A valid French mobile number, distinct for each index below one million."""
    return f"+33612{index:06d}"


def money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def order_json(index: int, phones: int) -> str:
    """One order like tests/conftest.py's order_body, as a line of JSON."""
    customer = index % phones
    cents = 500 + index % 10000
    body = {
        "external_id": f"BENCH-{index + 1:06d}",
        "placed_at": f"2026-05-{1 + index % 28:02d}T{index % 24:02d}:{index % 60:02d}:00Z",
        "total_price": "@total",
        "currency": "EUR",
        "financial_status": "paid",
        "fulfillment_status": "unfulfilled",
        "customer": {
            "external_id": f"CUST-{customer + 1:06d}",
            "phone": phone(customer),
            "first_name": "Marie",
            "last_name": "Durand",
            "email": f"customer{customer + 1}@example.com",
            "locale": "fr",
            "tags": ["bench"],
            "lifetime_value": 1299,
            "orders_count": 7,
        },
        "line_items": [{"title": "T-shirt Bordeaux", "quantity": 2, "price": "@price"}],
        "tags": ["web"],
        "metadata": {"source": "bench"},
    }
    # Prices are JSON numbers with exactly two decimals, which json.dumps cannot write.
    text = json.dumps(body, separators=(",", ":"))
    return text.replace('"@total"', money(2 * cents)).replace('"@price"', money(cents))


def write_bodies(path: Path, orders: int, phones: int) -> Path:
    invalid = [phone(i) for i in range(phones) if not phonenumbers.is_valid_number(phonenumbers.parse(phone(i)))]
    if invalid:
        raise SystemExit(f"invalid generated phones, e.g. {invalid[0]}")
    path.write_text("".join(order_json(i, phones) + "\n" for i in range(orders)))
    return path


# --- processes --------------------------------------------------------------------------


def kanal(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "kanal"), *args], env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"kanal {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_database(env: dict[str, str]) -> str:
    """Migrate, create the store and return a fresh key for it."""
    kanal(env, "db", "upgrade")
    kanal(env, "stores", "create", "--id", str(STORE_ID), "--name", "Bench", "--region", "FR")
    kanal(env, "stores", "set-rate-limit", str(STORE_ID), "100000000")
    return kanal(env, "keys", "create", "--store", str(STORE_ID), "--name", "bench").strip().splitlines()[-1]


def healthz_status(port: int) -> int | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def stop(process: subprocess.Popen, timeout: float = 15) -> bool:
    """SIGTERM the process group started for `process` (uvicorn's workers included); SIGKILL
    after `timeout`. True if it ended on SIGTERM (or had already ended)."""
    if process.poll() is not None:
        return True
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
        return True
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


@contextlib.contextmanager
def serve(command: list[str], env: dict[str, str], port: int, log: Path) -> Iterator[None]:
    """Run a server on 127.0.0.1:port until the block ends; wait for GET /healthz = 200."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is already in use")
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 60
        while healthz_status(port) != 200:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{command[0]} did not become healthy:\n{tail(log)}")
            time.sleep(0.1)
        yield
    finally:
        stop(process)


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


# --- load -------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk") is None:
        subprocess.run("apt-get update -qq && apt-get install -y -qq wrk", shell=True, check=True)


def wrk_threads(connections: int, orders: int) -> int:
    """About one wrk thread per two CPUs, dividing the connections evenly."""
    threads = max(1, min(connections, orders, (os.cpu_count() or 2) // 2))
    while connections % threads:
        threads -= 1
    return threads


def run_wrk(port: int, key: str, bodies: Path, connections: int, orders: int) -> dict:
    """Send every body once; end wrk with SIGINT as soon as all its threads are done."""
    threads = wrk_threads(connections, orders)
    command = [
        "wrk", "-t", str(threads), "-c", str(connections), "-d", f"{WRK_MAX_SECONDS}s", "--timeout", "10s",
        "-s", str(LUA_SCRIPT), "-H", f"Authorization: Bearer {key}", "-H", "Content-Type: application/json",
        f"http://127.0.0.1:{port}/api/v1/stores/{STORE_ID}/orders",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_BODIES": str(bodies), "BENCH_THREADS": str(threads)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        lines, finished = [], 0
        for line in process.stdout:
            lines.append(line)
            finished += line.strip() == "thread-done"
            if finished == threads:
                break
        while process.poll() is None:
            process.send_signal(signal.SIGINT)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.2)
        lines += process.stdout.readlines()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return parse_wrk(lines)


def parse_wrk(lines: list[str]) -> dict:
    """Read the "BENCH <key> <values>" lines printed by orders.lua's done()."""
    statuses: dict[int, int] = {}
    samples: dict[int, str] = {}
    values: dict[str, int] = {}
    for line in lines:
        if not line.startswith("BENCH "):
            continue
        _, key, rest = line.rstrip("\n").split(" ", 2)
        if key == "status":
            status, count = rest.split()
            statuses[int(status)] = int(count)
        elif key == "sample":
            status, body = rest.split(" ", 1)
            samples[int(status)] = body
        else:
            values[key] = int(rest)
    ok = sum(count for status, count in statuses.items() if 200 <= status < 300)
    failed = sum(statuses.values()) - ok
    seconds = values.get("duration_us", 0) / 1e6
    rate = ok / seconds if seconds else 0.0
    return {**values, "statuses": statuses, "samples": samples, "ok": ok, "failed": failed, "rate": rate}


# --- checks and report ------------------------------------------------------------------


def count_rows(url: str) -> tuple[int, int]:
    """Orders and contacts of the bench store, read through the project's Database."""

    async def count() -> tuple[int, int]:
        db = Database(Settings.from_env(database_url=url))
        try:

            def work(conn):
                return tuple(
                    conn.scalar(select(func.count()).select_from(table).where(table.c.store_id == STORE_ID))
                    for table in (tables.orders, tables.contacts)
                )

            return await db.read(work)
        finally:
            await db.dispose()

    return asyncio.run(count())


def describe(name: str, result: dict, unit: str) -> str:
    line = (
        f"{name:8}: {result['rate']:.0f} {unit:8}   p50 {result.get('p50_us', 0) / 1000:.1f} ms"
        f"   p99 {result.get('p99_us', 0) / 1000:.1f} ms   non-2xx {result['failed']}"
    )
    if result.get("socket_errors"):
        line += f"   socket errors {result['socket_errors']}"
    for status, body in sorted(result["samples"].items()):
        line += f"\n          {result['statuses'][status]} x {status}, e.g. {body}"
    return line


def complete(result: dict, orders: int) -> bool:
    return result["ok"] == orders and result["failed"] == 0 and not result.get("socket_errors")


@dataclass
class Round:
    ours: dict
    ceiling: dict
    rows: tuple[int, int]
    log: Path
    raw_three: dict | None = None  # PostgreSQL's own ceilings (raw_asyncpg.py), or None
    raw_one: dict | None = None

    @property
    def share(self) -> float:
        """Of the ceiling the goal names: the raw three statements on PostgreSQL, else the
        bare endpoint."""
        ceiling = self.raw_three if self.raw_three is not None else self.ceiling
        return self.ours["rate"] / ceiling["rate"] if ceiling["rate"] else 0.0


def share(ours: dict, ceiling: dict) -> str:
    return f"{ours['rate'] / ceiling['rate']:.1%}" if ceiling["rate"] else "-"


def report(args: argparse.Namespace, url: str, rounds: list[Round]) -> bool:
    print(
        f"engine {make_url(url).get_backend_name()}, workers {args.workers}, {args.orders} orders, "
        f"{args.phones} phones, {args.connections} connections, {len(rounds)} round(s)"
    )
    for number, one in enumerate(rounds, 1):
        kanal, ceiling = one.ours["rate"], one.ceiling["rate"]
        line = f"round {number}: kanal {kanal:.0f} orders/s, ceiling {ceiling:.0f} req/s, "
        line += share(one.ours, one.ceiling)
        if one.raw_three is not None and one.raw_one is not None:
            line += (
                f"; asyncpg three statements {one.raw_three['rate']:.0f} orders/s, {share(one.ours, one.raw_three)}"
                f"; one statement {one.raw_one['rate']:.0f} orders/s, {share(one.ours, one.raw_one)}"
            )
        print(line)
    median = sorted(rounds, key=lambda one: one.share)[len(rounds) // 2]
    print(describe("kanal", median.ours, "orders/s"))
    print(describe("ceiling", median.ceiling, "req/s"))
    print(f"kanal / ceiling: {share(median.ours, median.ceiling)}   (goal on SQLite >= {GOAL:.0%}; the median round)")
    if median.raw_three is not None and median.raw_one is not None:
        print(describe("asyncpg3", median.raw_three, "orders/s"))
        print(describe("asyncpg1", median.raw_one, "orders/s"))
        print(
            f"kanal / asyncpg three statements: {share(median.ours, median.raw_three)}   (goal >= {POSTGRES_GOAL:.0%})"
            f";  kanal / asyncpg one statement: {share(median.ours, median.raw_one)}"
        )
    expected = (args.orders, min(args.orders, args.phones))
    passed = True
    for one in rounds:
        if not complete(one.ours, args.orders):
            print(f"\nkanal server log (last lines):\n{tail(one.log)}")
        if not (complete(one.ours, args.orders) and complete(one.ceiling, args.orders) and one.rows == expected):
            passed = False
    print(f"rows per round: {', '.join(f'orders {one.rows[0]}, contacts {one.rows[1]}' for one in rounds)}")
    if not passed:
        print(f"FAILED: expected {args.orders} responses, all 2xx, and rows {expected}", file=sys.stderr)
    return passed


def run_round(args: argparse.Namespace, work: Path, url: str, bodies: Path) -> Round:
    """Kanal on a fresh database, then the ceiling, with the same load."""
    env = {**os.environ, "DATABASE_URL": url}
    key = prepare_database(env)
    load = (args.port, key, bodies, args.connections, args.orders)
    server = ["--host", "127.0.0.1", "--port", str(args.port), "--workers", str(args.workers)]
    with serve([str(BIN / "kanal"), "serve", *server], env, args.port, work / "kanal.log"):
        ours = run_wrk(*load)
    rows = count_rows(url)
    with serve([str(BIN / "python"), str(CEILING_APP), *server], dict(os.environ), args.port, work / "ceiling.log"):
        ceiling = run_wrk(*load)
    return Round(ours, ceiling, rows, work / "kanal.log")


def run_postgres_round(args: argparse.Namespace, work: Path, bodies: Path, prepared: list) -> Round:
    """run_round on a fresh database, then PostgreSQL's own two ceilings, each on a fresh
    database too (the same rows to conflict with: none)."""
    with postgres_database(args.postgres_url) as url:
        one = run_round(args, work, url, bodies)
    for name in ("raw_three", "raw_one"):
        with postgres_database(args.postgres_url) as url:
            prepare_database({**os.environ, "DATABASE_URL": url})
            measure = raw_asyncpg.three_statements if name == "raw_three" else raw_asyncpg.one_statement
            setattr(one, name, measure(dsn(url), prepared, args.connections))
            if count_rows(url) != (args.orders, min(args.orders, args.phones)):
                raise SystemExit(f"{name}: rows {count_rows(url)} after the run")
    return one


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the server of `server_url`, dropped after the block."""
    name = f"kanal_bench_{uuid.uuid4().hex[:12]}"

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(dsn(server_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def main() -> int:
    args = parse_args()
    ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="kanal-bench-") as tmp:
        bodies = write_bodies(Path(tmp) / "bodies.jsonl", args.orders, args.phones)
        rounds = []
        postgres = args.engine == "postgres" and not args.database_url
        prepared = raw_asyncpg.prepare(bodies, STORE_ID, "FR") if postgres else []
        url = args.postgres_url
        for number in range(1, args.rounds + 1):
            work = Path(tmp) / f"round-{number}"
            work.mkdir()
            if postgres:
                rounds.append(run_postgres_round(args, work, bodies, prepared))
                continue
            url = args.database_url or f"sqlite+aiosqlite:///{work / 'kanal.db'}"
            rounds.append(run_round(args, work, url, bodies))
        return 0 if report(args, url, rounds) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every server is stopped
    sys.exit(main())
