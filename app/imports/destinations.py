"""Where an import writes, as its state records it (README "Resume"): `--resume` skips the lines
the run before confirmed, which were written where that run sent them and nowhere else. A
resume aimed elsewhere (another server, the other space of a key, another database) would skip
them there and count them as written.

The destination is text a person reads in a refusal, compared whole: a server by its URL
normalised (scheme and host in lower case, the port written out, no user or password, no `/`
at the end of the path), with the space its key writes to (live or test: a rotated key of the
same space is the same destination; the key itself is never kept); a database in this process
by its URL without its password, a SQLite file by its absolute path."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL as DatabaseURL
from sqlalchemy.engine import make_url
from yarl import URL

from app.config import sqlite_file
from app.services.keys import TEST_KEY_PREFIX

_POSTGRES_PORT = 5432  # libpq's and asyncpg's default


def over_http(url: str, key: str) -> str:
    """`http://127.0.0.1:8000, live data (a kanal_sk_live_… key)`: the server `url` (as
    `kanal import --url` checked it: http(s), a host, no query or fragment) and the space of
    `key` (test for a `kanal_sk_test_` key, else live: a key of neither is refused by the
    server before anything is written)."""
    parsed = URL(url)
    host = (parsed.host or "").rstrip(".")  # `example.com.` is `example.com`
    if ":" in host:  # an IPv6 address, written in brackets
        host = f"[{host}]"
    path = parsed.path.rstrip("/")  # the batch paths go after it, a final `/` dropped
    space = "test" if key.startswith(TEST_KEY_PREFIX) else "live"
    return f"{parsed.scheme}://{host}:{parsed.port}{path}, {space} data (a kanal_sk_{space}_… key)"


def in_process(database_url: str) -> str:
    """`the database postgresql://kanal@db:5432/kanal, in this process`: DATABASE_URL (as the
    settings checked it) without its password, its driver left out; a SQLite database by its
    file's absolute path (a relative one names another file from another directory)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        path = sqlite_file(url).path
        if path is None:
            return "a database in memory, in this process"
        return f"the database sqlite:///{Path(path).resolve()}, in this process"  # four slashes: absolute
    query = {name: value for name, value in url.query.items() if "password" not in name.lower()}
    kept = DatabaseURL.create(
        url.get_backend_name(),
        username=url.username,
        host=url.host.lower() if url.host else None,
        port=url.port or (_POSTGRES_PORT if url.host else None),
        database=url.database,
        query=dict(sorted(query.items())),
    )
    return f"the database {kept.render_as_string(hide_password=False)}, in this process"
