"""Instructions per new order, in-process on SQLite: a count that load on the machine does not
move, to compare two builds' cost of the order write path (README, "Benchmarks").

Runs itself under valgrind (cachegrind, no cache simulation) twice, writing --few and then
--many new orders through the ASGI app (httpx.ASGITransport, waves of --wave concurrent POSTs,
so that group commit shares transactions as under load), each on a fresh migrated SQLite
database; the difference of the two instruction counts over the difference of the orders is
the cost of one order, start-up and migrations cancelled out.

    .venv/bin/python scripts/count_ingest_instructions.py [--few 200] [--many 1200] [--wave 32]
        [--app-root DIR]

--app-root DIR counts the `app` package of another checkout (e.g. main, for the figure
before a change).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "bench"))
import cachegrind  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STORE_ID = 123


async def write_orders(orders: int, wave: int, path: Path) -> None:
    import httpx

    from app.config import Settings
    from app.db.migrate import upgrade
    from app.main import create_app
    from app.services import keys, stores

    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    app = create_app(Settings.from_env(database_url=url, default_rate_limit_per_minute=10**8))
    db = app.state.db
    await stores.create_store(db, STORE_ID, "Bench", "FR")
    key, _ = await keys.create_key(db, store_id=STORE_ID, name="bench")
    headers = {"Authorization": f"Bearer {key}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test", headers=headers) as client:
        for start in range(0, orders, wave):
            bodies = [_order(n) for n in range(start, min(orders, start + wave))]
            answers = await asyncio.gather(*(client.post(f"/api/v1/stores/{STORE_ID}/orders", json=b) for b in bodies))
            if any(answer.status_code != 201 for answer in answers):
                raise SystemExit(f"not created: {[a.text for a in answers if a.status_code != 201][:1]}")
    await db.dispose()


def _order(n: int) -> dict:
    return {
        "external_id": f"ORD-{n:07d}",
        "placed_at": f"2026-05-18T{10 + n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",  # live: one a second
        "total_price": "74.85",
        "currency": "EUR",
        "financial_status": "paid",
        "customer": {"external_id": f"CUST-{n % 500}", "phone": f"+33612{n % 500:06d}", "first_name": "Marie"},
        "line_items": [
            {"sku": f"TS-{n % 30}", "title": "T-shirt", "quantity": 2, "price": "24.95"},
            {"sku": "MUG-1", "title": "Mug", "quantity": 1, "price": "24.95"},
        ],
    }


def instructions(orders: int, wave: int, app_root: str | None) -> int:
    env = dict(os.environ)
    if app_root:
        env["PYTHONPATH"] = str(Path(app_root).resolve())
    with tempfile.TemporaryDirectory(prefix="kanal-instructions-") as tmp:
        command = [sys.executable, __file__, "--inner", str(orders), "--wave", str(wave), "--path", f"{tmp}/kanal.db"]
        return cachegrind.instructions(command, env, ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--few", type=int, default=200)
    parser.add_argument("--many", type=int, default=1200)
    parser.add_argument("--wave", type=int, default=32)
    parser.add_argument("--app-root")
    parser.add_argument("--inner", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner is not None:
        asyncio.run(write_orders(args.inner, args.wave, Path(args.path)))
        return 0
    few, many = (instructions(n, args.wave, args.app_root) for n in (args.few, args.many))
    per_order = (many - few) / (args.many - args.few)
    print(f"{args.app_root or ROOT}: {per_order / 1e6:.3f} M instructions per new order ({few:,} / {many:,})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
