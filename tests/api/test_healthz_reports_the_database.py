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
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": True})


async def test_healthz_answers_while_reads_hold_every_reader(api):
    async with every_reader_held(api.db) as reads:
        response = await asyncio.wait_for(api.client.get("/healthz"), 30)
        still_held = [read.done() for read in reads]
    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": True})
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
    (tmp_path / "missing" / "dir").rmdir()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()["database"]) == (503, False)


async def test_healthz_503_when_the_postgresql_server_cannot_be_reached():
    app = create_app(Settings.from_env(database_url="postgresql+asyncpg://kanal@127.0.0.1:1/kanal"))  # nothing listens
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == (503, {"status": "unavailable", "database": False})
