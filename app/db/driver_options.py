"""The options a DATABASE_URL's query string may carry: those its driver takes from a URL.

SQLAlchemy hands a URL's query to the driver's `connect()` as text: an option asyncpg does not
take (`?foo=bar`, libpq's `sslmode`), one it takes only as a number (`command_timeout`,
`statement_cache_size`: '<' between a str and an int), an `ssl` mode it does not know, or a
value SQLAlchemy cannot convert (SQLite's `?timeout=abc`) failed only on connecting, where it
read as the database being unavailable (503 with "try again in a few seconds", for as long as
the process ran) or as a traceback; and a SQLite option its driver does not take (`?mode=ro`
without `uri=true`) was dropped with a warning, the database opened read-write. Checked with
the other settings, before anything starts (README, "Configuration")."""

from __future__ import annotations

import warnings

from sqlalchemy.engine import URL

# asyncpg's `connect()` options that take text, as a URL gives them, and those SQLAlchemy's
# asyncpg adapter takes (and converts) itself.
ASYNCPG_OPTIONS = frozenset(
    {"host", "port", "user", "password", "database", "passfile", "service", "servicefile", "ssl"}
    | {"target_session_attrs", "krbsrvname", "gsslib"}
    | {"prepared_statement_cache_size"}
)
# asyncpg's `ssl` modes (libpq's names): asyncpg.connect_utils.SSLMode.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


def refused(url: URL) -> str | None:
    """Why the driver of `url` (sqlite+aiosqlite or postgresql+asyncpg) would refuse, or drop,
    its query's options on connecting; None when it takes them all."""
    with warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        try:
            url.get_dialect()().create_connect_args(url)
        except (TypeError, ValueError) as exc:  # a value SQLAlchemy converts for the driver
            return str(exc)
    if warned:  # SQLite's "Query string argument(s) … are being ignored"
        return str(warned[0].message)
    if url.get_backend_name() != "postgresql":
        return None
    for name in url.query:
        if name not in ASYNCPG_OPTIONS:
            return f"asyncpg takes no option {name!r} from a URL"
    ssl = url.query.get("ssl")
    if ssl is not None and ssl not in SSL_MODES:
        return f"ssl must be one of {', '.join(SSL_MODES)}"
    return None
