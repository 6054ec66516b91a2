"""A store holding the walkthrough's data (SPEC §9), for tests that send requests against real
records: order ORDER-1001 (paid), shipment SHIP-9001, cart CART-7700 (recovered by the paid order)
and customer CUST-42, all on the contact +33612345678."""

from __future__ import annotations

import asyncio
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from app.config import Settings
from app.main import create_app
from app.services import keys, stores
from tests import postgres
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body

PHONE = "+33612345678"


def client(app: Starlette) -> httpx.AsyncClient:
    """An in-process client that reports an unhandled app exception as the 500 a shop would get,
    instead of re-raising it into the test."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://kanal.test")


async def seed(shop: Api) -> None:
    """Write the walkthrough's records through the API, as a shop would."""
    assert (await shop.post("/orders", order_body())).status_code == 201
    assert (await shop.patch("/orders/ORDER-1001", {"financial_status": "paid"})).status_code == 200
    assert (await shop.post("/shipments", shipment_body())).status_code == 201
    assert (await shop.post("/carts", cart_body())).status_code == 201
    customer = {"external_id": "CUST-42", "phone": PHONE, "first_name": "Marie", "email": "marie.durand@example.com"}
    assert (await shop.post("/customers", customer)).status_code == 201


@dataclass
class EmptyDatabase:
    """A migrated database of one test module's own: a copy of the SQLite template, or the run's
    PostgreSQL database with every table emptied."""

    url: str
    template: Path | None = None

    async def empty(self) -> None:
        if self.template is not None:
            shutil.copy(self.template, self.url.removeprefix("sqlite+aiosqlite:///"))
        else:
            await asyncio.to_thread(postgres.truncate_all, self.url)


class SeededStore:
    """Store 123 with the walkthrough's data, shared by the tests of one module that change
    nothing, and its tables' rows as first written (`baseline`)."""

    def __init__(self, database: EmptyDatabase):
        self.database = database
        self.baseline: dict[str, list[dict[str, Any]]] = {}

    async def open(self) -> None:
        await self.database.empty()
        settings = Settings.from_env(
            database_url=self.database.url, default_rate_limit_per_minute=10_000, rate_limit_storage_uri="memory://"
        )
        app = create_app(settings)
        await stores.create_store(app.state.db, STORE_ID, "Demo shop", "FR")
        key, _ = await keys.create_key(app.state.db, store_id=STORE_ID, name="test")
        self.api = Api(app=app, client=client(app), key=key)
        await seed(self.api)
        self.baseline = await self.api.snapshot()

    async def close(self) -> None:
        await self.api.client.aclose()
        await self.api.db.dispose()

    async def changed_tables(self) -> list[str]:
        """The tables whose rows differ from the first state; when any does, the data is written
        afresh, so that the next test does not see this one's writes."""
        after = await self.api.snapshot()
        changed = [name for name in self.baseline if after[name] != self.baseline[name]]
        if changed:
            await self.close()
            await self.open()
        return changed
