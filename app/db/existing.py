"""Commands that read or write the tables stop before opening a SQLite file that is not there:
opening it would leave an empty file behind (only `kanal db upgrade` creates it)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url


class NoDatabase(Exception):
    """The SQLite file the database URL names does not exist; the exception's text is its path."""


def require_existing(database_url: str) -> None:
    """Raises NoDatabase when `database_url` is a SQLite file that is not there (other engines,
    and SQLite in memory, are never refused here)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).exists():
            raise NoDatabase(url.database)
