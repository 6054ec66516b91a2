"""Rows PostgreSQL reads per new order, in-process: a count that load on the machine does not move,
to compare two builds' plans for the single-order write path on a new database (README,
"Benchmarks").

Creates a fresh database on the local PostgreSQL, migrates it and writes --orders new orders
through the ASGI app (httpx.ASGITransport, waves of --wave concurrent POSTs, the orders of
count_ingest_instructions.py: 500 customers), in --parts equal parts; after each part it prints
the rows the part read per order, index fetches and sequential scans together
(`pg_stat_user_tables`), then drops the database. A plan made from the empty tables'
statistics shows as a count growing with the tables.

    .venv/bin/python scripts/count_postgres_reads.py [--orders 6400] [--parts 5] [--wave 32]
        [--admin-url postgresql://postgres@127.0.0.1:5432/postgres] [--app-root DIR]

--app-root DIR counts the `app` package of another checkout (e.g. main, for the figure before
a change).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from count_ingest_instructions import STORE_ID, _order  # noqa: E402

# Rows read by index fetches and sequential scans, every table of the database.
ROWS_READ = "SELECT coalesce(sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)), 0) FROM pg_stat_user_tables"
STATS_SETTLE_SECONDS = 1.0  # a backend reports its counts to the statistics at most once a second


async def count(admin_url: str, orders: int, parts: int, wave: int) -> None:
    import asyncpg
    import httpx

    from app.config import Settings
    from app.db.migrate import upgrade
    from app.main import create_app
    from app.services import keys, stores

    name = f"kanal_reads_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f"CREATE DATABASE {name}")
    url = admin_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        await asyncio.to_thread(upgrade, url.replace("postgresql://", "postgresql+asyncpg://", 1))
        settings = Settings.from_env(
            database_url=url.replace("postgresql://", "postgresql+asyncpg://", 1), default_rate_limit_per_minute=10**8
        )
        app = create_app(settings)
        db = app.state.db
        await stores.create_store(db, STORE_ID, "Bench", "FR")
        key, _ = await keys.create_key(db, store_id=STORE_ID, name="bench")
        stats = await asyncpg.connect(url)
        headers = {"Authorization": f"Bearer {key}"}
        transport = httpx.ASGITransport(app=app)
        part_size = orders // parts
        async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test", headers=headers) as client:
            for part in range(parts):
                before = await stats.fetchval(ROWS_READ)
                first, end = part * part_size, (part + 1) * part_size
                for start in range(first, end, wave):
                    bodies = [_order(n) for n in range(start, min(end, start + wave))]
                    path = f"/api/v1/stores/{STORE_ID}/orders"
                    answers = await asyncio.gather(*(client.post(path, json=body) for body in bodies))
                    if any(answer.status_code != 201 for answer in answers):
                        raise SystemExit(f"not created: {[a.text for a in answers if a.status_code != 201][:1]}")
                await asyncio.sleep(STATS_SETTLE_SECONDS)
                after = await stats.fetchval(ROWS_READ)
                per_order = (after - before) / part_size
                print(f"orders {first:>6,}-{end:>6,}: {per_order:8.1f} rows read per order", flush=True)
        await stats.close()
        await db.dispose()
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        await admin.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=6400)
    parser.add_argument("--parts", type=int, default=5)
    parser.add_argument("--wave", type=int, default=32)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--app-root")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        asyncio.run(count(args.admin_url, args.orders, args.parts, args.wave))
        return 0
    env = dict(os.environ, KANAL_REQUEST_LOG="off")
    if args.app_root:
        env["PYTHONPATH"] = str(Path(args.app_root).resolve())
    print(f"{args.app_root or ROOT}:", flush=True)
    command = [sys.executable, __file__, "--inner", *sys.argv[1:]]
    return subprocess.run(command, env=env, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
