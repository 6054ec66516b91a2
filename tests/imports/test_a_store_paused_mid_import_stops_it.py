"""README "Importing a shop's history": a store paused while an import runs in this process stops
it before its next batch, as the batch endpoint refuses the next request of a paused store
(`--url`): nothing more is written."""

from __future__ import annotations

import pytest

from app.config import Settings
from app.db.database import Database
from app.imports.sinks import ImportFailed, InProcess
from app.imports.sources import Record
from app.services import stores
from tests.imports.files import order
from tests.realserver import Prepared, read_tables


async def test_a_store_paused_mid_import_stops_it_before_the_next_batch(prepared: Prepared) -> None:
    db = Database(Settings(database_url=prepared.url))
    sink = await InProcess.open(db, 123, "orders", backfill=True)
    try:
        first = await sink.send([Record(1, data=order(1)), Record(2, data=order(2))])
        assert [outcome.status for outcome in first] == [201, 201]
        await stores.pause(db, 123)
        with pytest.raises(ImportFailed) as failure:
            await sink.send([Record(3, data=order(3))])
        assert str(failure.value) == "Store 123 is paused: resume it first."
    finally:
        await sink.close()
    rows = (await read_tables(prepared.url, "orders"))["orders"]
    assert [row["external_id"] for row in rows] == ["H-1", "H-2"]
