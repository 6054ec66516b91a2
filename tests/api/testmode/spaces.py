"""What the test-key tests share: the rows of one space of a store (app/domain/livemode.py),
and the `kanal` command run from an async test."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from app.cli import main
from app.db import tables
from tests.conftest import STORE_ID, Api

# A store id the CLI is given that names no store: one that could be a store's (refused by the
# service, exit 1) and a test space's own id (negative: refused by argparse, exit 2, as every
# id outside 0 to 2^63 - 1). Each message is the last line's text after "error: "; `{arg}` is the
# argument's name in argparse's message.
UNKNOWN_STORES = [
    ("999", 1, "Store 999 does not exist."),
    (
        str(~STORE_ID),
        2,
        f"argument {{arg}}: must be a whole number from 0 to 9223372036854775807, got '{~STORE_ID}'",
    ),
]


async def space_rows(api: Api, live: bool) -> dict[str, list[dict[str, Any]]]:
    """Every row of the live spaces (`live`) or of the test spaces: rows of tables with a
    store id on that side of zero (a test space's id is negative), deliveries by their event;
    keys left out (they belong to the live store whatever they open)."""

    def read(conn: Any) -> dict[str, list[dict[str, Any]]]:
        found = {}
        for table in tables.metadata.sorted_tables:
            if table is tables.api_keys:
                continue
            if table is tables.deliveries:
                space = select(tables.events.c.id).where(
                    tables.events.c.store_id >= 0 if live else tables.events.c.store_id < 0
                )
                query = select(table).where(table.c.event_id.in_(space))
            else:
                column = table.c.id if table is tables.stores else table.c.get("store_id")
                if column is None:
                    continue
                query = select(table).where(column >= 0 if live else column < 0)
            found[table.name] = [dict(row) for row in conn.execute(query.order_by(*table.primary_key)).mappings()]
        return found

    return await api.db.read(read)


async def kanal(*args: str) -> None:
    """`kanal ARGS` in this process (DATABASE_URL from the environment), off the event loop:
    the command runs its own."""
    await asyncio.to_thread(main, list(args))
