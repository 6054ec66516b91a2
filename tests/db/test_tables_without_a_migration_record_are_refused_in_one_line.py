"""`kanal db upgrade` on a database that has Kanal's tables but no migration record (its
`alembic_version` emptied or missing: a partial restore, a dump without it) refuses in one
line, exit 1, saying what it found and what to do, and changes nothing; it stopped with two
tracebacks ending in `table stores already exists`. `kanal db stamp` records this release's
revision for this release's tables, every column there, after which `kanal db upgrade` runs as
on any migrated database; it takes no revision (one named wrongly made the next upgrade run
migrations over tables they did not match, with tracebacks), and refuses tables or columns
missing. Both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app import cli
from app.db.migrate import revision_ids
from app.db.tables import metadata
from tests import postgres
from tests.db.migrated import database_at, run

(HEAD,) = revision_ids("head")  # this release's newest migration
REFUSED = (
    f"error: the database has {len(metadata.tables)} of Kanal's tables but no migration record (no "
    "alembic_version): restore it with its alembic_version table, or record the revision it is at with "
    "kanal db stamp when its tables are this release's, then run kanal db upgrade.\n"
)
# how the record was lost -> the statement that loses it
LOST = {
    "its row deleted": "DELETE FROM alembic_version",
    "its table dropped": "DROP TABLE alembic_version",
}


@pytest.fixture(params=postgres.engines_under_test())
def migrated(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new database of each engine at head, DATABASE_URL naming it."""
    with database_at(request.param, tmp_path, "head") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


def _tables(url: str) -> set[str]:
    return asyncio.run(run(url, lambda conn: set(inspect(conn).get_table_names())))


def _lose_the_record(url: str, lost: str) -> None:
    asyncio.run(run(url, lambda conn: conn.execute(text(LOST[lost]))))


def _cli(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        cli.main(list(argv))
        status = 0
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    return (status, *capsys.readouterr())


@pytest.mark.parametrize("lost", LOST)
@pytest.mark.parametrize("revision", ["head", "0005"])
def test_an_upgrade_refuses_tables_without_a_record(migrated, lost, revision, capsys) -> None:
    _lose_the_record(migrated, lost)
    before = _tables(migrated)
    assert _cli("db", "upgrade", "--revision", revision, capsys=capsys) == (1, "", REFUSED)
    assert _tables(migrated) == before  # nothing created, nothing dropped


@pytest.mark.parametrize("lost", LOST)
def test_a_stamp_records_the_revision_and_the_upgrade_then_runs(migrated, lost, capsys) -> None:
    _lose_the_record(migrated, lost)
    assert _cli("db", "stamp", capsys=capsys) == (
        0,
        "Database recorded at this release's revision; no migration was run.\n",
        "",
    )
    assert _cli("db", "upgrade", capsys=capsys) == (0, "Database at revision head.\n", "")


# A stamp records a revision for tables that have none, and no other: on a database recorded
# already (it would make the next upgrade run migrations over tables they do not match), on one
# without Kanal's tables, or where there is no SQLite file (it left an empty database behind,
# recorded at head), it refuses in one line and changes nothing.
def test_a_stamp_over_a_recorded_migration_is_refused(migrated, capsys) -> None:
    before = _tables(migrated)
    refused = (
        f"error: the database {migrated} is recorded at revision {HEAD} already: kanal db stamp records one for "
        "tables that have none; run kanal db upgrade.\n"
    )
    assert _cli("db", "stamp", capsys=capsys) == (1, "", refused)
    assert _tables(migrated) == before
    assert _cli("db", "upgrade", capsys=capsys) == (0, "Database at revision head.\n", "")


def test_a_stamp_without_kanals_tables_is_refused(tmp_path, monkeypatch, capsys) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
    asyncio.run(run(url, lambda conn: conn.execute(text("CREATE TABLE notes (a)"))))
    monkeypatch.setenv("DATABASE_URL", url)
    said = (
        f"error: the database {url} has no Kanal tables: run `kanal db upgrade` first, or run kanal where the "
        "service's database is (same directory, or the same DATABASE_URL).\n"
    )
    assert _cli("db", "stamp", capsys=capsys) == (1, "", said)
    assert _tables(url) == {"notes"}


def test_a_stamp_where_there_is_no_database_creates_none(tmp_path, monkeypatch, capsys) -> None:
    missing = tmp_path / "kanal.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{missing}")
    said = (
        f"error: there is no database at {missing}: run `kanal db upgrade` first, or run kanal where the "
        "service's database is (same directory, or the same DATABASE_URL).\n"
    )
    assert _cli("db", "stamp", capsys=capsys) == (1, "", said)
    assert list(tmp_path.iterdir()) == []


# Tables that are not all of this release's: a table dropped, a column dropped.
INCOMPLETE = {
    "a table missing": ("DROP TABLE product_days", 1),
    "a column missing": ("ALTER TABLE stores DROP COLUMN timezone", 1),
}


@pytest.mark.parametrize("change", INCOMPLETE)
def test_a_stamp_of_tables_not_all_this_releases_is_refused(migrated, change, capsys) -> None:
    _lose_the_record(migrated, "its table dropped")
    statement, missing = INCOMPLETE[change]
    asyncio.run(run(migrated, lambda conn: conn.execute(text(statement))))
    before = _tables(migrated)
    said = (
        f"error: the database {migrated} lacks {missing} of this release's tables or columns: kanal db stamp "
        "records this release's revision for its tables alone; restore the database from a backup that holds "
        "its alembic_version table.\n"
    )
    assert _cli("db", "stamp", capsys=capsys) == (1, "", said)
    assert _tables(migrated) == before
    assert _cli("db", "upgrade", capsys=capsys) == (1, "", REFUSED.replace(str(len(metadata.tables)), str(len(before))))


@pytest.mark.parametrize("argument", ["head", "0001", "0029@head", "base"])
def test_a_stamp_takes_no_revision(migrated, argument, capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["db", "stamp", argument])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == f"kanal: error: unrecognized arguments: {argument}"
