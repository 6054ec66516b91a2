"""Mixed benchmark: ingest latency alone, and while dashboards read, on one SQLite server.

1. Builds a fresh SQLite database like scripts/bench_graphql.py (the `kanal` CLI, then a bulk
   load of N orders, default 100,000, with contacts, shipments and carts; ANALYZE).
2. Serves it with `kanal serve` (one worker; `--repo` serves another checkout's code on the
   same database, e.g. main's, to compare before and after), POSTs one unreported phase of
   orders (the phones' contacts are created, caches warm), then runs alternating phases:
   - alone: wrk POSTs a fresh slice of orders, each once, as scripts/bench_ingest.py does
     (its bodies and scripts/bench/orders.lua, 32 connections);
   - with dashboards: the same, with a new slice, while D clients (default 2) loop heavy
     GraphQL queries back to back: `storeStats` over 90 days and an orders search (an
     external-id prefix matching most orders, with a status filter; first 50, with contacts,
     shipments and line items).
3. Prints, per round, ingest p50/p99 alone beside p50/p99 with dashboards, and for the
   median round (by p99 ratio) the ratio with the goal (<= 2x). The alone phase is the
   ceiling: it runs on the same server, database and minute as the phase it is compared to.

    .venv/bin/python scripts/bench_mixed.py [--orders 100000] [--ingest 4000] [--rounds 5]
        [--connections 32] [--dashboards 2] [--port 8097] [--repo PATH]

A dashboard query stopped at the read budget (QUERY_TOO_SLOW, KANAL_READ_TIMEOUT) is counted
apart: that is the documented answer, not a failure.

Traffic only goes to 127.0.0.1; the server is stopped on exit. Exits non-zero when an ingest
response was not 2xx, or a dashboard query failed.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import phonenumbers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_graphql import END, ORDER_PAGE, STATS_QUERY, load  # noqa: E402
from bench_ingest import (  # noqa: E402
    ROOT,
    ensure_wrk,
    order_json,
    prepare_database,
    run_wrk,
    serve,
    tail,
)

GOAL = 2.0
SEARCH_QUERY = (
    "query($search: String!, $status: String!) { orders(storeId: 123, first: 50,"
    f" filter: {{search: $search, financialStatus: $status}}) {ORDER_PAGE} }}"
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000, help="orders loaded before the run")
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--carts", type=int, default=10_000)
    parser.add_argument("--ingest", type=int, default=4000, help="orders POSTed per phase")
    parser.add_argument("--phones", type=int, default=2000, help="distinct phones of the POSTed orders")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--dashboards", type=int, default=2, help="GraphQL clients looping heavy queries")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds; the median one is reported")
    parser.add_argument("--port", type=int, default=8097)
    parser.add_argument("--repo", type=Path, default=ROOT, help="checkout whose .venv/bin/kanal is served")
    args = parser.parse_args()
    if min(args.orders, args.ingest, args.connections, args.rounds, args.phones) < 1 or args.dashboards < 0:
        parser.error("--orders, --ingest, --connections, --rounds and --phones must be positive")
    return args


# --- ingest bodies ----------------------------------------------------------------------


def phase_bodies(folder: Path, phase: int, count: int, phones: int) -> Path:
    """`count` orders no other phase sends (external ids BENCH-…, from bench_ingest), with
    phones +33613… so that they never meet the loaded contacts' +33612… numbers."""
    first = phase * count
    lines = [order_json(first + i, phones).replace('"+33612', '"+33613') for i in range(count)]
    sample = json.loads(lines[0])["customer"]["phone"]
    if not phonenumbers.is_valid_number(phonenumbers.parse(sample)):
        raise SystemExit(f"invalid generated phone {sample}")
    path = folder / f"phase-{phase}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


# --- dashboards -------------------------------------------------------------------------


@dataclass
class Dashboard:
    """One client sending `body` to /graphql back to back until `stop` is set."""

    port: int
    key: str
    body: bytes
    stop: threading.Event
    latencies: list[float] = field(default_factory=list)
    too_slow: int = 0  # answers QUERY_TOO_SLOW: stopped at the read budget, as documented
    failures: list[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        return bool(self.latencies or self.failures or self.too_slow)

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"}
        try:
            while not self.stop.is_set():
                started = time.perf_counter()
                connection.request("POST", "/graphql", self.body, headers)
                response = connection.getresponse()
                text = response.read()
                if response.status == 200 and b'"QUERY_TOO_SLOW"' in text:
                    self.too_slow += 1
                    continue
                self.latencies.append(time.perf_counter() - started)
                if response.status != 200 or b'"errors"' in text:
                    self.failures.append(f"{response.status} {text[:300]!r}")
        except OSError as exc:
            self.failures.append(repr(exc))
        finally:
            connection.close()


def dashboard_bodies(count: int) -> list[bytes]:
    stats = {"from": (END - timedelta(days=90)).isoformat(), "to": END.isoformat()}
    search = {"search": "ORD-00", "status": "paid"}
    queries = [(STATS_QUERY, stats), (SEARCH_QUERY, search)]
    return [json.dumps({"query": q, "variables": v}).encode() for q, v in (queries * count)[:count]]


def with_dashboards(args: argparse.Namespace, key: str, ingest: Callable[[], dict]) -> tuple[dict, list[Dashboard]]:
    stop = threading.Event()
    dashboards = [Dashboard(args.port, key, body, stop) for body in dashboard_bodies(args.dashboards)]
    threads = [threading.Thread(target=one.run, daemon=True) for one in dashboards]
    for thread in threads:
        thread.start()
    # Every dashboard has its first answer before ingest starts: the reads are under way.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not all(one.answered for one in dashboards):
        time.sleep(0.05)
    try:
        result = ingest()
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    return result, dashboards


# --- report -----------------------------------------------------------------------------


@dataclass
class Round:
    alone: dict
    mixed: dict
    dashboards: list[Dashboard]

    @property
    def ratio(self) -> float:
        return self.mixed["p99_us"] / self.alone["p99_us"] if self.alone.get("p99_us") else float("inf")


def ms(result: dict, key: str) -> str:
    return f"{result.get(key, 0) / 1000:7.1f} ms"


def dashboard_line(dashboards: list[Dashboard]) -> str:
    parts = []
    for one in dashboards:
        name = "storeStats" if b"storeStats" in one.body else "search"
        lat = sorted(one.latencies) or [0.0]
        parts.append(
            f"{name} {len(one.latencies)} answers, p50 {lat[len(lat) // 2] * 1000:.0f} ms, "
            f"{one.too_slow} stopped at the read budget"
        )
    return "; ".join(parts)


def report(args: argparse.Namespace, rounds: list[Round]) -> bool:
    print(
        f"\nserved code: {args.repo}\n{args.orders:,} orders loaded; {args.ingest} orders POSTed per phase over "
        f"{args.connections} connections; {args.dashboards} dashboard client(s)"
    )
    print("round   ingest alone (p50 / p99)      with dashboards (p50 / p99)   p99 ratio   orders/s alone / mixed")
    for number, one in enumerate(rounds, 1):
        print(
            f"{number:5}   {ms(one.alone, 'p50_us')} / {ms(one.alone, 'p99_us')}    "
            f"{ms(one.mixed, 'p50_us')} / {ms(one.mixed, 'p99_us')}    {one.ratio:7.1f}x   "
            f"{one.alone['rate']:.0f} / {one.mixed['rate']:.0f}"
        )
        print(f"        dashboards: {dashboard_line(one.dashboards)}")
    median = sorted(rounds, key=lambda one: one.ratio)[len(rounds) // 2]
    print(
        f"ingest p99 alone {median.alone['p99_us'] / 1000:.1f} ms, with dashboards "
        f"{median.mixed['p99_us'] / 1000:.1f} ms: {median.ratio:.1f}x   (goal <= {GOAL:.0f}x; the median round)"
    )
    passed = True
    for one in rounds:
        for result in (one.alone, one.mixed):
            if result["ok"] != args.ingest or result["failed"] or result.get("socket_errors"):
                print(
                    f"FAILED ingest: {result['ok']} 2xx of {args.ingest}, socket errors (timeouts included: "
                    f"10 s) {result.get('socket_errors', 0)}, samples {result['samples']}"
                )
                passed = False
        for dashboard in one.dashboards:
            if dashboard.failures or not dashboard.answered:
                print(f"FAILED dashboard: {dashboard.failures[:2]}")
                passed = False
    return passed


def main() -> int:
    args = parse_args()
    ensure_wrk()
    kanal = args.repo.resolve() / ".venv" / "bin" / "kanal"
    with tempfile.TemporaryDirectory(prefix="kanal-bench-mixed-") as tmp:
        work = Path(tmp)
        path = work / "kanal.db"
        env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{path}"}
        started = time.perf_counter()
        key = prepare_database(env)
        counts = load(path, args)
        print(f"loaded in {time.perf_counter() - started:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
        command = [str(kanal), "serve", "--host", "127.0.0.1", "--port", str(args.port), "--workers", "1"]
        rounds: list[Round] = []
        log = work / "kanal.log"
        with serve(command, env, args.port, log):
            # Not reported: the first orders into a fresh server create their contacts and warm
            # its caches, which the later phases (whose phones repeat) do not pay.
            run_wrk(args.port, key, phase_bodies(work, 0, args.ingest, args.phones), args.connections, args.ingest)
            phase = 1
            for _ in range(args.rounds):
                bodies = phase_bodies(work, phase, args.ingest, args.phones)
                alone = run_wrk(args.port, key, bodies, args.connections, args.ingest)
                bodies = phase_bodies(work, phase + 1, args.ingest, args.phones)
                phase += 2

                def ingest(bodies: Path = bodies) -> dict:
                    return run_wrk(args.port, key, bodies, args.connections, args.ingest)

                mixed, dashboards = with_dashboards(args, key, ingest)
                rounds.append(Round(alone, mixed, dashboards))
        passed = report(args, rounds)
        if not passed:
            print(f"\nkanal server log (last lines):\n{tail(log)}")
        return 0 if passed else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the server is stopped
    sys.exit(main())
