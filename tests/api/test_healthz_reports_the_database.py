"""README: /healthz answers 200 when the database is reachable, 503 when not; slow reads holding
every reader do not make it wait (its ping has a path of its own)."""

import asyncio

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.api.slow_reads import budget_settings, every_reader_held


@pytest.fixture
def settings(database_url: str) -> Settings:
    # A budget far longer than the test: the held reads end when the test lets them go.
    return budget_settings(database_url, 120)


async def test_healthz_reports_database(api):
    response = await api.client.get("/healthz")
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": True, "rate_limit_storage": True},
    )


async def test_healthz_answers_while_reads_hold_every_reader(api):
    async with every_reader_held(api.db) as reads:
        response = await asyncio.wait_for(api.client.get("/healthz"), 30)
        still_held = [read.done() for read in reads]
    assert (response.status_code, response.json()) == (
        200,
        {"status": "ok", "database": True, "rate_limit_storage": True},
    )
    assert still_held == [False] * len(reads)
    # They held every reader: both lanes' threads on SQLite, the whole read pool on PostgreSQL.
    lanes = sorted(name.rsplit("-", 1)[0] for name in await asyncio.gather(*reads))
    if api.db.dialect == "sqlite":
        threads = api.app.state.settings.sqlite_readers
        assert lanes == ["kanal-large-reader"] * threads + ["kanal-small-reader"] * threads
    else:
        assert lanes == ["pool"] * len(reads)


async def test_healthz_503_when_database_is_unreachable(tmp_path):
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"))
    assert not (tmp_path / "missing").exists()  # the app's set-up makes no directory (mode=rw)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()["database"]) == (503, False)


async def test_healthz_503_when_the_postgresql_server_cannot_be_reached():
    app = create_app(Settings.from_env(database_url="postgresql+asyncpg://kanal@127.0.0.1:1/kanal"))  # nothing listens
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (
        503,
        {"status": "unavailable", "database": False, "rate_limit_storage": True},
    )


async def _ping_connections(api) -> list[int]:
    """The server processes of the health probe's connections to this test's database."""
    query = (
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'kanal-healthz' "
        "AND datname = current_database() ORDER BY pid"
    )
    return await api.db.read(lambda conn: [pid for (pid,) in conn.exec_driver_sql(query)])


async def _healthz(api) -> tuple[int, dict]:
    response = await api.client.get("/healthz")
    return response.status_code, response.json()


OK = (200, {"status": "ok", "database": True, "rate_limit_storage": True})


async def test_pings_keep_one_connection_on_postgresql(api):
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite pings on its write connection")
    assert await _healthz(api) == OK
    first = await _ping_connections(api)
    answers = [await _healthz(api) for _ in range(20)]
    assert answers == [OK] * 20
    assert len(first) == 1 and await _ping_connections(api) == first


async def test_a_ping_after_the_server_ended_its_connection_reconnects(api):
    """As after a server restart, or an operator's pg_terminate_backend."""
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite pings on its write connection")
    assert await _healthz(api) == OK
    [pid] = await _ping_connections(api)
    ended = await api.db.read(lambda conn: conn.exec_driver_sql(f"SELECT pg_terminate_backend({pid}, 5000)").scalar())
    assert ended is True
    assert await _healthz(api) == OK
    now = await _ping_connections(api)
    assert len(now) == 1 and now != [pid]
