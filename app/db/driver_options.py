"""The options a DATABASE_URL's query string may carry: those its driver takes, as it takes them.

SQLAlchemy hands a URL's query to the driver's `connect()`: an option asyncpg does not take
(`?foo=bar`, libpq's `sslmode`), an `ssl` mode it does not know, or a value SQLAlchemy cannot
convert (SQLite's `?timeout=abc`) failed only on connecting, where it read as the database
being unavailable (503 with "try again in a few seconds", for as long as the process ran), or
as a traceback. Checked with the other settings, before anything starts (README,
"Configuration")."""

from __future__ import annotations

import inspect

from sqlalchemy.engine import URL

# Options SQLAlchemy's asyncpg adapter takes itself, before asyncpg's `connect()`.
_ADAPTER_OPTIONS = frozenset({"prepared_statement_cache_size", "prepared_statement_name_func"})
# asyncpg's `ssl` modes (libpq's names): asyncpg.connect_utils.SSLMode.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def refused(url: URL) -> str | None:
    """Why the driver of `url` (sqlite+aiosqlite or postgresql+asyncpg) would refuse its query's
    options on connecting, or None when it takes them."""
    try:
        url.get_dialect()().create_connect_args(url)
    except (TypeError, ValueError) as exc:  # a value SQLAlchemy converts for the driver
        return str(exc)
    if url.get_backend_name() != "postgresql":
        return None
    import asyncpg  # type: ignore[import-untyped]  # only for a PostgreSQL URL: a SQLite process never loads it

    taken = set(inspect.signature(asyncpg.connect).parameters) | _ADAPTER_OPTIONS
    for name in url.query:
        if name not in taken:
            return f"asyncpg takes no option {name!r}"
    ssl = url.query.get("ssl")
    if ssl is not None and ssl not in SSL_MODES:
        return f"ssl must be one of {', '.join(SSL_MODES)}"
    return None
