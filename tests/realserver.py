"""Real databases and real servers, for the race and crash tests.

- `prepared_database(engine, tmp_path)`: a fresh database (a SQLite file in tmp_path, or a
  scratch PostgreSQL database dropped afterwards) as the real `kanal` CLI prepares it, exactly as
  the operator would: migrate, create store 123 (region FR), lift its rate limit, issue a key
  (done once per run and engine, each test getting a copy).
- `LiveServer`: `kanal serve` (tests.server.Server, which drains its stderr into memory) with
  what it logged at hand: a failing test shows the server's tracebacks.
- `read_tables(url, ...)`: the rows the tests assert on, read with the app's own `Database`.
"""

from __future__ import annotations

import atexit
import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import tables
from app.db.database import Database
from tests import postgres
from tests.server import Server, kanal

STORE_ID = 123
API = f"/api/v1/stores/{STORE_ID}"


@dataclass(frozen=True)
class Prepared:
    """A database ready to serve store 123, and the store key the CLI printed."""

    engine: str
    url: str
    key: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}


def prepare(url: str, engine: str) -> Prepared:
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", str(STORE_ID), "--name", "X", "--region", "FR")
    kanal(url, "stores", "set-rate-limit", str(STORE_ID), "1000000")
    key = kanal(url, "keys", "create", "--store", str(STORE_ID)).stdout.strip().splitlines()[-1]
    assert key.startswith("kanal_sk_live_"), key
    return Prepared(engine=engine, url=url, key=key)


# engine -> its database prepared once per run (four `kanal` processes: seconds on a loaded
# machine), which each test's database is a copy of
_TEMPLATES: dict[str, Prepared] = {}


def _template(engine: str) -> Prepared:
    template = _TEMPLATES.get(engine)
    if template is None:
        if engine == "sqlite":
            directory = Path(tempfile.mkdtemp(prefix="kanal-template-"))
            atexit.register(shutil.rmtree, directory, True)
            template = prepare(f"sqlite+aiosqlite:///{directory}/kanal.db", engine)
        elif engine == "postgresql":
            scratch = postgres.scratch_database()
            template = prepare(scratch.__enter__(), engine)
            atexit.register(scratch.__exit__, None, None, None)
        else:
            raise ValueError(f"unknown engine {engine!r}")
        _TEMPLATES[engine] = template
    return template


@contextlib.contextmanager
def prepared_database(engine: str, tmp_path: Path) -> Iterator[Prepared]:
    """A database of its own, as `prepare` leaves one: a copy of the run's template (a SQLite
    file copied, a PostgreSQL database created from it)."""
    template = _template(engine)
    if engine == "sqlite":
        source = Path(make_url(template.url).database or "")
        for suffix in ("", "-wal"):  # the CLI's last connection checkpointed; a WAL left is copied too
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{tmp_path}/kanal.db{suffix}")
        yield replace(template, url=f"sqlite+aiosqlite:///{tmp_path}/kanal.db")
    else:
        with postgres.scratch_database(template=make_url(template.url).database) as url:
            yield replace(template, url=url)


class LiveServer:
    """`kanal serve` (tests.server.Server) whose output is kept: `stderr`, and `tracebacks()`
    for a failing test to show."""

    def __init__(
        self, database_url: str, workers: int = 1, env: dict[str, str] | None = None, access_log: bool = False
    ):
        self.workers = workers
        self._server = Server(database_url, workers=workers, env=env, access_log=access_log)
        self.base_url = self._server.base_url

    @property
    def stderr(self) -> str:
        return self._server.output

    def tracebacks(self) -> str:
        """What the server logged about failed requests (empty when nothing failed)."""
        # not uvicorn's INFO lines, nor the request log's JSON lines (one per request)
        return "".join(line for line in self._server.lines if "INFO" not in line and not line.startswith("{"))

    def kill(self) -> None:
        """SIGKILL, as a crash would (only meaningful with one worker: no supervisor)."""
        self._server.kill()

    def stop(self) -> None:
        self._server.stop()

    def interrupt(self) -> int:
        """Ctrl-C (SIGINT); the exit status once it has shut down."""
        return self._server.interrupt()


@contextlib.contextmanager
def serving(database_url: str, workers: int = 1) -> Iterator[LiveServer]:
    server = LiveServer(database_url, workers=workers)
    try:
        yield server
    finally:
        server.stop()


async def read_tables(url: str, *names: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the named tables (ordered by id), read with the app's Database."""
    db = Database(Settings(database_url=url))
    try:
        result = {}
        for name in names:
            table = tables.metadata.tables[name]
            statement = select(table).order_by(table.c.id)
            result[name] = await db.read(lambda conn, s=statement: [dict(r) for r in conn.execute(s).mappings()])
        return result
    finally:
        await db.dispose()
