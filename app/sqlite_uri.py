"""The parameters a SQLite URI may carry (sqlite.org/uri.html, "Recognized Query Parameters").

SQLite ignores a parameter it does not know (`mod=ro` opened the database read-write) and
reads a boolean it cannot parse as its default; a mode it does not know or a VFS that is not
there was a traceback at each connection. So DATABASE_URL's are checked before
anything starts: each known, with a value SQLite takes."""

from __future__ import annotations

import os
import sqlite3

# Values SQLite's sqlite3_uri_boolean() reads, either way.
BOOLEANS = ("1", "yes", "true", "on", "0", "no", "false", "off")
MODES = ("ro", "rw", "rwc")  # and SQLite's `memory`, refused with its reason
FLAGS = ("immutable", "nolock", "psow")
# `vfs` names a VFS of this SQLite (checked by opening one in memory); `cache` is `private`
# alone here (SQLite's `shared` locks whole tables between connections: the server's writer,
# readers and checkpointer then fail "database table is locked"); `modeof` names a file whose
# permissions a new database takes.
PARAMETERS = ("vfs", "mode", "cache", *FLAGS, "modeof")


def check_parameters(query: tuple[tuple[str, str], ...]) -> None:
    """Checks the (name, value) pairs of a SQLite URI's query, in order. Raises ValueError
    saying what the URI must be (as a setting's refusal words it: `must be …`) at the first
    SQLite would not take, or the service could not use: an unknown name (one given twice is
    refused with the URL's other options, `config._given_twice`), a `mode` outside its values,
    a database in memory (`mode=memory`, `vfs=memdb`), `cache=shared`, a flag that is no
    boolean, a `vfs` this SQLite lacks, or a `modeof` naming no file."""
    for name, value in query:
        if name not in PARAMETERS:
            raise ValueError(f"a SQLite URI whose parameters are SQLite's ({', '.join(PARAMETERS)}), not {name!r}")
        if (name, value) in (("mode", "memory"), ("vfs", "memdb")):
            raise ValueError(
                f"a SQLite URI of a file, not {name}={value}: a database in memory is one connection's, which "
                "the service's other connections and commands never see"
            )
        if name == "mode" and value not in MODES:
            raise ValueError(f"a SQLite URI whose mode is one of {', '.join(MODES)}, not {value!r}")
        if name == "modeof" and not os.path.exists(value):
            raise ValueError(f"a SQLite URI whose modeof names a file there is, not {value!r}")
        if name == "cache" and value != "private":
            raise ValueError(
                f"a SQLite URI whose cache is private, not {value!r}: a shared cache locks tables between "
                "the server's own connections"
            )
        if name in FLAGS and value.lower() not in BOOLEANS:
            raise ValueError(f"a SQLite URI whose {name} is a boolean ({', '.join(BOOLEANS)}), not {value!r}")
        if name == "vfs" and not _has_vfs(value):
            raise ValueError(f"a SQLite URI whose vfs is one this SQLite has, not {value!r}")


def _has_vfs(name: str) -> bool:
    """Whether this SQLite has a VFS `name` (opening an in-memory database with it writes nothing)."""
    try:
        sqlite3.connect(f"file:kanal-vfs-check?mode=memory&vfs={name}", uri=True).close()
    except sqlite3.Error:
        return False
    return True
