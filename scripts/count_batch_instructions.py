"""Instructions per batched order, in-process on SQLite: a count that load on the machine does
not move, to compare two builds' cost of `POST /orders/batch` (README, "Benchmarks").

The orders are scripts/bench_ingest.py's (`order_json`), in batches of 1,000 as
scripts/bench_bulk.py sends them, their customers already known: a fresh migrated SQLite
database is first given one order of each of the --phones customers (in batches, outside
valgrind). Then, under valgrind (cachegrind, no cache simulation), a copy of it is sent --few
and another copy --many batches through the ASGI app (httpx.ASGITransport, one batch at a
time), the garbage collector set as the served app sets it; the difference of the two
instruction counts over the difference of the orders is the cost of one batched order,
start-up, migrations and the first batch's warm-up cancelled out.

    .venv/bin/python scripts/count_batch_instructions.py [--few 1] [--many 4] [--phones 5000]
        [--app-root DIR]

--app-root DIR counts the `app` package of another checkout (e.g. main, for the figure
before a change). For the single-request path, see scripts/count_ingest_instructions.py.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))
import cachegrind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STORE_ID = 123
BATCH = 1000


def write_bodies(path: Path, first: int, batches: int, phones: int) -> None:
    """`batches` batch bodies of the orders from index `first` on, one a line (made outside the
    count: what a client sends is not the server's cost)."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import bench_ingest

    lines = [bench_ingest.order_json(first + n, phones) for n in range(batches * BATCH)]
    batched = ('{"items":[' + ",".join(lines[i : i + BATCH]) + "]}\n" for i in range(0, len(lines), BATCH))
    path.write_text("".join(batched))


async def send_batches(path: Path, bodies: Path, batches: int, prepare: bool) -> None:
    """POST the first `batches` batch bodies of the file `bodies` to the database at `path`
    (migrated, the store and its key made first when `prepare`)."""
    import httpx

    from app.config import Settings
    from app.db.migrate import upgrade
    from app.main import create_app
    from app.services import keys, stores

    url = f"sqlite+aiosqlite:///{path}"
    if prepare:
        await asyncio.to_thread(upgrade, url)
    app = create_app(Settings.from_env(database_url=url, default_rate_limit_per_minute=10**8))
    db = app.state.db
    # The collector as the served app's lifespan sets it (app/main.py; ASGITransport runs no
    # lifespan, whose delivery worker would make the count depend on the clock).
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    if prepare:
        await stores.create_store(db, STORE_ID, "Bench", "FR")
    key, _ = await keys.create_key(db, store_id=STORE_ID, name=f"bench-{prepare}")
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test", headers=headers) as client:
        for body in bodies.read_bytes().splitlines()[:batches]:
            answer = await client.post(f"/api/v1/stores/{STORE_ID}/orders/batch", content=body, timeout=600)
            if answer.status_code != 200 or answer.content.count(b'"status":201') != body.count(b'"financial_status"'):
                raise SystemExit(f"not all created: {answer.status_code} {answer.text[:500]}")
    await db.dispose()


def _inner(*extra: str) -> list[str]:
    return [sys.executable, __file__, *extra]


def instructions(known: Path, batches: int, env: dict[str, str], tmp: Path) -> int:
    database = tmp / f"kanal-{batches}.db"
    for suffix in ("", "-wal", "-shm"):  # the database as the priming run left it
        if Path(f"{known}{suffix}").exists():
            shutil.copy(f"{known}{suffix}", f"{database}{suffix}")
    command = _inner("--inner", str(batches), "--path", str(database), "--bodies", str(tmp / "measured.jsonl"))
    return cachegrind.instructions(command, env, ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=1, help="batches of the smaller run")
    parser.add_argument("--many", type=int, default=4, help="batches of the larger run")
    parser.add_argument("--phones", type=int, default=5000, help="known customers (bench_bulk.py's --phones)")
    parser.add_argument("--app-root")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--prime", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--bodies", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prime or args.inner is not None:
        asyncio.run(send_batches(Path(args.path), Path(args.bodies), args.inner or 10**9, prepare=args.prime))
        return 0
    env = dict(os.environ)
    if args.app_root:
        env["PYTHONPATH"] = str(Path(args.app_root).resolve())
    with tempfile.TemporaryDirectory(prefix="kanal-batch-instructions-") as directory:
        tmp = Path(directory)
        known = tmp / "known.db"
        # One order of each customer, as bench_bulk.py's single requests give them; then the
        # measured batches: orders no earlier run sent, of those customers.
        write_bodies(tmp / "known.jsonl", 0, -(-args.phones // BATCH), args.phones)
        write_bodies(tmp / "measured.jsonl", 10 * args.phones, args.many, args.phones)
        prime = _inner("--prime", "--path", str(known), "--bodies", str(tmp / "known.jsonl"))
        subprocess.run(prime, env=env, cwd=ROOT, check=True, capture_output=True)
        few, many = (instructions(known, n, env, tmp) for n in (args.few, args.many))
    per_order = (many - few) / ((args.many - args.few) * BATCH)
    print(f"{args.app_root or ROOT}: {per_order / 1e6:.3f} M instructions per batched order ({few:,} / {many:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
