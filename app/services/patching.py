"""PATCH semantics shared by orders and carts: present fields change, tags replace,
metadata is a JSON merge patch (RFC 7386); a PATCH older than the stored row is stale."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, select

from app.db.compiled import Row
from app.domain.commands import Command
from app.domain.errors import ValidationFailed
from app.domain.merge_patch import merge_patch
from app.domain.rules.patched_metadata_fits_a_post import metadata_room, metadata_too_large
from app.domain.rules.stale_writes import Arrival, arrival

from . import item_size
from .tracking import Change, updated

# Given the stored row and the PATCH's changes: the values to keep from the stored row instead
# (a rule's say, e.g. a backfill PATCH's status for a live cart whose recovery is to come).
Keep = Callable[[Row, Mapping[str, Any]], dict[str, Any]]


def patch_row(
    conn: Connection,
    table: Table,
    store_id: int,
    external_id: str,
    command: Command,
    now: datetime,
    max_body_bytes: int,
    keep: Keep | None = None,
) -> Change | ValidationFailed | None:
    """Apply the PATCH `command` to the row `external_id` of the store: the row before and
    after, or None when the store has no such row (nothing written). A PATCH whose `updated_at`
    is older than the stored source time is stale (`rules.stale_writes`): the row as it is,
    `stale` set; one that changes nothing writes nothing. A merged metadata larger than a
    single POST of `max_body_bytes` can carry is refused, nothing written
    (`rules.patched_metadata_fits_a_post`: ValidationFailed, field `metadata`, `too_large`).
    `keep` names values to keep from the stored row instead of the PATCH's."""
    where = (table.c.store_id == store_id, table.c.external_id == external_id)
    before = conn.execute(select(table).where(*where).with_for_update()).mappings().first()
    if before is None:
        return None
    changes: dict[str, Any] = {name: getattr(command, name) for name in command.model_fields_set}
    sent = changes.pop("updated_at", None)
    if arrival(before["source_updated_at"], sent) is Arrival.STALE:
        return Change(before=before, after=before, stale=True)
    if sent is not None:
        changes["source_updated_at"] = sent
    if "tags" in changes and changes["tags"] is None:
        changes["tags"] = []
    if "metadata" in changes:
        patch = changes["metadata"]
        merged = {} if patch is None else merge_patch(before["metadata"], patch)
        size = item_size.oversized(merged, metadata_room(max_body_bytes))  # both sides at most 32 deep
        if size is not None:
            return metadata_too_large(size, max_body_bytes)
        changes["metadata"] = merged
    if keep is not None:
        changes.update(keep(before, changes))
    changes["updated_at"] = now
    return Change(before=before, after=updated(conn, table, before, changes))
