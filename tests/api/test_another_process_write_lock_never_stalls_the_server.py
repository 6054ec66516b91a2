"""README "When the database is unavailable": on SQLite, while another process holds the
database's write lock (`sqlite3` in a `BEGIN IMMEDIATE`, `kanal import`, a backup tool), a
write of the server waits for it without holding the event loop: `/healthz`, a GET of a
stored order and a GraphQL read are answered while the lock is still held (WAL readers never
wait for the writer), the write once the lock is released; held past
`KANAL_SQLITE_BUSY_TIMEOUT_MS`, the write is a 503 with Retry-After that writes nothing, and
the next write is served once the lock is gone.

The lock is held by a real connection to the same file: another connection of this process,
or another process. No duration is asserted: the order of events is."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.db.database import Database
from app.main import create_app
from app.services import keys, stores
from tests.conftest import order_body

ORDERS = "/api/v1/stores/123/orders"
GRAPHQL_READ = {"query": "{ orders(storeId: 123, first: 5) { edges { node { externalId } } } }"}
UNAVAILABLE = {
    "error": "The database is unavailable right now. Try again in a few seconds; sending a write again is "
    "safe (writes are idempotent upserts)."
}

# Holds SQLite's write lock on the file argv[1] until its stdin closes.
HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@asynccontextmanager
async def _this_process(database: Path) -> AsyncIterator[None]:
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@asynccontextmanager
async def _another_process(database: Path) -> AsyncIterator[None]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(database)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert await asyncio.to_thread(holder.stdout.readline) == "held\n"
        yield
    finally:
        holder.stdin.close()  # the holder rolls back and ends
        assert await asyncio.to_thread(holder.wait, 30) == 0


# Who holds the write lock -> a context manager holding it on the database file
HOLDERS: dict[str, Callable] = {
    "another connection of this process": _this_process,
    "another process": _another_process,
}


@asynccontextmanager
async def _server(
    tmp: Path, template: Path, busy_timeout_ms: int
) -> AsyncIterator[tuple[httpx.AsyncClient, dict, Database]]:
    """A client of a new app on a copy of the migrated template holding store 123 and order
    ORDER-1001, the headers of a key of it, and the app's Database."""
    shutil.copy(template, tmp / "kanal.db")
    url = f"sqlite+aiosqlite:///{tmp}/kanal.db"
    app = create_app(Settings.from_env(database_url=url, sqlite_busy_timeout_ms=busy_timeout_ms))
    db = app.state.db
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            await stores.create_store(db, 123, "Shop", "FR")
            key, _ = await keys.create_key(db, store_id=123, name="test")
            headers = {"Authorization": f"Bearer {key}"}
            assert (await client.post(ORDERS, json=order_body(), headers=headers)).status_code == 201
            yield client, headers, db
    finally:
        await db.dispose()


async def _waiting_for_the_lock(db: Database) -> None:
    """Returns once a write group of `db` has found the write lock held and waits for it."""
    async with asyncio.timeout(30):
        while getattr(db._backend, "_busy_since", None) is None:
            await asyncio.sleep(0.005)


async def _reads(client: httpx.AsyncClient, headers: dict) -> list:
    health = await client.get("/healthz")
    order = await client.get(ORDERS + "/ORDER-1001", headers=headers)
    graphql = await client.post("/graphql", json=GRAPHQL_READ, headers=headers)
    return [
        (health.status_code, health.json()["database"]),
        (order.status_code, order.json()["external_id"]),
        (graphql.status_code, [edge["node"]["externalId"] for edge in graphql.json()["data"]["orders"]["edges"]]),
    ]


READS = [(200, True), (200, "ORDER-1001"), (200, ["ORDER-1001"])]
WRITTEN = (201, None, None)
REFUSED = (503, UNAVAILABLE, "5")

# Case -> (KANAL_SQLITE_BUSY_TIMEOUT_MS, whether the write is answered before the lock is
# released, the waiting write's answer (status, body if refused, Retry-After))
CASES = {
    "lock released while the write waits": (3000, False, WRITTEN),
    "lock held past the busy timeout": (300, True, REFUSED),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize("holder", HOLDERS, ids=list(HOLDERS))
async def test_another_process_write_lock_stalls_no_request(migrated_template, tmp_path, holder, case):
    busy_timeout_ms, answered_while_held, expected = CASES[case]
    body = order_body(external_id="ORDER-2002")
    async with _server(tmp_path, migrated_template, busy_timeout_ms) as (client, headers, db):
        async with HOLDERS[holder](tmp_path / "kanal.db"):
            post = asyncio.create_task(client.post(ORDERS, json=body, headers=headers))
            await _waiting_for_the_lock(db)
            reads = await _reads(client, headers)  # the lock still held
            if answered_while_held:
                await post
            answered = post.done()
            absent = (await client.get(ORDERS + "/ORDER-2002", headers=headers)).status_code
        waited = await post
        stored = (await client.get(ORDERS + "/ORDER-2002", headers=headers)).status_code
        # once the lock is gone, the write is served (again, when it was refused)
        again = (await client.post(ORDERS, json=body, headers=headers)).status_code
    assert reads == READS
    assert (answered, absent) == (answered_while_held, 404)  # nothing written while locked
    refused = waited.json() if waited.status_code == 503 else None
    assert (waited.status_code, refused, waited.headers.get("retry-after")) == expected
    assert (stored, again) == ((200, 200) if expected == WRITTEN else (404, 201))
