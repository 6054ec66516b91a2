"""README "Carts and purchases" (`rules/recovery_follows_the_orders`), through `kanal import`:
an order that recovered a cart and is then imported again corrected (another phone, or its
`placed_at` at or before the cart's `abandoned_at`) leaves the cart `abandoned` again, its
recovery to come, as the REST and GraphQL writes do; imported as backfill (the default), the
cart's events are recorded as backfill and its recovery never fires; imported `--live`, the
worker's next pass fires it once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.imports.files import kanal_import
from tests.realserver import Prepared, read_tables
from tests.server import kanal

PHONE, OTHER_PHONE = "+33612345678", "+33612999902"
ABANDONED, PLACED = "2026-05-18T09:40:00Z", "2026-05-18T10:00:00Z"
CONSENT = {"marketing": "subscribed", "consented_at": "2026-05-01T00:00:00Z"}

# correction -> the order as corrected (phone, placed_at)
CORRECTIONS = {
    "its phone changed": (OTHER_PHONE, PLACED),
    "its placed_at moved before the cart's abandoned_at": (PHONE, "2026-05-18T09:00:00Z"),
    "its placed_at moved to the cart's abandoned_at": (PHONE, ABANDONED),
}


def _order(phone: str, placed_at: str) -> str:
    return json.dumps(
        {
            "external_id": "ORDER-1001",
            "placed_at": placed_at,
            "total_price": "52.00",
            "currency": "EUR",
            "financial_status": "paid",
            "customer": {"phone": phone, "first_name": "Marie", "whatsapp_consent": CONSENT},
        }
    )


def _import(prepared: Prepared, path: Path, resource: str, *flags: str) -> None:
    done = kanal_import(prepared.url, path, "--store", "123", "--resource", resource, *flags)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("live", [False, True], ids=["backfill", "live"])
@pytest.mark.parametrize("correction", CORRECTIONS)
async def test_an_imported_correction_leaves_the_cart_abandoned(
    prepared: Prepared, tmp_path: Path, correction: str, live: bool
) -> None:
    flags = ("--live",) if live else ()
    cart = {"external_id": "CART-7700", "abandoned_at": ABANDONED, "total_price": "52.00", "currency": "EUR"}
    cart["customer"] = {"phone": PHONE, "first_name": "Marie", "whatsapp_consent": CONSENT}
    (tmp_path / "carts.jsonl").write_text(json.dumps(cart) + "\n")
    _import(prepared, tmp_path / "carts.jsonl", "carts", *flags)
    (tmp_path / "orders.jsonl").write_text(_order(PHONE, PLACED) + "\n" + _order(*CORRECTIONS[correction]) + "\n")
    _import(prepared, tmp_path / "orders.jsonl", "orders", *flags)
    for _ in range(2):  # the recovery is long due (abandoned in May): the first pass fires it
        kanal(prepared.url, "worker", "--once")
    tables = await read_tables(prepared.url, "carts", "events")
    (stored,) = tables["carts"]
    assert stored["status"] == "abandoned"
    cart_events = [(row["type"], row["backfill"]) for row in tables["events"] if row["subject_type"] == "cart"]
    assert cart_events == [
        ("cart.abandoned", not live),
        ("cart.recovered", not live),
        ("cart.status_changed", not live),
        *([("cart.recovery_due", False)] if live else []),
    ]
