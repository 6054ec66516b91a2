"""The key and store rows authorisation reads are kept between requests (README, Auth), and
every change to keys or stores is seen by the very next request: made by a service of this
process, by the `kanal` CLI (another connection), or by any statement that writes those tables."""

from __future__ import annotations

import asyncio
import contextlib
import io
import sqlite3
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, event, update
from sqlalchemy.engine import make_url

from app import cli
from app.db import tables
from app.db.kept import KeptRows
from app.services import keys, stores
from tests.conftest import STORE_ID, Api, order_body

NO_STORE = (404, "Store not found or paused")
INVALID = (401, "Invalid API key")
OTHER_STORE = 8


@contextlib.contextmanager
def auth_reads(api: Api) -> Iterator[list[str]]:
    """The statements that read a key (and its store) while the block runs."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "FROM api_keys" in statement:
            seen.append(statement)

    for engine in api.db.engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in api.db.engines:
            event.remove(engine, "before_cursor_execute", record)


def outcome(response: httpx.Response) -> tuple[int, str]:
    """The status and what tells the states apart: the error, else the rate limit."""
    if response.status_code >= 400:
        return response.status_code, response.json()["error"]
    return response.status_code, response.headers["x-ratelimit-limit"]


@dataclass
class Mutator:
    """A writer of keys or stores, run through its service function and through the CLI."""

    name: str
    service: Callable[[Api, dict[str, Any]], Awaitable[None]]
    cli: Callable[[dict[str, Any]], list[str]]
    before: tuple[int, str]
    after: tuple[int, str]
    # The request whose outcome shows the change: (store, key); the key defaults to api.key.
    target: Callable[[dict[str, Any]], tuple[int, str | None]] = lambda state: (STORE_ID, None)
    prepare: Callable[[Api, dict[str, Any]], Awaitable[None]] = field(default=lambda api, state: _nothing())
    cli_prints_key: bool = False  # `keys create` prints the new key alone on its last line


async def _nothing() -> None:
    return None


async def _with_admin_key(api: Api, state: dict[str, Any]) -> None:
    state["key"], _ = await keys.create_key(api.db, admin=True)


async def _paused(api: Api, state: dict[str, Any]) -> None:
    await stores.pause(api.db, STORE_ID)


async def _create_key(api: Api, state: dict[str, Any]) -> None:
    state["new_key"], _ = await keys.create_key(api.db, store_id=STORE_ID)


async def _revoke_key(api: Api, state: dict[str, Any]) -> None:
    assert await keys.revoke_key(api.db, api.key) == 1


MUTATORS = [
    Mutator(
        "create store",
        prepare=_with_admin_key,
        target=lambda state: (OTHER_STORE, state["key"]),
        service=lambda api, state: stores.create_store(api.db, OTHER_STORE, "Eight", "FR"),
        cli=lambda state: ["stores", "create", "--id", str(OTHER_STORE), "--name", "Eight", "--region", "FR"],
        before=NO_STORE,
        after=(201, "10000"),
    ),
    Mutator(
        "pause",
        service=lambda api, state: stores.pause(api.db, STORE_ID),
        cli=lambda state: ["stores", "pause", str(STORE_ID)],
        before=(200, "10000"),
        after=NO_STORE,
    ),
    Mutator(
        "resume",
        prepare=_paused,
        service=lambda api, state: stores.resume(api.db, STORE_ID),
        cli=lambda state: ["stores", "resume", str(STORE_ID)],
        before=NO_STORE,
        after=(200, "10000"),
    ),
    Mutator(
        "set rate limit",
        service=lambda api, state: stores.set_rate_limit(api.db, STORE_ID, 500),
        cli=lambda state: ["stores", "set-rate-limit", str(STORE_ID), "500"],
        before=(200, "10000"),
        after=(200, "500"),
    ),
    Mutator(
        # Not part of what auth reads: the rows are read afresh all the same.
        "set recovery delay",
        service=lambda api, state: stores.set_recovery_delay(api.db, STORE_ID, 30),
        cli=lambda state: ["stores", "set-recovery-delay", str(STORE_ID), "30"],
        before=(200, "10000"),
        after=(200, "10000"),
    ),
    Mutator(
        "create key",
        target=lambda state: (STORE_ID, state.get("new_key")),
        service=_create_key,
        cli=lambda state: ["keys", "create", "--store", str(STORE_ID)],
        cli_prints_key=True,
        before=(200, "10000"),
        after=(200, "10000"),
    ),
    Mutator(
        "revoke key",
        service=_revoke_key,
        cli=lambda state: ["keys", "revoke", state["api_key"]],
        before=(200, "10000"),
        after=INVALID,
    ),
]


async def run_cli(monkeypatch: pytest.MonkeyPatch, database_url: str, argv: list[str]) -> str:
    """`kanal …` in this process but on its own connection (as a separate process has); its
    output."""
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run() -> str:
        with contextlib.redirect_stdout(io.StringIO()) as output:
            cli.main(argv)
        return output.getvalue()

    return await asyncio.to_thread(run)


async def request(api: Api, store: int, key: str | None) -> httpx.Response:
    return await api.post("/orders", order_body(), store=store, key=key)


@pytest.mark.parametrize("via", ["service", "cli"])
@pytest.mark.parametrize("mutator", MUTATORS, ids=[mutator.name for mutator in MUTATORS])
async def test_the_next_request_sees_every_change_to_keys_and_stores(
    api: Api, engine_name: str, database_url: str, monkeypatch: pytest.MonkeyPatch, mutator: Mutator, via: str
) -> None:
    state: dict[str, Any] = {"api_key": api.key}
    await api.post("/orders", order_body())  # the order exists: later POSTs of it answer 200
    await mutator.prepare(api, state)
    store, key = mutator.target(state)
    assert outcome(await request(api, store, key)) == mutator.before
    with auth_reads(api) as reads:
        assert outcome(await request(api, store, key)) == mutator.before
    assert len(reads) == 0  # kept

    if via == "service":
        await mutator.service(api, state)
    else:
        output = await run_cli(monkeypatch, database_url, mutator.cli(state))
        if mutator.cli_prints_key:
            state["new_key"] = output.strip().splitlines()[-1]
    store, key = mutator.target(state)
    with auth_reads(api) as reads:
        assert outcome(await request(api, store, key)) == mutator.after
    assert len(reads) == 1


_WRITES = {
    "UPDATE stores (Core)": (
        lambda conn: conn.execute(update(tables.stores).where(tables.stores.c.id == STORE_ID).values(status="paused")),
        NO_STORE,
    ),
    "UPDATE stores (raw SQL)": (
        lambda conn: conn.exec_driver_sql(f"UPDATE stores SET rate_limit_per_minute = 7 WHERE id = {STORE_ID}"),
        (200, "7"),
    ),
    "INSERT INTO stores (raw SQL)": (
        lambda conn: conn.exec_driver_sql(
            "INSERT INTO stores (id, name, status, region, created_at) "
            f"VALUES ({STORE_ID + 1}, 'Next', 'paused', 'FR', '2026-05-18 10:00:00.000000')"
        ),
        (200, "10000"),  # a new store changes nothing for store 123: read afresh all the same
    ),
    "DELETE FROM api_keys (Core)": (lambda conn: conn.execute(delete(tables.api_keys)), INVALID),
    "UPDATE api_keys (raw SQL)": (
        lambda conn: conn.exec_driver_sql("UPDATE api_keys SET scope = 'team'"),
        (403, "API key does not authorize this store"),
    ),
}


@pytest.mark.parametrize("write", list(_WRITES))
async def test_a_writer_that_is_no_service_cannot_leave_stale_rows(api: Api, write: str) -> None:
    """Whatever writes keys or stores through this process's Database — a new service, a
    one-off fix in raw SQL — the next request sees it: the invalidation is not the writer's job."""
    work, after = _WRITES[write]
    await api.post("/orders", order_body())
    assert outcome(await api.post("/orders", order_body())) == (200, "10000")
    await api.db.write(work)
    with auth_reads(api) as reads:
        assert outcome(await api.post("/orders", order_body())) == after
    assert len(reads) == 1


async def test_a_rolled_back_change_leaves_the_rows_as_they_were(api: Api) -> None:
    def pause_then_fail(conn: Any) -> None:
        conn.execute(update(tables.stores).values(status="paused"))
        raise RuntimeError("fails after the update")

    assert outcome(await api.post("/orders", order_body())) == (201, "10000")
    with pytest.raises(RuntimeError):
        await api.db.write(pause_then_fail)
    assert outcome(await api.post("/orders", order_body())) == (200, "10000")


async def _outside(database_url: str, sql: str) -> None:
    """`sql` committed by a connection the service knows nothing of (psql, a migration, a
    script), in a process of its own on PostgreSQL."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        with contextlib.closing(sqlite3.connect(str(url.database))) as conn, conn:
            conn.execute(sql)
        return
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    await asyncio.to_thread(subprocess.run, ["psql", dsn, "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


_OUTSIDE_WRITES = {
    "pause the store": (f"UPDATE stores SET status = 'paused' WHERE id = {STORE_ID}", NO_STORE),
    "change the rate limit": (f"UPDATE stores SET rate_limit_per_minute = 9 WHERE id = {STORE_ID}", (200, "9")),
    "revoke every key": ("UPDATE api_keys SET revoked_at = created_at", INVALID),
    "delete every key": ("DELETE FROM api_keys", INVALID),
}


@pytest.mark.parametrize("write", list(_OUTSIDE_WRITES))
async def test_a_change_by_another_process_is_seen_by_the_next_request(api: Api, database_url: str, write: str) -> None:
    sql, after = _OUTSIDE_WRITES[write]
    await api.post("/orders", order_body())
    with auth_reads(api) as reads:
        assert outcome(await api.post("/orders", order_body())) == (200, "10000")
    assert reads == []  # kept
    await _outside(database_url, sql)
    with auth_reads(api) as reads:
        assert outcome(await api.post("/orders", order_body())) == after
    assert len(reads) == 1


async def test_the_version_is_read_once_per_turn_of_the_loop(
    api: Api, engine_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Requests started in one turn share one reading of the version (one statement on
    PostgreSQL), and the next turn reads again."""
    if engine_name != "postgresql":
        pytest.skip("SQLite reads PRAGMA data_version, per turn as well, on its write connection")
    await api.post("/orders", order_body())
    versions = api.db._backend._versions  # type: ignore[union-attr]
    readings: list[str] = []
    select = versions._select

    async def counted(name: str) -> int | None:
        readings.append(name)
        return await select(name)

    monkeypatch.setattr(versions, "_select", counted)
    outcomes = await asyncio.gather(*(api.post("/orders", order_body()) for _ in range(8)))
    assert [response.status_code for response in outcomes] == [200] * 8
    assert readings == ["auth_rows"]
    await api.post("/orders", order_body())
    assert readings == ["auth_rows", "auth_rows"]


# --- KeptRows alone ------------------------------------------------------------------------


def _kept(versions: list[int | None]) -> KeptRows:
    return KeptRows("test_rows", ("stores",), version=lambda: versions[-1], limit=2)


def _loader(rows: dict[str, Any], loads: list[str]) -> Callable[[str], Callable[[], Awaitable[Any]]]:
    def load(key: str) -> Callable[[], Awaitable[Any]]:
        async def read() -> Any:
            loads.append(key)
            return rows.get(key)

        return read

    return load


async def test_kept_rows_are_read_once_per_version_and_forget() -> None:
    versions: list[int | None] = [1]
    rows, loads = {"a": "row a", "b": "row b"}, []
    kept, load = _kept(versions), _loader(rows, loads)
    assert [await kept.read_through(key, load(key)) for key in ("a", "a", "missing", "missing")] == [
        "row a",
        "row a",
        None,
        None,
    ]
    assert loads == ["a", "missing", "missing"]  # a row found is kept; an absent one is not
    versions.append(2)
    rows["a"] = "row a, changed"
    assert await kept.read_through("a", load("a")) == "row a, changed"
    kept.forget()
    rows["a"] = "row a, changed again"
    assert await kept.read_through("a", load("a")) == "row a, changed again"
    assert loads == ["a", "missing", "missing", "a", "a"]


async def test_kept_rows_keep_nothing_without_a_version() -> None:
    rows, loads = {"a": "row a"}, []
    kept, load = _kept([None]), _loader(rows, loads)
    assert [await kept.read_through("a", load("a")) for _ in range(3)] == ["row a"] * 3
    assert loads == ["a", "a", "a"]


async def test_a_row_read_while_forgotten_is_not_kept() -> None:
    kept = KeptRows("test_rows", ("stores",), version=lambda: 1)

    async def load_while_changed() -> str:
        kept.forget()  # a change lands while the row is being read
        return "row read before the change"

    async def load_again() -> str:
        return "row read after the change"

    assert await kept.read_through("a", load_while_changed) == "row read before the change"
    assert await kept.read_through("a", load_again) == "row read after the change"


async def test_kept_rows_start_afresh_past_their_limit() -> None:
    rows, loads = {"a": 1, "b": 2, "c": 3}, []
    kept, load = _kept([1]), _loader(rows, loads)
    for key in ("a", "b", "c", "a", "c"):
        await kept.read_through(key, load(key))
    assert loads == ["a", "b", "c", "a"]  # "c" dropped "a" and "b" with the lot, then was kept
