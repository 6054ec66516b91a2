"""Per-call costs on SQLite, in-process: authorisation with its rows kept, and one hot statement
(the contact upsert every order runs) through each way of executing it.

    .venv/bin/python scripts/bench_statements.py [--calls 3000]

Prints the median of `--calls` timed calls for each, all measured in the same run (other load
on the machine moves every figure alike):

- auth: `keys.authorize` with its key and store rows kept, one call per turn of the event loop
  (as requests are), so each pays its share of reading `data_version`;
- the contact upsert, inside one write transaction, re-run on the same row: SQLAlchemy Core
  (`conn.execute`), SQLAlchemy's driver-level `exec_driver_sql` given the compiled SQL, our
  `PrecompiledStatement`, and the bare `sqlite3` cursor given already converted parameters
  (SQLite's own time plus the least Python can add).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app.config import Settings
from app.db.database import Database
from app.db.migrate import upgrade
from app.domain.commands import CustomerInput, validate
from app.services import contacts, keys, stores

STORE_ID = 123


def median_us(call: Callable[[], Any], calls: int) -> float:
    for _ in range(calls // 10):  # warm-up
        call()
    timings = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


async def auth_us(db: Database, header: str, calls: int) -> float:
    await keys.authorize(db, header, STORE_ID)
    timings = []
    for _ in range(calls):
        await asyncio.sleep(0)  # a new turn of the loop, as each request starts in
        started = time.perf_counter()
        await keys.authorize(db, header, STORE_ID)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def contact_upsert_us(conn: Any, calls: int) -> dict[str, float]:
    customer = validate(
        CustomerInput, {"external_id": "C-1", "phone": "+33612345678", "first_name": "Marie", "tags": ["vip"]}, "FR"
    )
    now = datetime.now(UTC)
    contacts.attach_contact(conn, STORE_ID, customer, now, phone=customer.phone)  # compiles the statement
    statement = contacts._ATTACH_STATEMENTS[("sqlite", contacts.MESSAGING_COLUMNS, False)]
    params = {name: getattr(customer, name) for name in contacts.MERGED_FIELDS}
    params.update(
        store_id=STORE_ID,
        phone=customer.phone.e164,
        phone_type=customer.phone.type,
        phone_source="customer",
        external_id=customer.external_id,
        created_at=now,
        updated_at=now,
    )
    compiled = statement._compile(conn.dialect)
    values = [params.get(n, d) if convert is None else convert(params.get(n, d)) for n, d, convert in compiled.binds]
    cursor = conn.connection.dbapi_connection.cursor()
    ways: dict[str, Callable[[], Any]] = {
        "SQLAlchemy Core": lambda: conn.execute(statement.statement, params).mappings().one(),
        "exec_driver_sql": lambda: conn.exec_driver_sql(compiled.sql, tuple(values)).mappings().one(),
        "PrecompiledStatement": lambda: statement.one(conn, params),
        "sqlite3 cursor": lambda: cursor.execute(compiled.sql, values).fetchall(),
    }
    return {name: median_us(way, calls) for name, way in ways.items()}


async def main(url: str, calls: int) -> None:
    db = Database(Settings(database_url=url))
    try:
        await stores.create_store(db, STORE_ID, "Bench", "FR")
        key, _ = await keys.create_key(db, store_id=STORE_ID)
        print(f"auth, rows kept: {await auth_us(db, f'Bearer {key}', calls):.1f} µs")
        for name, us in (await db.write(contact_upsert_us, calls)).items():
            print(f"contact upsert, {name}: {us:.1f} µs")
    finally:
        await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        database_url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        upgrade(database_url)  # before the loop starts: Alembic runs its own
        asyncio.run(main(database_url, args.calls))
