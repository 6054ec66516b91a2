"""README "When the database is unavailable": a worker with nothing in hand logs one warning a
pass while the database is unavailable (or has no Kanal tables), and one line when a pass goes
through again. Before, only a worker holding deliveries said the outage ended: an idle one's
log showed an outage begin and never end."""

from __future__ import annotations

import asyncio
import logging

import pytest

from app.automations.worker import Worker
from tests.conftest import Api
from tests.outages import Outage, outages, until

OUTAGES = outages(["events"])
WARNINGS = {
    "tables renamed away": "worker pass: the database lacks tables this release uses (emptied, or migrated by an earlier release only): run `kanal db upgrade`",
    "connections refused and ended": "worker pass: database unavailable: ",
}
AGAIN = "worker pass: the database answers again"


@pytest.mark.parametrize("name", list(OUTAGES))
async def test_the_end_of_an_outage_is_one_line(
    api: Api, engine_name: str, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    outage: Outage = OUTAGES[name]
    if engine_name not in outage.engines:
        pytest.skip(f"an outage of {', '.join(outage.engines)}")
    caplog.set_level(logging.INFO, logger="kanal.worker")
    stop = asyncio.Event()
    running = asyncio.create_task(Worker(api.db).run(stop, interval=0.1))
    try:
        await asyncio.sleep(0.3)  # passes that find nothing to do: nothing logged
        assert caplog.records == []
        async with outage.begin(api.db):
            await until(lambda: len(caplog.records) >= 2)
        await until(lambda: any(record.getMessage() == AGAIN for record in caplog.records))
        await asyncio.sleep(0.5)  # more passes: nothing more
    finally:
        stop.set()
        await asyncio.wait_for(running, 10)
    lines = [(record.levelname, record.getMessage()) for record in caplog.records]
    *failing, last = lines
    assert last == ("WARNING", AGAIN), lines
    assert len(failing) >= 2 and all(level == "WARNING" for level, _ in failing), lines
    assert all(line.startswith(WARNINGS[name]) for _, line in failing), lines
