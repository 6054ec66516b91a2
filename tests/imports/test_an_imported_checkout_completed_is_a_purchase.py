"""README "Cart recovery" (`rules/completed_checkout_is_a_purchase`): `kanal import --resource
carts` reads a `completed_at` column as the REST field, so an imported checkout that was bought
is `recovered` or `completed`, never `abandoned`, and records no recovery to come; a blank
cell is no `completed_at`."""

from __future__ import annotations

from pathlib import Path

from tests.imports.files import kanal_import
from tests.realserver import Prepared, read_tables

CARTS = """external_id,abandoned_at,completed_at,total_price,customer.phone
C-1,2026-05-18T08:00:00Z,2026-05-18T08:20:00Z,10,+33611111111
C-2,2026-05-18T08:30:00Z,2026-05-18T08:20:00Z,10,+33611111112
C-3,2026-05-18T08:00:00Z,,10,+33611111113
"""


async def test_an_imported_completed_checkout_is_a_purchase(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "carts.csv"
    source.write_text(CARTS)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "carts", "--live")
    assert done.returncode == 0, done.stderr
    assert "3 created, 0 replaced or replayed, 0 stale, 0 refused" in done.stdout
    tables = await read_tables(prepared.url, "carts", "events")
    carts = {row["external_id"]: (row["status"], row["completed_at"] is not None) for row in tables["carts"]}
    assert carts == {"C-1": ("recovered", True), "C-2": ("completed", True), "C-3": ("abandoned", False)}
    assert [(row["data"]["subject"]["external_id"], row["type"], row["reason"]) for row in tables["events"]] == [
        ("C-1", "cart.recovered", "completed"),
        ("C-2", "cart.status_changed", "completed"),
        ("C-3", "cart.abandoned", "no_consent"),  # no consent column: none given
    ]
