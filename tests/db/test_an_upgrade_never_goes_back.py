"""`kanal db upgrade --revision R` on a database already past R leaves it where it is and says
so (exit 1), where it printed "Database at revision R." and exit 0: an operator reading it
would believe the database downgraded. Upgrading to R or past it says where it is."""

from __future__ import annotations

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
