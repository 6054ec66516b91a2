"""Shopify's orders export writes phones `'+16135550135` (an apostrophe so a spreadsheet keeps
the number as text): `kanal import` reads each phone column of the mapping without that one
leading apostrophe, into the order's addresses and its contact alike; other columns keep theirs."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from tests.imports.files import kanal_import
from tests.realserver import Prepared, read_tables

HEADER = [
    "Name",
    "Email",
    "Financial Status",
    "Currency",
    "Total",
    "Created at",
    "Lineitem quantity",
    "Lineitem name",
    "Lineitem price",
    "Billing Name",
    "Billing City",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Country",
    "Shipping Phone",
    "Phone",
]

# (phone column, its cell, the addresses' country, the phone stored on the address the column
# fills, the contact's phone)
CASES = [
    ("Billing Phone", "+16135550101", "CA", "+16135550101", "+16135550101"),
    ("Billing Phone", "'+16135550102", "CA", "+16135550102", "+16135550102"),
    ("Billing Phone", "'0612345603", "FR", "0612345603", "+33612345603"),
    ("Billing Phone", "'+33 6 12 34 56 04", "FR", "+33 6 12 34 56 04", "+33612345604"),
    ("Billing Phone", "  '06 12 34 56 05  ", "FR", "06 12 34 56 05", "+33612345605"),
    ("Billing Phone", "' 0612345606", "FR", "0612345606", "+33612345606"),
    ("Shipping Phone", "+16135550107", "CA", "+16135550107", "+16135550107"),
    ("Shipping Phone", "'+16135550108", "CA", "+16135550108", "+16135550108"),
    ("Shipping Phone", "'0612345609", "FR", "0612345609", "+33612345609"),
    ("Shipping Phone", "'+33 6 12 34 56 10", "FR", "+33 6 12 34 56 10", "+33612345610"),
    ("Shipping Phone", "  '06 12 34 56 11  ", "FR", "06 12 34 56 11", "+33612345611"),
    ("Phone", "+16135550112", "CA", None, "+16135550112"),
    ("Phone", "'+16135550113", "CA", None, "+16135550113"),
    ("Phone", "'0612345614", "FR", None, "+33612345614"),
    ("Phone", "'+33 6 12 34 56 15", "FR", None, "+33612345615"),
    ("Phone", "  '06 12 34 56 16  ", "FR", None, "+33612345616"),
]


def _export() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    for n, (column, cell, country, _, _) in enumerate(CASES):
        writer.writerow(
            {
                "Name": f"#{1000 + n}",
                "Email": f"c{n}@example.com",
                "Financial Status": "paid",
                "Currency": "EUR",
                "Total": "10.00",
                "Created at": "2024-01-15 10:23:45 +0100",
                "Lineitem quantity": "1",
                "Lineitem name": "Mug",
                "Lineitem price": "10.00",
                "Billing Name": "Anne O'Neil",
                # an apostrophe leading a column that is no phone is the cell's own
                "Billing City": "'s-Hertogenbosch",
                "Billing Country": country,
                "Shipping Name": "Anne O'Neil",
                "Shipping Country": country,
                column: cell,
            }
        )
    return out.getvalue()


async def test_each_phone_column_is_read_without_its_leading_apostrophe(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders_export.csv"
    source.write_text(_export())
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr
    assert f"{len(CASES)} created, 0 replaced or replayed, 0 stale, 0 refused" in done.stdout
    stored = await read_tables(prepared.url, "orders", "contacts")
    orders = {row["external_id"]: row for row in stored["orders"]}
    phone_of_contact = {row["id"]: row["phone"] for row in stored["contacts"]}
    found = []
    for n, (column, cell, country, _, _) in enumerate(CASES):
        order = orders[f"#{1000 + n}"]
        billing, shipping = order["billing_address"], order["shipping_address"]
        assert (billing["city"], billing["last_name"]) == ("'s-Hertogenbosch", "O'Neil")
        address = {"Billing Phone": billing, "Shipping Phone": shipping}.get(column)
        others = [a for a in (billing, shipping) if a is not address]
        assert [a.get("phone") for a in others] == [None] * len(others), (column, cell)
        found.append((column, cell, country, address and address["phone"], phone_of_contact[order["contact_id"]]))
    assert found == CASES
