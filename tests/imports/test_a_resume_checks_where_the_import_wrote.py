"""README "Resume": the state records where the import wrote (a server's URL and the space of
its key, or the database of an import in this process), and a `--resume` aimed elsewhere is
refused, saying both, the state kept and nothing written. It skipped the lines the run before
confirmed, which exist only where that run wrote, and counted them as created. A key of the
same space (a rotated one) and the same server's URL written otherwise go on; the key itself is
never kept. A state written before the destination was kept is refused too."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app.imports import destinations
from tests.imports.files import kanal_import, order, write_jsonl
from tests.realserver import LiveServer, Prepared, prepared_database, read_tables
from tests.server import kanal

TEST_SPACE = ~123  # the store's test space, where a test key's writes go (app/domain/livemode.py)


class Places:
    """The destinations of one test: `kanal serve` on the prepared database (a live key, another
    live key, a test key) and two databases in this process (the prepared one, another)."""

    def __init__(self, prepared: Prepared, other: Prepared, server: LiveServer):
        self.prepared, self.other, self.server = prepared, other, server
        self.test_key = kanal(prepared.url, "keys", "create", "--store", "123", "--test").stdout.split()[-1]
        self.rotated_key = kanal(prepared.url, "keys", "create", "--store", "123").stdout.split()[-1]

    def args(self, place: str) -> tuple[str, list[str]]:
        """The DATABASE_URL and the options of an import to `place`."""
        url = self.server.base_url
        over_http = {
            "a live key": [url, self.prepared.key],
            "a test key": [url, self.test_key],
            "another live key": [url, self.rotated_key],
            "a live key, the URL written otherwise": [url.replace("http://", "HTTP://") + "/", self.prepared.key],
        }
        if place in over_http:
            given, key = over_http[place]
            return self.prepared.url, ["--url", given, "--key", key]
        return (self.other.url if place == "another database" else self.prepared.url), []

    async def written(self, place: str) -> list[str]:
        """The external ids of the orders `place` holds (in its space: live or test)."""
        database = self.other.url if place == "another database" else self.prepared.url
        space = TEST_SPACE if place == "a test key" else 123
        rows = (await read_tables(database, "orders"))["orders"]
        return sorted(row["external_id"] for row in rows if row["store_id"] == space)

    def said(self, place: str) -> str:
        """The destination as a refusal names it."""
        if place in ("in this process", "another database"):
            url = make_url(self.other.url if place == "another database" else self.prepared.url)
            if url.get_backend_name() == "sqlite":
                return f"the database sqlite:///{Path(url.database or '').resolve()}, in this process"
            return f"the database {url.set(drivername='postgresql').render_as_string()}, in this process"
        space = "test" if place == "a test key" else "live"
        return f"{self.server.base_url}, {space} data (a kanal_sk_{space}_… key)"


@pytest.fixture
def places(prepared: Prepared, tmp_path: Path) -> Iterator[Places]:
    (tmp_path / "other").mkdir()
    server = LiveServer(prepared.url)
    try:
        with prepared_database("sqlite", tmp_path / "other") as other:
            yield Places(prepared, other, server)
    finally:
        server.stop()


# the run before's destination -> the resume's, and whether it goes on
RESUMES = {
    "a test key, then a live key": ("a test key", "a live key", False),
    "a live key, then a test key": ("a live key", "a test key", False),
    "a live key, then another live key": ("a live key", "another live key", True),
    "a live key, then the URL written otherwise": ("a live key", "a live key, the URL written otherwise", True),
    "over --url, then in this process": ("a live key", "in this process", False),
    "in this process, then over --url": ("in this process", "a live key", False),
    "in this process, then on another database": ("in this process", "another database", False),
    "in this process, then on the same database": ("in this process", "in this process", True),
}


@pytest.mark.parametrize("name", RESUMES)
async def test_a_resume_goes_on_only_where_the_run_before_wrote(places: Places, tmp_path: Path, name: str) -> None:
    before, now, goes_on = RESUMES[name]
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(4)])
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    database, options = places.args(before)
    first = kanal_import(database, *args, *options)
    assert first.returncode == 0, first.stderr[-2000:]
    write_jsonl(source, [order(n) for n in range(6)])  # two lines appended
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    kept = state_path.read_text()
    written_before = await places.written(now)

    database, options = places.args(now)
    resumed = kanal_import(database, *args, *options, "--resume")

    everything = [f"H-{n}" for n in range(6)]
    if goes_on:
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert resumed.stdout.splitlines()[1] == (
            "With the runs before, 6 records: 6 created, 0 replaced or replayed, 0 stale, 0 refused"
        )
        assert await places.written(now) == everything
        return
    assert (resumed.returncode, resumed.stdout) == (1, "")
    assert resumed.stderr == (
        f"error: {state_path} is the state of importing {source.resolve()} to {places.said(before)}, not to "
        f"{places.said(now)}: the lines it confirmed were written there only. To go on with that import, give "
        "--resume the same --url and a key of the same space (or the same DATABASE_URL); for this one, run "
        "without --resume (which imports the file whole and replaces that state), or give --report a new path.\n"
    )
    assert (state_path.read_text(), await places.written(now)) == (kept, written_before)
    again = kanal_import(database, *args, *options)  # as the refusal says: the file whole, there
    assert again.returncode == 0, again.stderr[-2000:]
    assert await places.written(now) == everything


async def test_the_state_keeps_no_key(places: Places, tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(2)])
    database, options = places.args("a test key")
    done = kanal_import(database, source, "--store", "123", "--resource", "orders", *options)
    assert done.returncode == 0, done.stderr[-2000:]
    kept = (tmp_path / "orders.jsonl.report.jsonl.state").read_text()
    secret = places.test_key.removeprefix("kanal_sk_test_")
    assert [part for part in (secret[:8], secret[8:16], secret[16:24], secret[24:]) if part in kept] == []
    assert json.loads(kept)["destination"] == places.said("a test key")


async def test_a_state_that_records_no_destination_is_refused(places: Places, tmp_path: Path) -> None:
    """Written before the destination was kept: where its lines went cannot be told, and
    importing the file whole again changes nothing where they were written."""
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(4)])
    args = (source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    assert kanal_import(places.prepared.url, *args).returncode == 0
    state_path = tmp_path / "orders.jsonl.report.jsonl.state"
    older = {name: value for name, value in json.loads(state_path.read_text()).items() if name != "destination"}
    state_path.write_text(json.dumps(older))
    write_jsonl(source, [order(n) for n in range(6)])

    resumed = kanal_import(places.prepared.url, *args, "--resume")

    assert (resumed.returncode, resumed.stdout) == (1, "")
    assert resumed.stderr == (
        f"error: {state_path} does not record where its import wrote (written before resumes checked it): run "
        f"without --resume to import {source} whole (a record written before is replayed, changing nothing), or "
        "give --report a new path.\n"
    )
    assert json.loads(state_path.read_text()) == older
    assert await places.written("in this process") == [f"H-{n}" for n in range(4)]


# a server URL (as --url checks it) -> as the state records it, with a live key
SERVER_URLS = {
    "http://127.0.0.1:8000": "http://127.0.0.1:8000",
    "HTTP://LocalHost:8000/": "http://localhost:8000",
    "http://example.com": "http://example.com:80",
    "https://Example.com./kanal/": "https://example.com:443/kanal",
    "http://[::1]:8000/": "http://[::1]:8000",
    "http://user:secret@example.com:8000": "http://example.com:8000",
}


@pytest.mark.parametrize("url", SERVER_URLS)
def test_a_server_url_is_recorded_normalised(url: str) -> None:
    recorded = destinations.over_http(url, "kanal_sk_live_0123456789")
    assert recorded == f"{SERVER_URLS[url]}, live data (a kanal_sk_live_… key)"


# DATABASE_URL -> as the state records it: no password, no driver
DATABASE_URLS = {
    "postgresql+asyncpg://kanal:secret@DB.example/kanal": "postgresql://kanal@db.example:5432/kanal",
    "postgresql+asyncpg://kanal@db:6543/kanal?ssl=require&password=secret": "postgresql://kanal@db:6543/kanal?ssl=require",
    "sqlite+aiosqlite:////srv/kanal/kanal.db": "sqlite:////srv/kanal/kanal.db",
}


@pytest.mark.parametrize("url", DATABASE_URLS)
def test_a_database_url_is_recorded_without_its_password(url: str) -> None:
    assert destinations.in_process(url) == f"the database {DATABASE_URLS[url]}, in this process"


def test_a_relative_sqlite_path_is_recorded_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    recorded = destinations.in_process("sqlite+aiosqlite:///./var/kanal.db")
    assert recorded == f"the database sqlite:///{tmp_path.resolve()}/var/kanal.db, in this process"
