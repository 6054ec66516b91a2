"""README, Configuration: a SQLite URI in DATABASE_URL (`sqlite+aiosqlite:///file:PATH?…&uri=true`)
is checked before anything starts against the parameters SQLite takes (sqlite.org/uri.html),
and refused in the one line every refused setting gets, saying what it must be. `mode=RO`, a
mode given twice or `vfs=nope` passed, and every connection then failed with a traceback;
`mod=ro` (a misspelt name), `immutable=maybe`, a blank `mode=` and anything after a `#` were
ignored, the database opened read-write; `cache=shared` made the server's own connections lock
each other out; `mode=memory` gave each connection a database of its own (`db upgrade` migrated
one no other command saw); `modeof` naming no file was an unavailable database. Any option
given twice, or blank, on either engine, is refused as such (SQLAlchemy passed both as one
tuple, and dropped a blank one); the URL is shown as written."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from app.config import ConfigError, Settings
from tests.server import KANAL

FILE = "sqlite+aiosqlite:///file:var/kanal.db"
PARAMETERS = "vfs, mode, cache, immutable, nolock, psow, modeof"
BOOLEANS = "1, yes, true, on, 0, no, false, off"
MODES = "ro, rw, rwc"
DRIVER = "uri, cached_statements"
MEMORY = "a database in memory is one connection's, which the service's other connections and commands never see"

# URL -> what it must be
REFUSED = {
    f"{FILE}?mode=RO&uri=true": f"a SQLite URI whose mode is one of {MODES}, not 'RO'",
    f"{FILE}?mode=readonly&uri=true": f"a SQLite URI whose mode is one of {MODES}, not 'readonly'",
    f"{FILE}?mod=ro&uri=true": f"a SQLite URI whose parameters are SQLite's ({PARAMETERS}), not 'mod'",
    f"{FILE}?readonly=1&uri=true": f"a SQLite URI whose parameters are SQLite's ({PARAMETERS}), not 'readonly'",
    f"{FILE}?immutable=maybe&uri=true": f"a SQLite URI whose immutable is a boolean ({BOOLEANS}), not 'maybe'",
    f"{FILE}?nolock=2&uri=true": f"a SQLite URI whose nolock is a boolean ({BOOLEANS}), not '2'",
    f"{FILE}?vfs=nope&uri=true": "a SQLite URI whose vfs is one this SQLite has, not 'nope'",
    f"{FILE}?cache=shared&uri=true": (
        "a SQLite URI whose cache is private, not 'shared': a shared cache locks tables between the server's "
        "own connections"
    ),
    f"{FILE}?cache=none&uri=true": (
        "a SQLite URI whose cache is private, not 'none': a shared cache locks tables between the server's "
        "own connections"
    ),
    "sqlite+aiosqlite:///var/kanal.db?mode=ro&uri=true": (
        "a URL whose path, with uri=true, is a SQLite URI: sqlite+aiosqlite:///file:var/kanal.db?…"
    ),
    "sqlite+aiosqlite:///file://db.example/kanal.db?uri=true": (
        "a SQLite URI naming a file of this machine, not of 'db.example'"
    ),
    # the service cannot use (each connection would have a database of its own)
    f"{FILE}?mode=memory&uri=true": f"a SQLite URI of a file, not mode=memory: {MEMORY}",
    f"{FILE}?vfs=memdb&uri=true": f"a SQLite URI of a file, not vfs=memdb: {MEMORY}",
    f"{FILE}?modeof=/nonexistent/file&uri=true": "a SQLite URI whose modeof names a file there is, not '/nonexistent/file'",
    # SQLite stops reading at `#`: `mode=ro` after it was dropped, the database opened read-write
    f"{FILE}#x?mode=ro&uri=true": "a SQLite URI without '#', where SQLite stops reading it (a file name's # is %2523)",
    "sqlite+aiosqlite:///file:var/kanal%23x.db?mode=ro&uri=true": (
        "a SQLite URI without '#', where SQLite stops reading it (a file name's # is %2523)"
    ),
    f"{FILE}#?uri=true": "a SQLite URI without '#', where SQLite stops reading it (a file name's # is %2523)",
    # a blank option, which SQLAlchemy dropped: SQLite's default in its place
    f"{FILE}?mode=&uri=true": "a URL whose mode has a value, not none",
    f"{FILE}?uri=true&psow=": "a URL whose psow has a value, not none",
    "sqlite+aiosqlite:///var/kanal.db?timeout=": "a URL whose timeout has a value, not none",
    "postgresql+asyncpg://u@h/db?ssl=": "a URL whose ssl has a value, not none",
    "postgresql+asyncpg://u@/db?host=10.0.0.1:5432&host=": "a URL whose host has a value, not none",
    # without uri=true, options SQLAlchemy's driver does not take were dropped with a warning,
    # the database opened read-write (and the refusal named no option)
    "sqlite+aiosqlite:///x.db?mode=ro": (
        "a SQLite URI for mode, which SQLite reads there: sqlite+aiosqlite:///file:x.db?mode=ro&uri=true"
    ),
    "sqlite+aiosqlite:///./var/kanal.db?immutable=1&cached_statements=64": (
        "a SQLite URI for immutable, which SQLite reads there: "
        "sqlite+aiosqlite:///file:./var/kanal.db?immutable=1&cached_statements=64&uri=true"
    ),
    # uri=false is no uri=true: the same, SQLAlchemy dropped the parameter
    "sqlite+aiosqlite:///x.db?uri=false&mode=ro": (
        "a SQLite URI for mode, which SQLite reads there: sqlite+aiosqlite:///file:x.db?mode=ro&uri=true"
    ),
    f"{FILE}?uri=false&mode=ro": (
        "a SQLite URI for mode, which SQLite reads there: sqlite+aiosqlite:///file:var/kanal.db?mode=ro&uri=true"
    ),
    "sqlite+aiosqlite:///x.db?mode=ro&uri=0": (
        "a SQLite URI for mode, which SQLite reads there: sqlite+aiosqlite:///file:x.db?mode=ro&uri=true"
    ),
    # the driver's options the service sets on each connection itself: a URL's was overridden
    "sqlite+aiosqlite:///x.db?timeout=30": (
        "a URL without timeout: KANAL_SQLITE_BUSY_TIMEOUT_MS sets how long a statement waits for SQLite's lock"
    ),
    f"{FILE}?mode=ro&timeout=30&uri=true": (
        "a URL without timeout: KANAL_SQLITE_BUSY_TIMEOUT_MS sets how long a statement waits for SQLite's lock"
    ),
    "sqlite+aiosqlite:///x.db?timeout=abc": (
        "a URL without timeout: KANAL_SQLITE_BUSY_TIMEOUT_MS sets how long a statement waits for SQLite's lock"
    ),
    "sqlite+aiosqlite:///x.db?isolation_level=SERIALIZABLE": (
        "a URL without isolation_level: the service begins its transactions itself"
    ),
    "sqlite+aiosqlite:///x.db?check_same_thread=true": (
        "a URL without check_same_thread: the driver runs each connection on a thread of its own"
    ),
    "sqlite+aiosqlite:///x.db?detect_types=3": (
        "a URL without detect_types: the service converts the values it reads itself"
    ),
    # a value the driver cannot read: a traceback on connecting
    "sqlite+aiosqlite:///x.db?uri=maybe": "a URL whose uri is true or false, not 'maybe'",
    f"{FILE}?mode=ro&uri=2": "a URL whose uri is true or false, not '2'",
    **{
        f"sqlite+aiosqlite:///x.db?cached_statements={value}": (
            f"a URL whose cached_statements is a whole number from 0 to 2,147,483,647, not {value!r}"
        )
        for value in ("abc", "-1", "1.5", "2147483648", "99999999999999999999", "١٠")
    },
    "sqlite+aiosqlite:///x.db?foo=bar": f"a URL whose options SQLite's driver takes ({DRIVER}), not 'foo'",
    "sqlite+aiosqlite:///x.db?mode=ro&foo=bar": f"a URL whose options SQLite's driver takes ({DRIVER}), not 'mode'",
    # given twice
    f"{FILE}?mode=ro&mode=rw&uri=true": "a URL giving mode once, not 2 times",
    f"{FILE}?mode=ro&mode=ro&uri=true": "a URL giving mode once, not 2 times",
    f"{FILE}?immutable=1&immutable=1&immutable=0&uri=true": "a URL giving immutable once, not 3 times",
    f"{FILE}?mode=ro&uri=true&uri=true": "a URL giving uri once, not 2 times",
    "sqlite+aiosqlite:///var/kanal.db?timeout=5&timeout=6": "a URL giving timeout once, not 2 times",
    "postgresql+asyncpg://u@h/db?ssl=require&ssl=disable": "a URL giving ssl once, not 2 times",
    "postgresql+asyncpg://u@h/db?target_session_attrs=primary&target_session_attrs=bogus": (
        "a URL giving target_session_attrs once, not 2 times"
    ),
}
ACCEPTED = [
    f"{FILE}?mode=ro&uri=true",
    f"{FILE}?mode=rw&uri=true",
    f"{FILE}?mode=rwc&uri=true",
    f"{FILE}?immutable=1&uri=true",
    f"{FILE}?immutable=TRUE&mode=ro&uri=true",
    f"{FILE}?nolock=off&psow=yes&uri=true",
    f"{FILE}?cache=private&uri=true",
    f"{FILE}?vfs=unix-none&mode=ro&uri=true",
    f"{FILE}?modeof=/etc/passwd&uri=true",
    f"{FILE}?uri=true",
    f"{FILE}?mode=ro&uri=TRUE",
    f"{FILE}?mode=ro&uri=yes&cached_statements=0",
    "sqlite+aiosqlite:///x.db?uri=false",
    "sqlite+aiosqlite:///x.db?cached_statements=128",
    "sqlite+aiosqlite:///x.db?cached_statements=2147483647",
    "sqlite+aiosqlite:///file://localhost/var/kanal.db?uri=true",
    # asyncpg's several hosts, one `host` each
    "postgresql+asyncpg://u@/db?host=10.0.0.1:5432&host=10.0.0.2:5432",
]


@pytest.mark.parametrize(("url", "must"), REFUSED.items(), ids=list(REFUSED))
def test_a_uri_parameter_sqlite_does_not_take_is_refused_saying_what_it_must_be(
    environment: pytest.MonkeyPatch, url: str, must: str
) -> None:
    environment.setenv("DATABASE_URL", url)
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == f"DATABASE_URL={shlex.quote(url)}: must be {must}"


@pytest.mark.parametrize("url", ACCEPTED)
def test_the_parameters_sqlite_takes_are_taken(environment: pytest.MonkeyPatch, url: str) -> None:
    environment.setenv("DATABASE_URL", url)
    assert Settings.from_env().database_url == url


def test_serve_stops_in_one_line_before_opening_anything(tmp_path: os.PathLike[str]) -> None:
    url = f"{FILE}?mode=RO&uri=true"
    env = {**os.environ, "DATABASE_URL": url, "KANAL_PORT": "1"}
    done = subprocess.run([KANAL, "serve"], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (
        1,
        "",
        f"error: DATABASE_URL={shlex.quote(url)}: must be {REFUSED[url]}\n",
    )
    assert os.listdir(tmp_path) == []


def test_a_control_character_in_the_url_is_shown_as_its_escape(environment: pytest.MonkeyPatch) -> None:
    """The refusal's line carried the raw byte to the terminal and the log."""
    environment.setenv("DATABASE_URL", f"{FILE}?mode=ro\x01x&uri=true")
    with pytest.raises(ConfigError) as refused:
        Settings.from_env()
    assert str(refused.value) == (
        f"DATABASE_URL='{FILE}?mode=ro\\x01x&uri=true': must be a SQLite URI whose mode is one of {MODES}, "
        "not 'ro\\x01x'"
    )
