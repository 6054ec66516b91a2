"""README, "When the database is unavailable": a SQLite file deleted, moved or replaced under a
running server is a database that cannot serve: `/healthz` answers `503 "database": false` and a
write `503` with `Retry-After`, saying it lasts until the server is restarted (the log names
the file: `DatabaseFileGone: … restart it`), and the server creates no file at the path (only
`kanal db upgrade` does). The health probe's
connection read the deleted file and said `"database": true`, the writes went to it (lost with
it) or, on a new connection, to a new empty file the server made at the path. SQLite's files
only: a PostgreSQL server has no file under the process."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from app.config import Settings
from app.main import create_app
from tests.conftest import order_body
from tests.realserver import API, prepared_database, serving

UNAVAILABLE = {
    "error": "The database is unavailable right now. Try again in a few seconds; sending a write again "
    "is safe (writes are idempotent upserts)."
}
# Not for a few seconds: until the operator restarts the server.
UNTIL_RESTARTED = {
    "error": "The database is unavailable until the service is restarted: its database file was deleted or "
    "replaced under it. Sending a write again then is safe (writes are idempotent upserts)."
}


def _delete(database: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def _empty_in_its_place(database: Path) -> None:
    _delete(database)
    database.write_bytes(b"")


def _copy_in_its_place(database: Path) -> None:
    shutil.copyfile(database, database.with_name("copy.db"))
    os.replace(database.with_name("copy.db"), database)


def _moved(database: Path) -> None:
    database.rename(database.with_name("moved.db"))


CHANGES: dict[str, Callable[[Path], None]] = {
    "deleted": _delete,
    "an empty file in its place": _empty_in_its_place,
    "a copy in its place": _copy_in_its_place,
    "moved away": _moved,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
async def test_healthz_and_writes_say_the_file_is_gone(change, tmp_path):
    database = tmp_path / "kanal.db"
    with prepared_database("sqlite", tmp_path) as prepared, serving(prepared.url) as server:
        async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
            first = await client.post(f"{API}/orders", json=order_body())
            before = await client.get("/healthz")
            change(database)
            health = await client.get("/healthz")
            write = await client.post(f"{API}/orders", json=order_body(external_id="ORDER-2"))
            again = await client.get("/healthz")
    logged = server.stderr  # once it has stopped: every line it wrote read (its log is written a turn later)
    assert (first.status_code, before.status_code) == (201, 200)
    assert [(answer.status_code, answer.json()["database"]) for answer in (health, again)] == [(503, False)] * 2
    assert (write.status_code, write.json(), write.headers["retry-after"]) == (503, UNTIL_RESTARTED, "5")
    gone = (
        f"DatabaseFileGone: the database file {database} was deleted or replaced under the running process: restart it"
    )
    assert gone in logged
    assert "Traceback" not in logged
    if change is _delete:
        assert not database.exists()


async def test_a_server_on_a_path_with_no_file_makes_none(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/var/kanal.db"
    app = create_app(Settings.from_env(database_url=url))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            health = await client.get("/healthz")
            read = await client.get(f"{API}/orders/ORDER-1", headers={"Authorization": "Bearer x"})
    finally:
        await app.state.db.dispose()
    assert (health.status_code, health.json()["database"]) == (503, False)
    assert (read.status_code, read.json(), read.headers["retry-after"]) == (503, UNAVAILABLE, "5")
    assert list(tmp_path.iterdir()) == []
