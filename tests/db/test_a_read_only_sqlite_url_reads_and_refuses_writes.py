"""README, Configuration, `DATABASE_URL`: SQLite opens a database read-only through a SQLite URI,
`sqlite+aiosqlite:///file:PATH?mode=ro&uri=true` (or `immutable=1`). Every command that reads
works on it, and `kanal serve` answers its reads and `/healthz`; a write is refused in one
line (a command: exit 1; the server: 503 without `Retry-After`, no traceback), `kanal db
upgrade`, `kanal worker` and `kanal import` (without `--url`) refuse it before opening
anything, and nothing is written or made.
With `uri=true` a path that is no `file:` URI (`///var/kanal.db?mode=ro&uri=true`) is refused at
start-up: SQLite took the path and its query as one file name and made a new empty database
(`kanal.db?mode=ro`) beside the one meant, which `kanal db upgrade` then migrated. These are
SQLite URIs: PostgreSQL has none."""

from __future__ import annotations

import os
import shlex
import sqlite3
import subprocess
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import order_body
from tests.realserver import API, prepared_database, serving
from tests.server import KANAL

AGAIN = "run `kanal db upgrade` first, or run kanal where the service's database is (same directory, or the same DATABASE_URL)."
READ_ONLY = "is opened read-only (mode=ro or immutable in DATABASE_URL)"


def _kanal(url: str, cwd: Path, *argv: str) -> tuple[int, str, str]:
    env = {**os.environ, "KANAL_REQUEST_LOG": "off", "DATABASE_URL": url}
    done = subprocess.run([KANAL, *argv], env=env, cwd=cwd, capture_output=True, text=True, timeout=60)
    return done.returncode, done.stdout, done.stderr


def _files(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT id, status FROM stores UNION ALL SELECT id, revoked_at FROM api_keys").fetchall()


# URLs whose `uri=true` would have SQLite open a file named after the path and its query ->
# what the URL must be
NOT_A_FILE_URI = {
    "mode=ro": "sqlite+aiosqlite:///kanal.db?mode=ro&uri=true",
    "uri alone": "sqlite+aiosqlite:///kanal.db?uri=true",
    "uri=1, mode=rw": "sqlite+aiosqlite:///kanal.db?mode=rw&uri=1",
    "absolute path": "sqlite+aiosqlite:///{tmp}/kanal.db?mode=ro&uri=true",
    "cache=shared": "sqlite+aiosqlite:///kanal.db?cache=shared&uri=true",
    "another host's file": "sqlite+aiosqlite:///file://db.internal/kanal.db?mode=ro&uri=true",
}
MUST_BE = "a URL whose path, with uri=true, is a SQLite URI: sqlite+aiosqlite:///file:{path}?…"
ANOTHER_HOST = "a SQLite URI naming a file of this machine, not of 'db.internal'"


@pytest.mark.parametrize("command", [["stores", "list"], ["db", "upgrade"]])
@pytest.mark.parametrize("url", NOT_A_FILE_URI.values(), ids=NOT_A_FILE_URI.keys())
def test_a_uri_path_that_is_no_file_uri_is_refused_at_start_up(url, command, tmp_path):
    (tmp_path / "kanal.db").write_bytes(b"")
    url = url.format(tmp=tmp_path)
    must = ANOTHER_HOST if "db.internal" in url else MUST_BE.format(path=make_url(url).database)
    said = f"error: DATABASE_URL={shlex.quote(url)}: must be {must}\n"
    assert _kanal(url, tmp_path, *command) == (1, "", said)
    assert _files(tmp_path) == ["kanal.db"]


# The SQLite URIs of the prepared database `kanal.db` in the test's directory, read-only
READ_ONLY_URIS = {
    "relative": "sqlite+aiosqlite:///file:kanal.db?mode=ro&uri=true",
    "absolute": "sqlite+aiosqlite:///file:{tmp}/kanal.db?mode=ro&uri=true",
    "file:///": "sqlite+aiosqlite:///file://{tmp}/kanal.db?mode=ro&uri=true",
    "localhost": "sqlite+aiosqlite:///file://localhost{tmp}/kanal.db?mode=ro&uri=true",
    "immutable": "sqlite+aiosqlite:///file:kanal.db?immutable=1&uri=true",
}
READS = {"stores list": ["stores", "list"], "keys list": ["keys", "list"]}
WRITES = {
    "stores pause": ["stores", "pause", "123"],
    "keys create": ["keys", "create", "--store", "123"],
}
REFUSED_BEFORE = {
    "db upgrade": ["db", "upgrade"],
    "worker": ["worker"],
    "worker --once": ["worker", "--once"],
    # before the file is read (an import in this process writes to DATABASE_URL)
    "import": ["import", "orders.jsonl", "--store", "123", "--resource", "orders"],
}


@pytest.mark.parametrize("url", READ_ONLY_URIS.values(), ids=READ_ONLY_URIS.keys())
def test_reads_work_and_writes_are_refused_in_one_line(url, tmp_path):
    with prepared_database("sqlite", tmp_path) as _prepared:
        url = url.format(tmp=tmp_path)
        before, files = _rows(tmp_path / "kanal.db"), _files(tmp_path)
        read = {name: _kanal(url, tmp_path, *argv) for name, argv in READS.items()}
        written = {name: _kanal(url, tmp_path, *argv) for name, argv in WRITES.items()}
        refused = {name: _kanal(url, tmp_path, *argv) for name, argv in REFUSED_BEFORE.items()}
    assert {name: (code, err) for name, (code, _out, err) in read.items()} == dict.fromkeys(READS, (0, ""))
    assert read["stores list"][1].splitlines()[1].split()[:2] == ["123", "X"]
    assert written == dict.fromkeys(
        WRITES, (1, "", f"error: the database {url} {READ_ONLY}: this command writes to it.\n")
    )
    assert refused == {
        name: (
            1,
            "",
            f"error: the database {url} {READ_ONLY}: `kanal {name.split(' --')[0]}` writes to it; "
            "run it with a DATABASE_URL without mode=ro or immutable.\n",
        )
        for name in REFUSED_BEFORE
    }
    assert (_rows(tmp_path / "kanal.db"), _files(tmp_path)) == (before, files)


@pytest.mark.parametrize("command", [*READS, *WRITES])
def test_a_read_only_uri_of_no_file_says_there_is_none_and_makes_none(command, tmp_path):
    url = "sqlite+aiosqlite:///file:var/kanal.db?mode=ro&uri=true"
    argv = {**READS, **WRITES}[command]
    assert _kanal(url, tmp_path, *argv) == (1, "", f"error: there is no database at var/kanal.db: {AGAIN}\n")
    assert _kanal(url, tmp_path, "db", "upgrade")[0] == 1
    assert _files(tmp_path) == []


async def test_a_server_on_a_read_only_uri_reads_and_refuses_writes(tmp_path):
    with prepared_database("sqlite", tmp_path) as prepared:
        seeded = prepared.url
        with serving(seeded) as server:  # an order to read, written read-write
            async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
                assert (await client.post(f"{API}/orders", json=order_body())).status_code == 201
        before, files = _rows(tmp_path / "kanal.db"), _files(tmp_path)
        url = f"sqlite+aiosqlite:///file:{tmp_path}/kanal.db?mode=ro&uri=true"
        with serving(url) as server:
            async with httpx.AsyncClient(base_url=server.base_url, headers=prepared.auth) as client:
                health = await client.get("/healthz")
                read = await client.get(f"{API}/orders/ORDER-1001")
                write = await client.post(f"{API}/orders", json=order_body(external_id="ORDER-2"))
                patch = await client.patch(f"{API}/orders/ORDER-1001", json={"financial_status": "paid"})
        logged = server.stderr  # once it has stopped: every line it wrote read
    assert (health.status_code, health.json()["database"]) == (200, True)
    assert (read.status_code, read.json()["external_id"]) == (200, "ORDER-1001")
    refusal = {
        "error": "The database is opened read-only (mode=ro or immutable in DATABASE_URL): this server takes no writes."
    }
    for answer in (write, patch):
        assert (answer.status_code, answer.json(), answer.headers.get("retry-after")) == (503, refusal, None)
    assert "Traceback" not in logged
    assert "ReadOnlyUrl: DATABASE_URL opens the database read-only (mode=ro or immutable): a write is refused" in logged
    assert (_rows(tmp_path / "kanal.db"), _files(tmp_path)) == (before, files)
