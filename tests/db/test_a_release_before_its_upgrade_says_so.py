"""A release started on a database an earlier release migrated, before this release's
`kanal db upgrade` (README, "Production": once per release, before the new processes start).

`kanal serve` and `kanal worker` stop at once, one line, exit 1, naming the migration the
database is at and the one this release needs; on a database a later release migrated (a
rolling upgrade's older processes) they run. A server that met such a database only once
serving (it was unreachable at its start) answers as for a database that cannot serve (REST
503, GraphQL DATABASE_UNAVAILABLE), never a 500 or a masked "Internal server error", and logs
one line saying to run `kanal db upgrade`, no traceback; so does a worker pass."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from app.automations.worker import Worker
from app.config import Settings
from app.db.migrate import alembic_config, revision_ids
from app.main import create_app
from app.services import keys, stores
from tests import postgres
from tests.conftest import cart_body, order_body
from tests.db.migrated import database_at, run
from tests.server import KANAL, free_port

NEWEST = revision_ids("head")[0]
MESSAGE = (
    "The database is unavailable right now. Try again in a few seconds; sending a write again is "
    "safe (writes are idempotent upserts)."
)
API = "/api/v1/stores/123"
# earlier releases' migrations a database may be at: an early one, a middle one, the one just
# before the newest
BEFORE_NEWEST = ScriptDirectory.from_config(alembic_config("")).get_revision(NEWEST).down_revision
EARLIER = ["0014", "0020", BEFORE_NEWEST]


def _kanal(command: str, url: str, cwd: Path) -> tuple[int, str, str]:
    env = {**os.environ, "KANAL_REQUEST_LOG": "off", "DATABASE_URL": url}
    argv = [KANAL, "serve", "--port", str(free_port())] if command == "serve" else [KANAL, "worker", "--once"]
    done = subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@pytest.mark.parametrize("revision", EARLIER)
@pytest.mark.parametrize("engine", postgres.engines_under_test())
@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_stop_on_a_database_an_earlier_release_migrated(command, engine, revision, tmp_path):
    with database_at(engine, tmp_path, revision) as url:
        answer = _kanal(command, url, tmp_path)
    said = (
        f"error: the database {_shown(url)} is at migration {revision}, before this release's {NEWEST}: "
        'run `kanal db upgrade` before starting this release\'s processes (README, "Production").\n'
    )
    assert answer == (1, "", said)


@pytest.mark.parametrize("engine", postgres.engines_under_test())
def test_a_worker_runs_on_a_database_a_later_release_migrated(engine, tmp_path):
    with database_at(engine, tmp_path, "head") as url:
        _stamp(url, "9999")  # a migration this release does not know
        answer = _kanal("worker", url, tmp_path)
    assert answer[0] == 0, answer


# What an earlier release (migration 0014) held: a contact with an order and a cart, a webhook,
# and an event not yet fanned out to it, written as that release's tables take them.
EARLIER_ROWS = [
    "INSERT INTO contacts (id, store_id, phone, revision, created_at, updated_at) "
    "VALUES (1, 123, '+33612345678', 1, '2026-05-18 10:00:00+00:00', '2026-05-18 10:00:00+00:00')",
    "INSERT INTO orders (id, store_id, external_id, contact_id, placed_at, total_price, line_items, tags, metadata, "
    "revision, created_at, updated_at) VALUES (1, 123, 'ORDER-1001', 1, '2026-05-18 10:00:00+00:00', 49.90, '[]', "
    "'[]', '{}', 1, '2026-05-18 10:00:00+00:00', '2026-05-18 10:00:00+00:00')",
    "INSERT INTO carts (id, store_id, external_id, contact_id, status, abandoned_at, total_price, line_items, tags, "
    "metadata, revision, created_at, updated_at, backfill) VALUES (1, 123, 'CART-7700', 1, 'abandoned', "
    "'2026-05-18 09:40:00+00:00', 49.90, '[]', '[]', '{}', 1, '2026-05-18 10:00:00+00:00', "
    "'2026-05-18 10:00:00+00:00', false)",
    "INSERT INTO webhooks (id, store_id, url, secret, events, created_at, consecutive_failures, test_events) "
    "VALUES (1, 123, 'http://127.0.0.1:9/hook', 'whsec_earlier', '[\"*\"]', '2026-05-18 09:00:00+00:00', 0, false)",
    "INSERT INTO events (id, event_id, store_id, type, subject_type, subject_id, data, backfill, created_at) "
    "VALUES (1, '0196e2f0-0000-7000-8000-000000000001', 123, 'order.created', 'order', 1, "
    '\'{"subject": {"type": "order", "id": 1, "external_id": "ORDER-1001"}, "contact": null, "before": null, '
    "\"after\": null}', false, '2026-05-18 10:00:00+00:00')",
]


async def _earlier_release_data(url: str) -> None:
    await run(url, lambda conn: [conn.execute(text(statement)) for statement in EARLIER_ROWS])


def _stamp(url: str, revision: str) -> None:
    """The database marked as at `revision`, as `kanal db upgrade` marks it."""
    statement = text("UPDATE alembic_version SET version_num = :v")
    asyncio.run(run(url, lambda conn: conn.execute(statement, {"v": revision})))


# What a shop or a dashboard asks of a server on such a database
REQUESTS = {
    "order read": ("GET", f"{API}/orders/ORDER-1001", None),
    "cart read": ("GET", f"{API}/carts/CART-7700", None),
    "order upsert": ("POST", f"{API}/orders", order_body(external_id="ORDER-2002")),
    "order batch": ("POST", f"{API}/orders/batch", {"items": [order_body(external_id="ORDER-2003")]}),
    "cart upsert": ("POST", f"{API}/carts", cart_body(external_id="CART-2")),
    "GraphQL orders": ("POST", "/graphql", {"query": "{ orders(storeId: 123, first: 5) { totalCount } }"}),
    "GraphQL order": ("POST", "/graphql", {"query": '{ order(storeId: 123, externalId: "ORDER-1001") { id } }'}),
}


@pytest.mark.parametrize("request_name", REQUESTS)
@pytest.mark.parametrize("engine", postgres.engines_under_test())
async def test_a_server_met_by_an_earlier_releases_database_answers_503(engine, request_name, tmp_path, caplog):
    scratch = database_at(engine, tmp_path, "0014")
    url = await asyncio.to_thread(scratch.__enter__)
    try:
        app = create_app(Settings.from_env(database_url=url))  # as a server started while it was unreachable
        db = app.state.db
        await stores.create_store(db, 123, "Shop", "FR")
        key, _ = await keys.create_key(db, store_id=123, name="test")
        await _earlier_release_data(url)
        method, path, body = REQUESTS[request_name]
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            with caplog.at_level(logging.INFO):
                answer = await client.request(method, path, json=body, headers={"Authorization": f"Bearer {key}"})
        await db.dispose()
    finally:
        await asyncio.to_thread(scratch.__exit__, None, None, None)
    if path == "/graphql":  # as for any database that cannot serve (README, "When the database is unavailable")
        errors = [(error["message"], error["extensions"]["code"]) for error in answer.json()["errors"]]
        assert (answer.status_code, errors) == (200, [(MESSAGE, "DATABASE_UNAVAILABLE")])
    else:
        assert (answer.status_code, answer.json(), answer.headers["retry-after"]) == (503, {"error": MESSAGE}, "5")
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "run `kanal db upgrade`" in warnings[0], warnings
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.WARNING] == [None]


@pytest.mark.parametrize("engine", postgres.engines_under_test())
async def test_a_worker_pass_on_an_earlier_releases_database_says_so(engine, tmp_path, caplog):
    scratch = database_at(engine, tmp_path, "0014")
    url = await asyncio.to_thread(scratch.__enter__)
    try:
        app = create_app(Settings.from_env(database_url=url))
        await stores.create_store(app.state.db, 123, "Shop", "FR")
        await _earlier_release_data(url)
        worker = Worker(app.state.db)
        stop = asyncio.Event()
        with caplog.at_level(logging.INFO):
            run = asyncio.create_task(worker.run(stop, interval=0.05))
            await asyncio.sleep(0.3)
            stop.set()
            await run
        await app.state.db.dispose()
    finally:
        await asyncio.to_thread(scratch.__exit__, None, None, None)
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings and all("run `kanal db upgrade`" in line for line in warnings), warnings
    assert [r.exc_info for r in caplog.records if r.levelno >= logging.WARNING] == [None] * len(warnings)


# Every other command that opens the database: before this release's upgrade, an earlier
# release's tables would take some of their writes and fail others.
COMMANDS = {
    "stores create": ["stores", "create", "--id", "124", "--name", "Shop two", "--region", "FR"],
    "stores list": ["stores", "list"],
    "stores pause": ["stores", "pause", "123"],
    "stores resume": ["stores", "resume", "123"],
    "stores set-rate-limit": ["stores", "set-rate-limit", "123", "600"],
    "stores set-timezone": ["stores", "set-timezone", "123", "Europe/Paris"],
    "stores set-recovery-delay": ["stores", "set-recovery-delay", "123", "30"],
    "stores set-consent-policy": ["stores", "set-consent-policy", "123", "--cart-recovery", "any"],
    "stores reset-test-data": ["stores", "reset-test-data", "123"],
    "keys create": ["keys", "create", "--store", "123"],
    "keys list": ["keys", "list"],
    "keys revoke": ["keys", "revoke", "kanal_sk_live_abcdef"],
    "webhooks add": ["webhooks", "add", "--store", "123", "--url", "https://example.com/hook"],
    "webhooks list": ["webhooks", "list"],
    "webhooks remove": ["webhooks", "remove", "1"],
    "webhooks enable": ["webhooks", "enable", "1"],
    "webhooks redeliver": ["webhooks", "redeliver", "--webhook", "1", "--dead-since", "2d"],
    "events prune": ["events", "prune", "--older-than", "30d"],
    "import": ["import", "orders.jsonl", "--store", "123", "--resource", "orders"],
}


async def _store_and_earlier_release_data(url: str) -> None:
    app = create_app(Settings.from_env(database_url=url))
    await stores.create_store(app.state.db, 123, "Shop", "FR")
    await app.state.db.dispose()
    await _earlier_release_data(url)


def _rows(url: str) -> dict[str, list[Any]]:
    """Every row of the tables an earlier release's database has, table by table."""

    def read(conn: Any) -> dict[str, list[Any]]:
        names = inspect(conn).get_table_names()
        return {name: sorted(map(repr, conn.execute(text(f"SELECT * FROM {name}")).all())) for name in names}

    return asyncio.run(run(url, read))


@pytest.mark.parametrize("engine", postgres.engines_under_test())
def test_every_other_command_stops_on_an_earlier_releases_database_and_writes_nothing(engine, tmp_path):
    (tmp_path / "orders.jsonl").write_text(json.dumps(order_body(external_id="ORDER-3003")) + "\n")
    with database_at(engine, tmp_path, "0014") as url:
        asyncio.run(_store_and_earlier_release_data(url))
        before = _rows(url)
        env = {**os.environ, "KANAL_REQUEST_LOG": "off", "DATABASE_URL": url}
        answers = {}
        for name, argv in COMMANDS.items():
            done = subprocess.run([KANAL, *argv], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
            answers[name] = (done.returncode, done.stdout, done.stderr)
        after = _rows(url)
    said = (
        f"error: the database {_shown(url)} is at migration 0014, before this release's {NEWEST}: "
        'run `kanal db upgrade` before starting this release\'s processes (README, "Production").\n'
    )
    assert answers == dict.fromkeys(COMMANDS, (1, "", said))
    assert after == before
    assert sorted(path.name for path in tmp_path.iterdir() if not path.name.startswith("kanal.db")) == ["orders.jsonl"]


# (the newest migration adds no table or column: at the one before, requests are served)
@pytest.mark.parametrize("revision", ["0014", "0020"])
@pytest.mark.parametrize("engine", postgres.engines_under_test())
async def test_the_health_probe_of_a_server_met_by_an_earlier_releases_database_says_it_down(
    engine, revision, tmp_path
):
    scratch = database_at(engine, tmp_path, revision)
    url = await asyncio.to_thread(scratch.__enter__)
    try:
        app = create_app(Settings.from_env(database_url=url))  # as a server started while it was unreachable
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            answer = await client.get("/healthz")
        await app.state.db.dispose()
    finally:
        await asyncio.to_thread(scratch.__exit__, None, None, None)
    said = {"status": "unavailable", "database": False, "rate_limit_storage": True}
    assert (answer.status_code, answer.json()) == (503, said)
