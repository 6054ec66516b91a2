"""README "PostgreSQL": Ctrl-C stops `kanal serve` cleanly, also right after a burst of writes
that contend for the same records (orders sharing phones and customer ids: key locks, groups
rolled back and their writes run again alone, each on a connection of its own). Shutdown closed
the kept rows' version connection (postgres.KeptVersions) with the pool's synchronous close,
outside SQLAlchemy's greenlet: once the burst had filled the write pool's queue, the pool had to
close that connection on check-in, could not (`MissingGreenlet`), logged `Exception closing
connection` with three tracebacks and left it open."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests import postgres
from tests.realserver import API, LiveServer, Prepared, prepared_database

ORDERS, PHONES, CUSTOMERS = 200, 80, 50
# (engine, `kanal serve --workers`): one process, and a supervisor whose workers each stop
SERVERS = [
    pytest.param(engine, workers, id=f"{engine}-{workers}w")
    for engine, workers in (("sqlite", 1), ("postgresql", 1), ("postgresql", 2))
    if engine in postgres.engines_under_test()
]


def _order(index: int) -> dict[str, Any]:
    return {
        "external_id": f"SH-{index}",
        "placed_at": "2026-11-01T10:00:00Z",
        "total_price": "1.00",
        "currency": "EUR",
        "customer": {"external_id": f"SHU-{index % CUSTOMERS}", "phone": f"+336123000{index % PHONES:02d}"},
    }


async def _burst(db: Prepared, server: LiveServer) -> Counter[int]:
    """Every order at once, each on a connection of its own: the statuses."""
    limits = httpx.Limits(max_connections=ORDERS, max_keepalive_connections=ORDERS)
    async with httpx.AsyncClient(base_url=server.base_url, headers=db.auth, limits=limits, timeout=60) as client:
        responses = await asyncio.gather(*(client.post(f"{API}/orders", json=_order(i)) for i in range(ORDERS)))
    return Counter(response.status_code for response in responses)


@pytest.mark.parametrize(("engine", "workers"), SERVERS)
def test_ctrl_c_after_contended_writes_stops_without_a_traceback(engine: str, workers: int, tmp_path: Path) -> None:
    """200 new orders at once, sharing 80 phones and 50 customer ids: each answered 201; then
    Ctrl-C: exit status 0, and nothing on stderr but uvicorn's and the request log's lines."""
    with prepared_database(engine, tmp_path) as db:
        server = LiveServer(db.url, workers=workers)
        try:
            statuses = asyncio.run(_burst(db, server))
        finally:
            status = server.interrupt()
        assert statuses == {201: ORDERS}, server.tracebacks()[-4000:]
        stderr = server.stderr
        assert (status, "Traceback" in stderr, "Exception closing connection" in stderr) == (
            0,
            False,
            False,
        ), stderr[-4000:]
