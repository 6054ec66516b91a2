"""Shopify's orders export writes phones `'+16135550135` and zips `'02108` (an apostrophe so a
spreadsheet keeps them as text: no `+` dropped, no leading 0 lost): `kanal import` reads each
phone and zip column of the mapping without that one leading apostrophe, into the order's
addresses and its contact alike; other columns keep theirs."""

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
    "Billing Zip",
    "Billing Country",
    "Billing Phone",
    "Shipping Name",
    "Shipping Zip",
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

# (zip column, its cell, the addresses' country, the zip stored on the address the column fills)
ZIP_CASES = [
    ("Billing Zip", "'02108", "US", "02108"),  # Boston: the leading 0 a spreadsheet would drop
    ("Billing Zip", "02108", "US", "02108"),
    ("Billing Zip", "'1930000", "CL", "1930000"),
    ("Billing Zip", "  '75001  ", "FR", "75001"),
    ("Billing Zip", "'K2P 1L4", "CA", "K2P 1L4"),
    ("Billing Zip", "' 01067", "DE", "01067"),
    ("Shipping Zip", "'02108", "US", "02108"),
    ("Shipping Zip", "02108", "US", "02108"),
    ("Shipping Zip", "'1930000", "CL", "1930000"),
    ("Shipping Zip", "  '75001  ", "FR", "75001"),
    ("Shipping Zip", "'K2P 1L4", "CA", "K2P 1L4"),
    ("Shipping Zip", "' 01067", "DE", "01067"),
]


def _row(name: str, n: int, country: str, cells: dict[str, str]) -> dict[str, str]:
    return {
        "Name": name,
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
        **cells,
    }


def _export() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    for n, (column, cell, country, _, _) in enumerate(CASES):
        writer.writerow(_row(f"#{1000 + n}", n, country, {column: cell}))
    for n, (column, cell, country, _) in enumerate(ZIP_CASES):
        writer.writerow(_row(f"#{2000 + n}", n, country, {column: cell, "Phone": f"+1613555{200 + n:04d}"}))
    return out.getvalue()


async def test_each_phone_and_zip_column_is_read_without_its_leading_apostrophe(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders_export.csv"
    source.write_text(_export())
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr
    assert f"{len(CASES) + len(ZIP_CASES)} created, 0 replaced or replayed, 0 stale, 0 refused" in done.stdout
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
    zips = []
    for n, (column, cell, country, _) in enumerate(ZIP_CASES):
        billing, shipping = orders[f"#{2000 + n}"]["billing_address"], orders[f"#{2000 + n}"]["shipping_address"]
        address, other = (billing, shipping) if column == "Billing Zip" else (shipping, billing)
        assert other.get("zip") is None, (column, cell)
        zips.append((column, cell, country, address["zip"]))
    assert zips == ZIP_CASES
