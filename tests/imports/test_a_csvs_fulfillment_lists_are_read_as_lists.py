"""README "Platform payloads" and "Any other CSV": a shipment reads Shopify's fulfillment lists
`tracking_numbers` and `tracking_urls` (the first non-blank one), and refuses anything else
there; a generic CSV's cell in those columns is a comma-separated list, as `tags` is, so a
column named so is read and its rows are not refused as `Must be a list of strings.`."""

from __future__ import annotations

from pathlib import Path

from tests.imports.files import kanal_import
from tests.realserver import Prepared, read_tables


async def test_a_csvs_fulfillment_lists_are_read_as_lists(prepared: Prepared, tmp_path: Path):
    orders = tmp_path / "orders.csv"
    orders.write_text("external_id,placed_at,total_price,customer.phone\nO-1,2024-01-01T10:00:00Z,5,+33612345678\n")
    assert kanal_import(prepared.url, orders, "--store", "123", "--resource", "orders").returncode == 0
    shipments = tmp_path / "shipments.csv"
    shipments.write_text(
        "external_id,order_external_id,tracking_company,tracking_numbers,tracking_urls\n"
        'S-1,O-1,UPS," , 1Z001, 1Z002",https://ups.example/1Z001\n'
    )
    done = kanal_import(prepared.url, shipments, "--store", "123", "--resource", "shipments")
    assert (done.returncode, "1 created" in done.stdout, "warning" in done.stderr) == (0, True, False), done.stderr
    (stored,) = (await read_tables(prepared.url, "shipments"))["shipments"]
    assert (stored["carrier"], stored["tracking_number"], stored["tracking_url"]) == (
        "UPS",
        "1Z001",
        "https://ups.example/1Z001",
    )
