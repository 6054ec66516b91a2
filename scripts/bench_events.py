"""Webhook delivery benchmark: events delivered per second to a local receiver, per worker count.

For each worker count K of --workers-list, on a fresh database: migrates it and creates
store 123 with the `kanal` CLI, starts scripts/bench/events_receiver.py (uvicorn, 204, checks
every Kanal-Signature) on 127.0.0.1, subscribes it with `kanal webhooks add`, bulk-inserts N
undispatched order.created events straight into the `events` table (SQLAlchemy Core: delivery
is measured apart from ingestion), then starts K `kanal worker --interval 0.2` processes and
times them from their start until the receiver has seen all N event ids. Then it stops the
workers (SIGTERM) and checks: N deliveries, all 'delivered', each event id received exactly
once, no bad signature.

Seconds run from starting the workers (their start-up included) to the receiver's first sight
of the last new event id (its clock is CLOCK_MONOTONIC too). Also printed: the rate from
first to last delivery, and the CPU seconds of the workers, the receiver, the PostgreSQL
server and everything else on the machine over the run: on a small machine other load skews
the figures, and "everything else" shows how much there was. From those, the machine's
ceiling: the events/s its CPUs could deliver at the run's CPU seconds per event (workers,
receiver and PostgreSQL together, every core busy); for K workers, printed over one worker's
rate, it is the most K workers can gain on this machine, whatever the worker does.

    .venv/bin/python scripts/bench_events.py [--events 20000] [--workers-list 1,2]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/postgres]
        [--timeout 300] [--ceiling-seconds 5] [--py-spy DIR] [--rounds 1]

The ceiling: the same receiver, before the workers start and again after they stop, takes
POSTs of one signed event body (the shape the worker sends) from wrk over 16 connections for
--ceiling-seconds; its requests/s is printed beside the workers' events/s, with their share.
The receiver forgets the ceiling's requests (POST /reset) before the workers start.

Without --database-url each run gets a fresh SQLite file in a temporary directory. A
PostgreSQL URL names a server: each run creates a scratch database on it and drops it after.
--rounds N runs the whole --workers-list N times, alternating, and prints the median share and
ratio beside each round's (a single run moves with the machine's other load).
--py-spy DIR records each run's first worker with py-spy (raw format, to DIR; the profiled
worker runs slower). Traffic only goes to 127.0.0.1. Exits non-zero if any check fails.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import tables
from app.db.database import Database

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import BIN, ROOT, ensure_wrk, stop, tail  # noqa: E402

from app.automations.signing import HEADER, sign  # noqa: E402

RECEIVER = ROOT / "scripts" / "bench" / "events_receiver.py"
STORE_ID = 123
WORKER_INTERVAL = "0.2"
POLL_SECONDS = 0.2
INSERT_CHUNK = 2000
WRK_CONNECTIONS = 16
GOAL = 0.10  # one worker: at least a tenth of what the receiver takes from wrk (issue 12)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--database-url", help="a PostgreSQL server URL (default: a fresh SQLite file per run)")
    parser.add_argument("--workers-list", default="1,2", help="worker counts to measure, e.g. 1,2")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds allowed for one run's deliveries")
    parser.add_argument("--ceiling-seconds", type=float, default=5.0, help="length of each wrk ceiling round")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="profile each run's first worker into DIR")
    parser.add_argument("--rounds", type=int, default=1, help="times to run the whole --workers-list, alternating")
    args = parser.parse_args()
    try:
        args.workers = [int(part) for part in args.workers_list.split(",") if part.strip()]
    except ValueError:
        parser.error("--workers-list must be comma-separated integers, e.g. 1,2")
    if args.events < 1 or not args.workers or min(args.workers) < 1 or args.timeout <= 0 or args.rounds < 1:
        parser.error("--events, --timeout, --rounds and every worker count must be positive")
    if args.database_url and make_url(args.database_url).get_backend_name() != "postgresql":
        parser.error("--database-url must be a PostgreSQL server URL (omit it for SQLite)")
    return args


# --- databases ------------------------------------------------------------------------


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _admin(server_url: str, sql: str) -> None:
    async def run() -> None:
        conn = await asyncpg.connect(_dsn(server_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(run())


@contextlib.contextmanager
def fresh_database(server_url: str | None, work: Path) -> Iterator[str]:
    """A SQLite file in `work`, or a scratch database on the PostgreSQL server (dropped after)."""
    if server_url is None:
        yield f"sqlite+aiosqlite:///{work / 'kanal.db'}"
        return
    name = f"kanal_bench_{uuid.uuid4().hex[:12]}"
    _admin(server_url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def kanal(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([str(BIN / "kanal"), *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    if result.returncode != 0:
        raise SystemExit(f"kanal {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def event_rows(count: int) -> list[dict]:
    """Undispatched order.created events as Outbox.emit writes them, one order each."""
    now = datetime.now(UTC)
    rows = []
    for i in range(1, count + 1):
        cents = 500 + i % 10000
        rows.append(
            {
                "event_id": str(uuid.uuid4()),
                "store_id": STORE_ID,
                "type": "order.created",
                "subject_type": "order",
                "subject_id": i,
                "contact_id": None,
                "data": {
                    "subject": {"type": "order", "id": i, "external_id": f"BENCH-{i:06d}"},
                    "contact": {
                        "id": 1 + i % 5000,
                        "phone": f"+33612{i % 5000:06d}",
                        "phone_type": "mobile",
                        "first_name": "Marie",
                        "last_name": "Durand",
                        "locale": "fr",
                    },
                    "before": None,
                    "after": {
                        "external_id": f"BENCH-{i:06d}",
                        "placed_at": f"2026-05-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:00+00:00",
                        "total_price": f"{2 * cents // 100}.{2 * cents % 100:02d}",
                        "currency": "EUR",
                        "financial_status": "paid",
                        "fulfillment_status": "unfulfilled",
                    },
                },
                "backfill": False,
                "created_at": now,
                "dispatched_at": None,
            }
        )
    return rows


def insert_events(url: str, rows: list[dict]) -> None:
    def work(conn, chunk: list[dict]) -> None:
        conn.execute(insert(tables.events), chunk)

    async def run() -> None:
        db = Database(Settings.from_env(database_url=url))
        try:
            for start in range(0, len(rows), INSERT_CHUNK):
                await db.write(work, rows[start : start + INSERT_CHUNK])
        finally:
            await db.dispose()

    asyncio.run(run())


def database_state(url: str) -> dict:
    """Deliveries by status, deliveries in all, and events still undispatched."""

    def work(conn) -> dict:
        d, e = tables.deliveries, tables.events
        statuses = dict(conn.execute(select(d.c.status, func.count()).group_by(d.c.status)).all())
        return {
            "statuses": statuses,
            "deliveries": sum(statuses.values()),
            "undispatched": conn.scalar(select(func.count()).select_from(e).where(e.c.dispatched_at.is_(None))),
            "max_attempts": conn.scalar(select(func.max(d.c.attempts))),
        }

    async def run() -> dict:
        db = Database(Settings.from_env(database_url=url))
        try:
            return await db.read(work)
        finally:
            await db.dispose()

    return asyncio.run(run())


# --- processes ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    with log.open("w") as output:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


def let_finish(process: subprocess.Popen, target: subprocess.Popen, timeout: float = 60) -> None:
    """Stop `target`, give `process` (py-spy, which ends with its target) time to finish."""
    stop(target)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=timeout)
    stop(process)


def wait_for_line(log: Path, text: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            return
        time.sleep(0.02)


def get_json(port: int, path: str) -> dict | None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return json.loads(response.read()) if response.status == 200 else None
    except OSError:
        return None
    finally:
        connection.close()


def post(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path)
        connection.getresponse().read()
    finally:
        connection.close()


def wrk_ceiling(port: int, secret: str, work: Path, seconds: float) -> float | None:
    """Requests/s the receiver takes from wrk: POSTs of one signed event body over 16
    connections for `seconds` (keep-alive). None if wrk failed or saw a non-2xx answer."""
    row = event_rows(1)[0]
    payload = {key: row[key] for key in ("event_id", "type", "store_id", "data")}
    body = json.dumps(
        {
            "id": payload["event_id"],
            "type": payload["type"],
            "store_id": payload["store_id"],
            "created_at": row["created_at"].isoformat(),
            "data": payload["data"],
        },
        separators=(",", ":"),
    ).encode()
    (work / "ceiling-body.json").write_bytes(body)
    headers = {
        "Content-Type": "application/json",
        HEADER: sign(secret, body),
        "Kanal-Event-Id": payload["event_id"],
        "Kanal-Event-Type": payload["type"],
    }
    script = work / "ceiling.lua"
    script.write_text(
        f'local file = io.open("{work / "ceiling-body.json"}", "rb")\n'
        'wrk.method = "POST"\n'
        'wrk.body = file:read("*a")\n'
        "file:close()\n" + "".join(f'wrk.headers["{name}"] = "{value}"\n' for name, value in headers.items())
    )
    threads = max(1, min(WRK_CONNECTIONS, (os.cpu_count() or 2) // 2))
    command = ["wrk", "-t", str(threads), "-c", str(WRK_CONNECTIONS), "-d", f"{seconds:g}s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}/hook"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if result.returncode != 0 or "Non-2xx" in result.stdout:
        print(f"  wrk failed:\n{result.stdout}{result.stderr}", file=sys.stderr)
        return None
    for line in result.stdout.splitlines():
        if line.startswith("Requests/sec:"):
            return float(line.split()[1])
    return None


def cpu_seconds(process: subprocess.Popen) -> float | None:
    """User + system CPU time of a running process so far (Linux /proc), None if unknown."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each running PostgreSQL server process (Linux /proc)."""
    seconds = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(" (")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()
            seconds[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return seconds


def machine_cpu_seconds() -> float | None:
    """CPU time spent by the whole machine so far, all CPUs (Linux /proc/stat), None if unknown."""
    try:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


# --- one run --------------------------------------------------------------------------


@dataclass
class Result:
    engine: str
    workers: int
    events: int
    seconds: float | None = None
    rate: float | None = None
    first_delivery: float | None = None
    steady_rate: float | None = None
    insert_seconds: float = 0.0
    received: int = 0
    distinct: int = 0
    bad_signatures: int = 0
    id_mismatches: int = 0
    ceilings: list[float | None] = field(default_factory=list)
    worker_cpu: list[float | None] = field(default_factory=list)
    receiver_cpu: float | None = None
    machine_cpu: float | None = None
    database_cpu: float | None = None
    db: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ceiling(self) -> float | None:
        """The mean of the wrk rounds (before and after the workers)."""
        known = [value for value in self.ceilings if value is not None]
        return sum(known) / len(known) if known else None

    @property
    def duplicates(self) -> int:
        return self.received - self.distinct

    @property
    def machine_ceiling(self) -> float | None:
        """Events/s the machine could deliver at this run's CPU per event, every core busy: its
        CPUs over the CPU seconds per event of the delivery's own processes (workers, receiver,
        PostgreSQL). More workers than that allows only wait for a core; None if unknown."""
        if not self.worker_cpu or None in self.worker_cpu or self.receiver_cpu is None:
            return None
        spent = sum(cpu for cpu in self.worker_cpu if cpu is not None) + self.receiver_cpu + (self.database_cpu or 0.0)
        return (os.cpu_count() or 1) * self.events / spent if spent > 0 else None

    def line(self) -> str:
        def number(value: float | None, spec: str) -> str:
            return "-" if value is None else format(value, spec)

        return (
            f"engine {self.engine:10}  workers {self.workers}  events {self.events}  "
            f"seconds {number(self.seconds, '.2f')}  events/s {number(self.rate, '.0f')}  "
            f"wrk ceiling {number(self.ceiling, '.0f')} req/s  "
            f"share {number(self.rate / self.ceiling * 100 if self.rate and self.ceiling else None, '.1f')}%  "
            f"duplicates {self.duplicates}  bad signatures {self.bad_signatures}"
        )


def run_once(args: argparse.Namespace, workers: int, root: Path, number: int = 1) -> Result:
    engine = "sqlite" if args.database_url is None else "postgresql"
    result = Result(engine, workers, args.events)
    work = root / f"{engine}-{workers}-{number}"
    work.mkdir()
    with contextlib.ExitStack() as cleanup:
        url = cleanup.enter_context(fresh_database(args.database_url, work))
        env = {**os.environ, "DATABASE_URL": url}
        kanal(env, "db", "upgrade")
        kanal(env, "stores", "create", "--id", str(STORE_ID), "--name", "Bench", "--region", "FR")

        port, secret_file = free_port(), work / "secret"
        receiver = start(
            [str(BIN / "python"), str(RECEIVER), "--port", str(port), "--secret-file", str(secret_file)],
            dict(os.environ),
            work / "receiver.log",
        )
        cleanup.callback(stop, receiver)
        deadline = time.monotonic() + 30
        while get_json(port, "/count") is None:
            if receiver.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the receiver did not start:\n{tail(work / 'receiver.log')}")
            time.sleep(0.1)

        output = kanal(env, "webhooks", "add", "--store", str(STORE_ID), "--url", f"http://127.0.0.1:{port}/hook")
        secret = output.strip().splitlines()[-1]
        secret_file.write_text(secret + "\n")
        result.ceilings.append(wrk_ceiling(port, secret, work, args.ceiling_seconds))
        post(port, "/reset")

        rows = event_rows(args.events)
        expected_ids = {row["event_id"] for row in rows}
        began = time.monotonic()
        insert_events(url, rows)
        result.insert_seconds = time.monotonic() - began
        del rows

        command = [str(BIN / "kanal"), "worker", "--interval", WORKER_INTERVAL]
        processes: list[subprocess.Popen] = []
        machine_before, receiver_before = machine_cpu_seconds(), cpu_seconds(receiver)
        postgres_before = postgres_cpu() if engine == "postgresql" else {}
        began = time.monotonic()
        for index in range(workers):
            processes.append(start(command, env, work / f"worker-{index}.log"))
            cleanup.callback(stop, processes[-1])
        if args.py_spy:
            profile = args.py_spy.resolve() / f"worker-{engine}-{workers}w-{number}.txt"
            spy = [str(BIN / "py-spy"), "record", "-f", "raw", "-r", "100", "-o", str(profile)]
            spy += ["--pid", str(processes[0].pid)]
            wait_for_line(work / "worker-0.log", "Worker running", processes[0])  # attachable now
            cleanup.callback(let_finish, start(spy, dict(os.environ), work / "py-spy.log"), processes[0])

        deadline = began + args.timeout
        count: dict | None = None
        while True:
            count = get_json(port, "/count") or count
            if count and count["distinct"] >= args.events:
                break
            if time.monotonic() > deadline:
                result.problems.append(f"timed out after {args.timeout:.0f} s")
                break
            if any(process.poll() is not None for process in processes):
                result.problems.append("a worker exited early")
                break
            time.sleep(POLL_SECONDS)

        result.worker_cpu = [cpu_seconds(process) for process in processes]
        receiver_after = cpu_seconds(receiver)
        if receiver_before is not None and receiver_after is not None:
            result.receiver_cpu = receiver_after - receiver_before
        machine_after = machine_cpu_seconds()
        if engine == "postgresql":
            postgres_after = postgres_cpu()
            result.database_cpu = sum(cpu - postgres_before.get(pid, 0.0) for pid, cpu in postgres_after.items())
        if machine_before is not None and machine_after is not None:
            result.machine_cpu = machine_after - machine_before
        for index, process in enumerate(processes):
            if not stop(process):
                result.problems.append(f"worker {index} did not stop on SIGTERM")
        count = get_json(port, "/count") or count or {}
        if any(process.returncode not in (0, -signal.SIGTERM) for process in processes):
            result.problems.append(
                "a worker failed: "
                + ", ".join(str(process.returncode) for process in processes)
                + f"\n{tail(work / 'worker-0.log')}"
            )

        result.received = count.get("received", 0)
        result.distinct = count.get("distinct", 0)
        result.bad_signatures = count.get("bad_signatures", 0)
        result.id_mismatches = count.get("id_mismatches", 0)
        if count.get("last_new_at") and result.distinct >= args.events:
            result.seconds = count["last_new_at"] - began
            result.rate = args.events / result.seconds
            result.first_delivery = count["first_at"] - began
            steady = count["last_new_at"] - count["first_at"]
            result.steady_rate = args.events / steady if steady > 0 else None
        received_ids = set((get_json(port, "/ids") or {}).get("ids", []))
        if received_ids != expected_ids:
            missing, unknown = len(expected_ids - received_ids), len(received_ids - expected_ids)
            result.problems.append(f"event ids: {missing} never received, {unknown} not ours")

        result.ceilings.append(wrk_ceiling(port, secret, work, args.ceiling_seconds))
        result.db = database_state(url)
        if result.db["deliveries"] != args.events:
            result.problems.append(f"{result.db['deliveries']} deliveries, expected {args.events}")
        if set(result.db["statuses"]) - {"delivered"}:
            result.problems.append(f"deliveries not all delivered: {result.db['statuses']}")
        if result.db["undispatched"]:
            result.problems.append(f"{result.db['undispatched']} events never dispatched")
        if result.duplicates:
            result.problems.append(f"{result.duplicates} duplicate deliveries")
        if result.bad_signatures:
            result.problems.append(f"{result.bad_signatures} bad signatures")
        if result.id_mismatches:
            result.problems.append(f"{result.id_mismatches} bodies whose id differs from Kanal-Event-Id")
    return result


def report(result: Result) -> None:
    print(result.line())
    rounds = ", ".join("-" if value is None else f"{value:.0f}" for value in result.ceilings)
    details = f"  wrk rounds (before, after the workers) {rounds} req/s"
    details += f"\n  insert {result.insert_seconds:.2f} s"
    if result.first_delivery is not None:
        details += f", first delivery after {result.first_delivery:.2f} s"
    if result.steady_rate is not None:
        details += f", {result.steady_rate:.0f} events/s from first to last delivery"
    if result.worker_cpu and None not in result.worker_cpu:
        details += f"\n  CPU: workers {' + '.join(f'{cpu:.1f}' for cpu in result.worker_cpu)} s"
        if result.receiver_cpu is not None:
            details += f", receiver {result.receiver_cpu:.1f} s"
        if result.database_cpu is not None:
            details += f", PostgreSQL (all its processes) {result.database_cpu:.1f} s"
        if result.machine_cpu is not None and result.receiver_cpu is not None:
            rest = result.machine_cpu - sum(result.worker_cpu) - result.receiver_cpu - (result.database_cpu or 0.0)
            details += f", everything else {rest:.1f} s (this script, other load)"
        seconds = result.seconds or 0.0
        details += f"; machine {os.cpu_count()} CPUs x {seconds:.1f} s"
        if result.machine_ceiling is not None and result.rate:
            details += (
                f"\n  machine ceiling at this CPU per event: {result.machine_ceiling:.0f} events/s "
                f"({result.rate / result.machine_ceiling * 100:.0f}% reached)"
            )
    if result.db:
        details += f"\n  deliveries {result.db['statuses']}, max attempts {result.db['max_attempts']}"
    print(details)
    for problem in result.problems:
        print(f"  FAILED: {problem}")
    sys.stdout.flush()


def summarise(rounds: list[list[Result]]) -> None:
    """Per round, one worker's share of its own wrk ceiling and each other count's rate over one
    worker's of the same round; with several rounds, the median of each (the machine's other
    load moves single runs a lot)."""
    shares: list[float] = []
    ratios: dict[int, list[float]] = {}
    allowed: dict[int, list[float]] = {}  # the machine's ceiling of K workers' run over one worker's rate
    for results in rounds:
        rates = {result.workers: result.rate for result in results if result.rate}
        one = next((result for result in results if result.workers == 1), None)
        if one is None or 1 not in rates:
            continue
        if one.ceiling:
            shares.append(rates[1] / one.ceiling)
        for workers, rate in sorted(rates.items()):
            if workers > 1:
                ratios.setdefault(workers, []).append(rate / rates[1])
                ceiling = next(result.machine_ceiling for result in results if result.workers == workers)
                if ceiling is not None:
                    allowed.setdefault(workers, []).append(ceiling / rates[1])
    label = "median of " + str(len(rounds)) + " rounds, " if len(rounds) > 1 else ""
    if shares:
        each = ", ".join(f"{share * 100:.1f}%" for share in shares) if len(shares) > 1 else ""
        print(
            f"one worker: {statistics.median(shares) * 100:.1f}% of the wrk ceiling "
            f"({label}goal {GOAL * 100:.0f}%){'; rounds: ' + each if each else ''}"
        )
    for workers, values in sorted(ratios.items()):
        each = ", ".join(f"{value:.2f}x" for value in values) if len(values) > 1 else ""
        rounds_text = f" ({label}rounds: {each})" if each else ""
        print(f"{workers} workers: {statistics.median(values):.2f}x one worker{rounds_text}")
        if workers in allowed:
            each = ", ".join(f"{value:.2f}x" for value in allowed[workers]) if len(allowed[workers]) > 1 else ""
            rounds_text = f" ({label}rounds: {each})" if each else ""
            print(
                f"  the machine's ceiling for them: {statistics.median(allowed[workers]):.2f}x one worker"
                f"{rounds_text}: {os.cpu_count()} CPUs over their run's CPU per event (workers, receiver, PostgreSQL)"
            )


def ensure_py_spy() -> None:
    """py-spy in the virtual environment (a wheel from PyPI), installed on first use: only
    `--py-spy` needs it."""
    if not (BIN / "py-spy").exists():
        subprocess.run([str(BIN / "python"), "-m", "pip", "install", "--quiet", "py-spy"], check=True)


def main() -> int:
    args = parse_args()
    ensure_wrk()
    if args.py_spy:
        args.py_spy.mkdir(parents=True, exist_ok=True)
        ensure_py_spy()
    results = []
    with tempfile.TemporaryDirectory(prefix="kanal-bench-events-") as tmp:
        for number in range(1, args.rounds + 1):
            if args.rounds > 1:
                print(f"\n-- round {number} of {args.rounds}")
            for workers in args.workers:
                result = run_once(args, workers, Path(tmp), number)
                report(result)
                results.append(result)
    summarise([results[i : i + len(args.workers)] for i in range(0, len(results), len(args.workers))])
    failed = [result for result in results if result.problems]
    if failed:
        print(f"FAILED: {len(failed)} of {len(results)} runs", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every subprocess is stopped
    sys.exit(main())
