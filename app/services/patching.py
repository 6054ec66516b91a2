"""PATCH semantics shared by orders and carts: present fields change, tags replace,
metadata is a JSON merge patch (RFC 7386)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select, update

from app.domain.commands import Command
from app.domain.merge_patch import merge_patch

from .tracking import Change


def patch_row(
    conn: Connection, table: Table, store_id: int, external_id: str, command: Command, now: datetime
) -> Change | None:
    """Apply the PATCH `command` to the row `external_id` of the store: the row before and
    after, or None when the store has no such row (nothing written)."""
    where = (table.c.store_id == store_id, table.c.external_id == external_id)
    before = conn.execute(select(table).where(*where).with_for_update()).mappings().first()
    if before is None:
        return None
    changes: dict[str, Any] = {name: getattr(command, name) for name in command.model_fields_set}
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    if "metadata" in changes:
        patch = changes["metadata"]
        changes["metadata"] = {} if patch is None else merge_patch(before["metadata"], patch)
    changes.update(updated_at=now, revision=table.c.revision + 1)
    statement = update(table).where(table.c.id == before["id"]).values(changes).returning(*table.c)
    return Change(before=before, after=conn.execute(statement).mappings().one())
