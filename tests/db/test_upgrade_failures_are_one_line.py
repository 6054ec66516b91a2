"""`kanal db upgrade` that cannot reach or write its database stops with the one line every
other `kanal` command prints (`error: the database … is unavailable: …`, exit 1), and a
`--revision` the migrations do not have is argparse's one line, exit 2. Each stopped with an
Alembic or SQLAlchemy traceback: a PostgreSQL server that refuses connections or has no such
database, a SQLite path that cannot be opened, a directory that cannot be made, a file that is
no SQLite database (SQLITE_NOTADB: a backup or an export named by mistake; every other command
and `kanal serve` stopped with a traceback too)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from app import cli
from tests import postgres

UNAVAILABLE = "error: the database {url} is unavailable: {cause}"


def _refused(tmp_path: Path) -> tuple[str, str]:
    url = "postgresql+asyncpg://postgres@127.0.0.1:9/kanal"  # the discard port: nothing listens
    return url, "ConnectionRefusedError: [Errno 111] Connect call failed ('127.0.0.1', 9)"


def _no_such_database(tmp_path: Path) -> tuple[str, str]:
    url = make_url(postgres.SERVER_URL).set(database="kanal_test_not_created").render_as_string(False)
    return url, 'InvalidCatalogNameError: database "kanal_test_not_created" does not exist'


def _a_directory(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "kanal.db").mkdir()  # SQLite cannot open it, whoever runs the test (root too)
    return f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}", "OperationalError: unable to open database file"


def _under_a_file(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "var").write_text("")
    path = tmp_path / "var" / "kanal.db"
    return f"sqlite+aiosqlite:///{path}", f"FileExistsError: [Errno 17] File exists: '{path.parent}'"


def _a_socket_directory_that_does_not_exist(tmp_path: Path) -> tuple[str, str]:
    """The query is named as written, not percent-encoded (`%2Ftmp%2F…`) as SQLAlchemy renders it."""
    url = f"postgresql+asyncpg://postgres@/kanal?host={tmp_path}/no-such-directory"
    return url, "FileNotFoundError: [Errno 2] No such file or directory"


def _not_a_database(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "orders.jsonl").write_text('{"external_id": "ORDER-1"}\n' * 100)
    return f"sqlite+aiosqlite:///{tmp_path / 'orders.jsonl'}", "DatabaseError: file is not a database"


# case: (engine it needs, the database URL and the cause the error line names)
CASES = {
    "a PostgreSQL server that refuses connections": (None, _refused),
    "a PostgreSQL database that does not exist": ("postgresql", _no_such_database),
    "a SQLite path that is a directory": (None, _a_directory),
    "a SQLite file under a regular file": (None, _under_a_file),
    "a file that is no SQLite database": (None, _not_a_database),
    "a PostgreSQL socket directory that does not exist": (None, _a_socket_directory_that_does_not_exist),
}


@pytest.mark.parametrize("case", CASES)
def test_an_unavailable_database_is_one_line(case, tmp_path, monkeypatch, capsys):
    engine, make = CASES[case]
    if engine is not None and engine not in postgres.engines_under_test():
        pytest.skip(f"{engine} is not under test")
    url, cause = make(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    with pytest.raises(SystemExit) as exit_:
        cli.main(["db", "upgrade"])
    shown = url  # no password in these: the URL as written
    assert (exit_.value.code, capsys.readouterr()) == (1, ("", UNAVAILABLE.format(url=shown, cause=cause) + "\n"))


def test_an_unknown_revision_is_refused_before_anything_runs(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["db", "upgrade", "--revision", "bogus"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "kanal db upgrade: error: argument --revision: no migration 'bogus': head, base or a revision id"
    )
    assert list(tmp_path.iterdir()) == []  # no file made
