"""Fixtures of the API tests (the root tests/conftest.py gives `api`, a fresh store 123)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from app.config import Settings
from app.main import create_app
from tests.api import walkthrough
from tests.conftest import ENGINES, Api


@pytest.fixture
async def shop(api: Api) -> AsyncIterator[Api]:
    """Store 123 holding the walkthrough's data; an app error answers 500 instead of raising."""
    async with walkthrough.client(api.app) as client:
        shop = Api(app=api.app, client=client, key=api.key)
        await walkthrough.seed(shop)
        yield shop


@pytest.fixture(scope="module", params=ENGINES)
def module_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> walkthrough.EmptyDatabase:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("module") / "kanal.db"
        template = request.getfixturevalue("migrated_template")
        return walkthrough.EmptyDatabase(f"sqlite+aiosqlite:///{path}", template=template)
    return walkthrough.EmptyDatabase(request.getfixturevalue("postgres_database"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded_store(module_database: walkthrough.EmptyDatabase) -> AsyncIterator[walkthrough.SeededStore]:
    """The walkthrough's data written once for a whole module, whose tests must then run on the
    module's event loop (`pytestmark = pytest.mark.asyncio(loop_scope="module")`) and check
    `changed_tables()` after each request: a test that changed the tables gets them rewritten."""
    store = walkthrough.SeededStore(module_database)
    await store.open()
    yield store
    await store.close()


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a fresh app on SQLite, as `http://kanal.test` (the browser pages' tests)."""
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/kanal.db"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kanal.test") as client:
        yield client
    await app.state.db.dispose()
