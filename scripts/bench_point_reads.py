"""Small reads on SQLite: inline on the event loop, or on a reader thread? Measured side by side.

Prepares a database with the `kanal` CLI and POSTs 200 orders. Then, in alternating rounds,
serves it with `kanal serve` twice: with the default inline budget
(KANAL_SQLITE_INLINE_READ_STEPS, app/db/readers.py) and with 0 (every read on a reader
thread), and loads each with wrk for --seconds over 32 connections:
- GET one order (REST; the key is kept after the first request, so one read per request);
- a GraphQL page of 20 orders with their line items (two reads per request).
Prints requests/s and p50/p99 of both settings per round, and the median round's ratio.

    .venv/bin/python scripts/bench_point_reads.py [--seconds 10] [--rounds 3] [--port 8096]

Traffic only goes to 127.0.0.1; every server started is stopped on exit.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import BIN, ROOT, STORE_ID, ensure_wrk, order_json, prepare_database, serve  # noqa: E402

SETTINGS = {"inline": "20000", "thread": "0"}
PAGE = '{"query": "{ orders(storeId: 123, first: 20) { edges { node { externalId lineItems { title } } } } }"}'
LUA = """
wrk.method = os.getenv("BENCH_METHOD")
local body = os.getenv("BENCH_BODY")
if body ~= "" then wrk.body = body end
done = function(summary, latency, _)
  io.write(string.format("BENCH %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99)))
  local e = summary.errors
  io.write(string.format("ERRORS %d\\n", e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--port", type=int, default=8096)
    return parser.parse_args()


def post_orders(port: int, key: str, count: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    for index in range(count):
        connection.request("POST", f"/api/v1/stores/{STORE_ID}/orders", order_json(index, 50), headers)
        response = connection.getresponse()
        response.read()
        if response.status not in (200, 201):
            raise SystemExit(f"POST order {index}: {response.status}")
    connection.close()


def wrk(port: int, key: str, script: Path, seconds: int, method: str, path: str, body: str) -> dict[str, float]:
    command = [
        "wrk", "-t", "1", "-c", "32", "-d", f"{seconds}s", "--timeout", "10s", "-s", str(script),
        "-H", f"Authorization: Bearer {key}", "-H", "Content-Type: application/json", f"http://127.0.0.1:{port}{path}",
    ]  # fmt: skip
    env = {**os.environ, "BENCH_METHOD": method, "BENCH_BODY": body}
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    figures = {}
    for line in output.splitlines():
        if line.startswith("BENCH "):
            requests, duration_us, p50, p99 = (int(part) for part in line.split()[1:])
            figures = {"rate": requests / (duration_us / 1e6), "p50": p50 / 1000, "p99": p99 / 1000}
        if line.startswith("ERRORS ") and int(line.split()[1]):
            raise SystemExit(f"wrk reported errors or non-2xx answers:\n{output}")
    return figures


def main() -> int:
    args = parse_args()
    ensure_wrk()
    cases = {
        "GET one order": ("GET", f"/api/v1/stores/{STORE_ID}/orders/BENCH-000001", ""),
        "GraphQL page of 20": ("POST", "/graphql", json.dumps(json.loads(PAGE))),
    }
    results: dict[str, dict[str, list[dict[str, float]]]] = {case: {s: [] for s in SETTINGS} for case in cases}
    with tempfile.TemporaryDirectory(prefix="kanal-bench-reads-") as tmp:
        work = Path(tmp)
        script = work / "reads.lua"
        script.write_text(LUA)
        env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{work / 'kanal.db'}"}
        key = prepare_database(env)
        command = [str(BIN / "kanal"), "serve", "--host", "127.0.0.1", "--port", str(args.port)]
        with serve(command, env, args.port, work / "seed.log"):
            post_orders(args.port, key, 200)
        for _ in range(args.rounds):
            for setting, steps in SETTINGS.items():
                server_env = {**env, "KANAL_SQLITE_INLINE_READ_STEPS": steps}
                with serve(command, server_env, args.port, work / f"{setting}.log"):
                    for case, (method, path, body) in cases.items():
                        results[case][setting].append(wrk(args.port, key, script, args.seconds, method, path, body))
    print(f"served from {ROOT}; {args.rounds} alternating rounds of {args.seconds} s, 32 connections")
    for case, by_setting in results.items():
        print(f"\n{case}")
        for number in range(args.rounds):
            inline, thread = by_setting["inline"][number], by_setting["thread"][number]
            print(
                f"  round {number + 1}: inline {inline['rate']:6.0f} req/s p50 {inline['p50']:5.1f} ms "
                f"p99 {inline['p99']:5.1f} ms | on a thread {thread['rate']:6.0f} req/s p50 {thread['p50']:5.1f} ms "
                f"p99 {thread['p99']:5.1f} ms | inline / thread {inline['rate'] / thread['rate']:.2f}"
            )
        ratios = sorted(i["rate"] / t["rate"] for i, t in zip(by_setting["inline"], by_setting["thread"], strict=True))
        print(f"  median inline / thread throughput: {ratios[len(ratios) // 2]:.2f}")
    return 0


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that every server is stopped
    sys.exit(main())
