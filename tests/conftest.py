"""Fixtures: a migrated SQLite database per test (copied from one migrated template),
the app served in-process through httpx, a demo store 123 (region FR) and its key."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from app.config import Settings
from app.db import tables
from app.db.migrate import upgrade
from app.main import create_app
from app.services import keys, stores
from tests import postgres

STORE_ID = 123
ENGINES = postgres.engines_under_test()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "kanal.db"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of this run's own on the local PostgreSQL, migrated once, dropped at the end."""
    with postgres.scratch_database() as url:
        upgrade(url)
        yield url


@pytest.fixture
def sqlite_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A SQLite database `kanal db upgrade` made, DATABASE_URL naming it: for the tests that run
    `kanal` as an operator does."""
    from app.cli import main

    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    main(["db", "upgrade"])
    return url


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def database_url(engine_name: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database: a copy of the SQLite template, or the PostgreSQL database
    with every table emptied."""
    if engine_name == "sqlite":
        path = tmp_path / "kanal.db"
        shutil.copy(request.getfixturevalue("migrated_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url = request.getfixturevalue("postgres_database")
    postgres.truncate_all(url)
    return url


@dataclass
class Api:
    """The app plus helpers to call it as a shop would and to look at its tables."""

    app: Any
    client: httpx.AsyncClient
    key: str

    @property
    def db(self):
        return self.app.state.db

    def auth(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.key}"}

    async def post(self, path: str, body: Any, store: int = STORE_ID, key: str | None = None) -> httpx.Response:
        return await self.client.post(f"/api/v1/stores/{store}{path}", json=body, headers=self.auth(key))

    async def patch(self, path: str, body: Any, store: int = STORE_ID, key: str | None = None) -> httpx.Response:
        return await self.client.patch(f"/api/v1/stores/{store}{path}", json=body, headers=self.auth(key))

    async def get(self, path: str, store: int = STORE_ID, key: str | None = None) -> httpx.Response:
        return await self.client.get(f"/api/v1/stores/{store}{path}", headers=self.auth(key))

    async def delete(self, path: str, store: int = STORE_ID, key: str | None = None) -> httpx.Response:
        return await self.client.delete(f"/api/v1/stores/{store}{path}", headers=self.auth(key))

    async def raw(
        self, method: str, path: str, content: bytes, store: int = STORE_ID, **headers: str
    ) -> httpx.Response:
        return await self.client.request(
            method, f"/api/v1/stores/{store}{path}", content=content, headers={**self.auth(), **headers}
        )

    async def count(self, table_name: str) -> int:
        table = tables.metadata.tables[table_name]
        return await self.db.read(lambda conn: conn.scalar(select(func.count()).select_from(table)))

    async def rows(self, table_name: str) -> list[dict[str, Any]]:
        table = tables.metadata.tables[table_name]
        return await self.db.read(
            lambda conn: [dict(row) for row in conn.execute(select(table).order_by(*table.primary_key)).mappings()]
        )

    async def snapshot(self) -> dict[str, list[dict[str, Any]]]:
        """Every table's rows, to assert that a rejected request changed nothing."""
        return {name: await self.rows(name) for name in tables.metadata.tables if name != "api_keys"}


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env(
        database_url=database_url, default_rate_limit_per_minute=10_000, rate_limit_storage_uri="memory://"
    )


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    app = create_app(settings)
    db = app.state.db
    await stores.create_store(db, STORE_ID, "Demo shop", "FR")
    key, _ = await keys.create_key(db, store_id=STORE_ID, name="test")
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test") as client:
        yield Api(app=app, client=client, key=key)
    await db.dispose()


def order_body(**overrides: Any) -> dict[str, Any]:
    """The walkthrough's order (SPEC §9 step 1)."""
    body: dict[str, Any] = {
        "external_id": "ORDER-1001",
        "placed_at": "2026-05-18T10:00:00Z",
        "total_price": 49.90,
        "currency": "EUR",
        "financial_status": "pending",
        "fulfillment_status": "unfulfilled",
        "customer": {
            "external_id": "CUST-42",
            "phone": "+33612345678",
            "first_name": "Marie",
            "last_name": "Durand",
            "email": "marie.durand@example.com",
            "locale": "fr",
            "tags": ["vip"],
            "lifetime_value": 1299,
            "orders_count": 7,
        },
        "line_items": [{"title": "T-shirt Bordeaux", "quantity": 2, "price": 24.95}],
        "tags": ["web"],
        "metadata": {"source": "custom-checkout"},
    }
    body.update(overrides)
    return body


def shipment_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "SHIP-9001",
        "order_external_id": "ORDER-1001",
        "tracking_number": "1Z999AA10123456784",
        "tracking_url": "https://track.example.com/1Z999AA10123456784",
        "carrier": "Colissimo",
        "status": "in_transit",
    }
    body.update(overrides)
    return body


def cart_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "external_id": "CART-7700",
        "abandoned_at": "2026-05-18T09:40:00Z",
        "recovery_url": "https://shop.example.com/cart/recover/7700",
        "total_price": 49.90,
        "currency": "EUR",
        "customer": {"phone": "+33612345678", "first_name": "Marie"},
    }
    body.update(overrides)
    return body
