"""README "When the database is unavailable": a database that cannot serve a request now (a
PostgreSQL server that refuses connections, a SQLite file that cannot be opened or stays
locked by another process's write) is answered 503 with Retry-After (REST) or a top-level
error with code DATABASE_UNAVAILABLE (GraphQL), one warning line in the log, never a 500 or a
masked "Internal server error"; and it changes nothing."""

from __future__ import annotations

import asyncio
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.engine import make_url

from app.automations.worker import Worker
from app.config import Settings
from app.db.migrate import upgrade
from app.main import create_app
from app.services import keys, stores
from tests import postgres
from tests.api.graphql.documents import UPSERT_ORDER, order_input
from tests.conftest import order_body

MESSAGE = (
    "The database is unavailable right now. Try again in a few seconds; sending a write again is "
    "safe (writes are idempotent upserts)."
)
ORDERS = "/api/v1/stores/123/orders"
HEADERS = {"Authorization": "Bearer kanal_sk_live_0000000000000000000000000000000"}


@asynccontextmanager
async def _client(settings: Settings, then: Callable[[], object] = lambda: None) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    then()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
    await app.state.db.dispose()


@asynccontextmanager
async def _postgresql_down(_template: Path, _tmp: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _client(Settings.from_env(database_url="postgresql+asyncpg://kanal@127.0.0.1:1/kanal")) as client:
        yield client


@asynccontextmanager
async def _postgresql_refusing_the_database(_template: Path, _tmp: Path) -> AsyncIterator[httpx.AsyncClient]:
    # A server that answers and refuses (no such database; as "not currently accepting
    # connections" or "too many clients"): SQLAlchemy's error adds a line of its own.
    if "postgresql" not in postgres.engines_under_test():
        pytest.skip("PostgreSQL is not among KANAL_TEST_ENGINES")
    url = make_url(postgres.SERVER_URL).set(database="kanal_test_no_such_database")
    async with _client(Settings.from_env(database_url=url.render_as_string(hide_password=False))) as client:
        yield client


@asynccontextmanager
async def _sqlite_file_missing(_template: Path, tmp: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp}/gone/kanal.db")
    # a directory that is not there: the app's set-up makes none (only `kanal db upgrade` does)
    async with _client(settings, then=lambda: _not_there(tmp / "gone")) as client:
        yield client


def _not_there(path: Path) -> None:
    assert not path.exists()


@asynccontextmanager
async def _sqlite_without_tables(_template: Path, tmp: Path) -> AsyncIterator[httpx.AsyncClient]:
    (tmp / "empty.db").touch()  # emptied, or made again, and not migrated
    async with _client(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp}/empty.db")) as client:
        yield client


@asynccontextmanager
async def _postgresql_without_tables(_template: Path, _tmp: Path) -> AsyncIterator[httpx.AsyncClient]:
    if "postgresql" not in postgres.engines_under_test():
        pytest.skip("PostgreSQL is not among KANAL_TEST_ENGINES")
    scratch = postgres.scratch_database()  # made and dropped with asyncio.run: in a thread
    url = await asyncio.to_thread(scratch.__enter__)
    try:
        async with _client(Settings.from_env(database_url=url)) as client:
            yield client
    finally:
        await asyncio.to_thread(scratch.__exit__, None, None, None)


# How the database cannot serve -> the app it gives (the REST and GraphQL clients of it)
CONDITIONS: dict[str, Callable] = {
    "PostgreSQL server refusing connections": _postgresql_down,
    "PostgreSQL server refusing the database": _postgresql_refusing_the_database,
    "SQLite file that cannot be opened": _sqlite_file_missing,
}
# A database reached, without Kanal's tables: the requests' answers are the same
WITHOUT_TABLES: dict[str, Callable] = {
    "SQLite database without tables": _sqlite_without_tables,
    "PostgreSQL database without tables": _postgresql_without_tables,
}

# What a shop or a dashboard asks
REQUESTS = {
    "order upsert": ("POST", ORDERS, order_body()),
    "order batch": ("POST", ORDERS + "/batch", {"items": [order_body()]}),
    "order read": ("GET", ORDERS + "/ORDER-1001", None),
    "order patch": ("PATCH", ORDERS + "/ORDER-1001", {"financial_status": "paid"}),
    "GraphQL read": ("POST", "/graphql", {"query": "{ orders(storeId: 123, first: 5) { edges { node { id } } } }"}),
    "GraphQL mutation": ("POST", "/graphql", {"query": UPSERT_ORDER, "variables": {"input": order_input()}}),
}


def _answer(response: httpx.Response) -> tuple:
    if response.request.url.path == "/graphql":
        body = response.json()
        return response.status_code, [(e["message"], e.get("extensions", {}).get("code")) for e in body["errors"]]
    return response.status_code, response.json(), response.headers.get("retry-after")


def _unavailable(path: str) -> tuple:
    if path == "/graphql":
        return 200, [(MESSAGE, "DATABASE_UNAVAILABLE")]
    return 503, {"error": MESSAGE}, "5"


@pytest.mark.parametrize("request_name", REQUESTS, ids=list(REQUESTS))
@pytest.mark.parametrize("condition", {**CONDITIONS, **WITHOUT_TABLES}, ids=list({**CONDITIONS, **WITHOUT_TABLES}))
async def test_a_database_that_cannot_be_reached_is_503(migrated_template, tmp_path, condition, request_name, caplog):
    method, path, body = REQUESTS[request_name]
    async with {**CONDITIONS, **WITHOUT_TABLES}[condition](migrated_template, tmp_path) as client:
        with caplog.at_level(logging.INFO):
            response = await client.request(method, path, json=body, headers=HEADERS)
    assert _answer(response) == _unavailable(path)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [
        (r.levelname, r.getMessage().split(":")[0], r.exc_info, len(r.getMessage().splitlines())) for r in warnings
    ] == [
        (
            "WARNING",
            f"database unavailable on {method} {path}",
            None,
            1,  # one line: not SQLAlchemy's "(Background on this error at: …)" under it
        )
    ]


# A GraphQL query sent with GET, or HEAD (run as its GET, the body left out): the line names
# the method it was sent with, and the route without its query string.
READ_QUERY = {"query": "{ orders(storeId: 123, first: 5) { edges { node { id } } } }"}
SENT_WITHOUT_A_BODY = {"GET": (200, [(MESSAGE, "DATABASE_UNAVAILABLE")]), "HEAD": (200, b"")}


@pytest.mark.parametrize("method", SENT_WITHOUT_A_BODY)
@pytest.mark.parametrize("condition", {**CONDITIONS, **WITHOUT_TABLES}, ids=list({**CONDITIONS, **WITHOUT_TABLES}))
async def test_a_graphql_query_in_the_url_names_its_method(migrated_template, tmp_path, condition, method, caplog):
    async with {**CONDITIONS, **WITHOUT_TABLES}[condition](migrated_template, tmp_path) as client:
        with caplog.at_level(logging.INFO):
            response = await client.request(method, "/graphql", params=READ_QUERY, headers=HEADERS)
    answer = _answer(response) if method == "GET" else (response.status_code, response.content)
    assert answer == SENT_WITHOUT_A_BODY[method]
    warnings = [(r.levelname, r.getMessage().split(":")[0], r.exc_info) for r in caplog.records if r.levelno >= 30]
    assert warnings == [("WARNING", f"database unavailable on {method} /graphql", None)]


# A path as sent, escapes and all -> the path its warning line names: as sent, where the decoded
# path (`/orders/a/b`) read as another route; never the query string.
SENT_PATHS = {
    ORDERS + "/a%2Fb": ORDERS + "/a%2Fb",
    ORDERS + "/caf%C3%A9%20noir": ORDERS + "/caf%C3%A9%20noir",
    ORDERS + "/trailing%2F": ORDERS + "/trailing%2F",
    ORDERS + "/O%2B1?fields=id&phone=%2B33612345678": ORDERS + "/O%2B1",
    "/graphql?query=%7B%20orders(storeId%3A%20123%2C%20first%3A%201)%20%7B%20edges%20%7B%20cursor%20%7D%20%7D%20%7D": (
        "/graphql"
    ),
}


@pytest.mark.parametrize("sent", SENT_PATHS)
@pytest.mark.parametrize("condition", CONDITIONS, ids=list(CONDITIONS))
async def test_the_warning_names_the_path_as_sent(migrated_template, tmp_path, condition, sent, caplog):
    async with CONDITIONS[condition](migrated_template, tmp_path) as client:
        with caplog.at_level(logging.INFO):
            await client.get(sent, headers=HEADERS)
    warnings = [r.getMessage().split(": ")[0] for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [f"database unavailable on GET {SENT_PATHS[sent]}"]


# While another process holds SQLite's write lock past the busy timeout: writes are 503 and
# write nothing; reads go on (WAL readers never wait for the writer).
LOCKED = {
    "order upsert": _unavailable(ORDERS),
    "order batch": _unavailable(ORDERS),
    "order patch": _unavailable(ORDERS),
    "order read": (200, "ORDER-1001"),
    "GraphQL read": (200, 1),
    "GraphQL mutation": _unavailable("/graphql"),
}


@pytest.mark.parametrize("request_name", REQUESTS, ids=list(REQUESTS))
async def test_sqlite_locked_by_another_process_is_503_for_writes(migrated_template, tmp_path, request_name):
    method, path, body = REQUESTS[request_name]
    database = tmp_path / "kanal.db"
    shutil.copy(migrated_template, database)
    url = f"sqlite+aiosqlite:///{database}"
    async with _client(Settings.from_env(database_url=url, sqlite_busy_timeout_ms=200)) as client:
        db = client.app.state.db  # type: ignore[attr-defined]
        await stores.create_store(db, 123, "Shop", "FR")
        key, _ = await keys.create_key(db, store_id=123, name="test")
        headers = {"Authorization": f"Bearer {key}"}
        assert (await client.post(ORDERS, json=order_body(), headers=headers)).status_code == 201
        before = (await client.get(ORDERS + "/ORDER-1001", headers=headers)).json()
        other = sqlite3.connect(database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process's write, holding the lock
        try:
            response = await client.request(method, path, json=body, headers=headers)
        finally:
            other.execute("ROLLBACK")
            other.close()
        if request_name == "GraphQL read":
            answer = (response.status_code, len(response.json()["data"]["orders"]["edges"]))
        elif request_name == "order read":
            answer = (response.status_code, response.json()["external_id"])
        else:
            answer = _answer(response)
        assert answer == LOCKED[request_name]
        after = (await client.get(ORDERS + "/ORDER-1001", headers=headers)).json()
    assert after == before  # nothing written while locked


@pytest.mark.parametrize("condition", CONDITIONS, ids=list(CONDITIONS))
async def test_the_worker_waits_for_the_database_with_one_warning_a_pass(
    migrated_template, tmp_path, condition, caplog
):
    async with CONDITIONS[condition](migrated_template, tmp_path) as client:
        worker = Worker(client.app.state.db)  # type: ignore[attr-defined]
        stop = asyncio.Event()
        with caplog.at_level(logging.INFO, logger="kanal.worker"):
            running = asyncio.create_task(worker.run(stop, interval=0.1))
            await asyncio.sleep(0.5)
            stop.set()
            await asyncio.wait_for(running, 10)
    passes = [(r.levelname, r.getMessage().split(": ")[0], r.exc_info) for r in caplog.records]
    assert len(passes) >= 2 and set(passes) == {("WARNING", "worker pass", None)}
    assert all("database unavailable" in r.getMessage() for r in caplog.records)
    assert {len(r.getMessage().splitlines()) for r in caplog.records} == {1}


@pytest.mark.parametrize("condition", CONDITIONS, ids=list(CONDITIONS))
async def test_a_scrape_with_the_metrics_token_answers_without_the_database(
    migrated_template, tmp_path, condition, monkeypatch, caplog
):
    """README "Metrics": the counters answer and `kanal_database_up` is 0, the outbox figures
    left out, where the scrape was a 503 and every metric was lost with the database. An admin
    key is read from the database: that scrape is the 503 of any key."""
    monkeypatch.setenv("KANAL_METRICS_TOKEN", "scraper-token")
    async with CONDITIONS[condition](migrated_template, tmp_path) as client:
        with caplog.at_level(logging.INFO):
            scraped = await client.get("/metrics", headers={"Authorization": "Bearer scraper-token"})
            admin = await client.get("/metrics", headers=HEADERS)
    assert scraped.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(scraped.text)}
    assert [sample.value for sample in families["kanal_database_up"].samples] == [0.0]
    assert "kanal_http_request_duration_seconds" in families
    assert not {"kanal_events_pending", "kanal_deliveries_pending", "kanal_dead_letters"} & set(families)
    assert _answer(admin) == _unavailable("/metrics")
    warnings = [
        (r.levelname, r.getMessage().split(":")[0], len(r.getMessage().splitlines()))
        for r in caplog.records
        if r.levelno >= logging.WARNING
    ]
    assert warnings == [("WARNING", "database unavailable on GET /metrics", 1)] * 2


async def _drop_every_table(url: str) -> None:
    """What an operator's mistake does under a running server: every table gone."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database, isolation_level=None)
        # every table of ours; SQLite's own (sqlite_sequence, of AUTOINCREMENT) cannot be dropped
        tables = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        names = [row[0] for row in conn.execute(tables)]
        conn.execute("PRAGMA foreign_keys = OFF")
        for name in names:
            conn.execute(f'DROP TABLE "{name}"')
        conn.close()
        return
    admin = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
    await admin.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    await admin.close()


@asynccontextmanager
async def _migrated(engine: str, template: Path, tmp: Path) -> AsyncIterator[str]:
    if engine == "sqlite":
        shutil.copy(template, tmp / "kanal.db")
        yield f"sqlite+aiosqlite:///{tmp}/kanal.db"
        return
    scratch = postgres.scratch_database()
    url = await asyncio.to_thread(scratch.__enter__)
    try:
        await asyncio.to_thread(upgrade, url)
        yield url
    finally:
        await asyncio.to_thread(scratch.__exit__, None, None, None)


@pytest.mark.parametrize("request_name", REQUESTS, ids=list(REQUESTS))
@pytest.mark.parametrize("engine", postgres.engines_under_test())
async def test_tables_dropped_under_a_running_server_are_503(migrated_template, tmp_path, engine, request_name, caplog):
    """A server whose tables went after it had served (its key's rows kept between requests):
    every request is the 503 of an unavailable database, and /healthz says the database is
    not there, so that a load balancer takes the process out (it said ok and served 500s)."""
    method, path, body = REQUESTS[request_name]
    async with (
        _migrated(engine, migrated_template, tmp_path) as url,
        _client(Settings.from_env(database_url=url)) as client,
    ):
        db = client.app.state.db  # type: ignore[attr-defined]
        await stores.create_store(db, 123, "Shop", "FR")
        key, _ = await keys.create_key(db, store_id=123, name="test")
        headers = {"Authorization": f"Bearer {key}"}
        assert (await client.post(ORDERS, json=order_body(), headers=headers)).status_code == 201
        assert (await client.get("/healthz")).json()["database"] is True
        await _drop_every_table(url)
        with caplog.at_level(logging.INFO):
            response = await client.request(method, path, json=body, headers=headers)
            health = await client.get("/healthz")
    assert _answer(response) == _unavailable(path)
    assert (health.status_code, health.json()) == (
        503,
        {"status": "unavailable", "database": False, "rate_limit_storage": True},
    )
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert (
        len(warnings) == 1
        and "the database lacks tables this release uses (emptied, or migrated by an earlier release only): run `kanal db upgrade`"
        in warnings[0]
    )
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.WARNING] == [None]
