"""`kanal db upgrade` on a database that has Kanal's tables but no migration record (its
`alembic_version` emptied or missing: a partial restore, a dump without it) refuses in one
line, exit 1, saying what it found and what to do, and changes nothing; it stopped with two
tracebacks ending in `table stores already exists`. `kanal db stamp REVISION` records the
revision the tables are at, after which `kanal db upgrade` runs as on any migrated database.
Both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from app import cli
from app.db.tables import metadata
from tests import postgres
from tests.db.migrated import database_at, run

REFUSED = (
    f"error: the database has {len(metadata.tables)} of Kanal's tables but no migration record (no "
    "alembic_version): restore it with its alembic_version table, or record the revision it is at with "
    "kanal db stamp REVISION, then run kanal db upgrade.\n"
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
    assert _cli("db", "stamp", "head", capsys=capsys) == (
        0,
        "Database recorded at revision head; no migration was run.\n",
        "",
    )
    assert _cli("db", "upgrade", capsys=capsys) == (0, "Database at revision head.\n", "")
