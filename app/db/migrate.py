"""Alembic, driven from code: `kanal db upgrade` and the tests call `upgrade`."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url

from app.config import sqlite_file
from app.db.unavailable import DatabaseUnavailable

MIGRATIONS = Path(__file__).parent / "migrations"


class MigratedByALaterRelease(Exception):
    """The database is at `revision`, a migration this release does not have: a later release
    migrated it (README "Production": this release serves such a database as it is)."""

    def __init__(self, revision: str):
        super().__init__(revision)
        self.revision = revision


class TablesWithoutRecord(Exception):
    """The database has `count` of Kanal's tables but no record of the migration it is at (no
    `alembic_version` row, or no such table: a partial restore, a dump without it): upgrading it
    would create them again (`table stores already exists`), so `upgrade` refuses."""

    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


# alembic's words for a revision its scripts do not have (alembic.script.revision)
_NO_SUCH_REVISION = re.compile(r"Can't locate revision identified by '([^']*)'")


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["database_url"] = database_url  # not via set_main_option: '%' would need escaping
    return config


def known_revision(revision: str) -> bool:
    """Whether the migrations can upgrade to `revision` (`head`, `base`, an id or its start)."""
    try:
        ScriptDirectory.from_config(alembic_config("")).get_revisions(revision)
    except CommandError:
        return False
    return True


def revision_ids(revision: str) -> tuple[str, ...]:
    """The migration ids `revision` names (`head`: the newest one's; `base`: none)."""
    scripts = ScriptDirectory.from_config(alembic_config("")).get_revisions(revision)
    return tuple(script.revision for script in scripts if script is not None)


def upgrades_from(revision: str) -> bool:
    """Whether `revision` (a migration id a database is at) is one of this release's: an id it
    does not know is a later release's."""
    try:
        return ScriptDirectory.from_config(alembic_config("")).get_revision(revision) is not None
    except CommandError:
        return False


def upgrade(database_url: str, revision: str = "head") -> tuple[str, ...]:
    """Migrate `database_url` to `revision`, making a SQLite file's directory first; the
    revision ids the database is at afterwards (newer than `revision` when it already was:
    an upgrade never goes back). Raises DatabaseUnavailable when the directory cannot be made or
    the database cannot be connected to or written (`migrations/env.py`), and
    MigratedByALaterRelease when the database is at a migration this release does not have
    (`revision` itself is one it has: `known_revision`)."""
    url = make_url(database_url)
    path = sqlite_file(url).path if url.get_backend_name() == "sqlite" else None
    if path is not None:
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # a parent that is a file, or a directory that cannot be written
            raise DatabaseUnavailable(exc) from exc
    config = alembic_config(database_url)
    config.attributes["refuse_unrecorded_tables"] = True  # raises TablesWithoutRecord (env.py)
    _run(command.upgrade, config, revision)
    return tuple(config.attributes.get("heads", ()))


class NothingToStamp(Exception):
    """`stamp` found no Kanal tables (`tables`, 0), a migration recorded already (`recorded`: the
    revisions it names), or tables that are not all of this release's (`missing`: how many of
    its tables and columns are not there): recording this release's revision would make the
    next upgrade skip what they lack, or run migrations over tables they do not match."""

    def __init__(self, tables: int, recorded: tuple[str, ...] = (), missing: int = 0):
        super().__init__(tables, recorded, missing)
        self.tables = tables
        self.recorded = recorded
        self.missing = missing


def stamp(database_url: str) -> None:
    """Record this release's newest migration as the one `database_url` is at, running none
    (`kanal db stamp`: this release's tables, every column of them there, without that record,
    and only such a one). Raises existing.NoDatabase (a SQLite file that is not there: nothing
    is created), NothingToStamp (no Kanal tables, a migration recorded already, or tables or
    columns missing), and as `upgrade` does."""
    from app.db.existing import require_existing

    require_existing(database_url)
    config = alembic_config(database_url)
    config.attributes["stamp_unrecorded_only"] = True  # raises NothingToStamp (env.py)
    _run(command.stamp, config, "head")


def _run(alembic_command: Callable[[Config, str], None], config: Config, revision: str) -> None:
    """`alembic_command(config, revision)`; MigratedByALaterRelease for a database at a
    migration this release does not have."""
    try:
        alembic_command(config, revision)
    except CommandError as exc:
        unknown = _NO_SUCH_REVISION.search(str(exc))
        if unknown is None:
            raise
        raise MigratedByALaterRelease(unknown[1]) from None
