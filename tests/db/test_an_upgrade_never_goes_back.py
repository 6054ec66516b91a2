"""`kanal db upgrade --revision R` on a database already past R leaves it where it is and says
so (exit 1), where it printed "Database at revision R." and exit 0: an operator reading it
would believe the database downgraded. Upgrading to R or past it says where it is. A database a
later release migrated (at a migration this release does not have) is left as it is, in one
line, exit 1, where Alembic's traceback ("Can't locate revision identified by …") stopped it:
an older release's deploy script running `kanal db upgrade` in a rollback met it."""

from __future__ import annotations

import sqlite3

import pytest

from app import cli
from app.db.migrate import revision_ids

HEAD = revision_ids("head")[0]

# revisions asked one after the other on a new SQLite file -> (exit status, stdout, stderr) of each
STEPS = {
    "up to an older one, then head": [
        ("0005", (0, "Database at revision 0005.\n", "")),
        ("head", (0, "Database at revision head.\n", "")),
    ],
    "head, then base": [
        ("head", (0, "Database at revision head.\n", "")),
        ("base", (1, "", f"error: the database is at revision {HEAD}, past base: kanal db upgrade never goes back.\n")),
    ],
    "head, then an older one": [
        ("head", (0, "Database at revision head.\n", "")),
        ("0005", (1, "", f"error: the database is at revision {HEAD}, past 0005: kanal db upgrade never goes back.\n")),
    ],
    "an older one twice": [
        ("0007", (0, "Database at revision 0007.\n", "")),
        ("0007", (0, "Database at revision 0007.\n", "")),
    ],
}


@pytest.mark.parametrize("case", STEPS)
def test_an_upgrade_says_where_the_database_is(case, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}")
    answers = []
    for revision, _ in STEPS[case]:
        try:
            cli.main(["db", "upgrade", "--revision", revision])
            status = 0
        except SystemExit as exit_:
            status = exit_.code
        answers.append((status, *capsys.readouterr()))
    assert answers == [answer for _, answer in STEPS[case]]


LATER = ["0030", "0099_a_later_release", "ffffffffffff"]


@pytest.mark.parametrize("later", LATER)
@pytest.mark.parametrize("revision", ["head", "0005"])
def test_a_later_releases_database_is_left_as_it_is(later, revision, tmp_path, monkeypatch, capsys):
    path = tmp_path / "kanal.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    cli.main(["db", "upgrade"])
    capsys.readouterr()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = ?", (later,))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["db", "upgrade", "--revision", revision])
    said = (
        f"error: the database is at revision {later}, which this release does not have: a later release migrated "
        "it, and kanal db upgrade never goes back (this release serves it as it is).\n"
    )
    assert (exit_.value.code, *capsys.readouterr()) == (1, "", said)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(later,)]
