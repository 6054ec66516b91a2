"""README "Any other CSV": columns that are no REST field are left out, as the API ignores
unknown fields; the import names them once, before the first batch, with the column each likely
meant (a name in another case or with spaces for `_`, a customer's field not under `customer.`), where it said nothing
and `First_Name` was dropped from every record unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, write_jsonl
from tests.imports.test_jsonl_and_csv_imports import SHOPIFY_EXPORT
from tests.realserver import Prepared, read_tables

PHONE = "+33612345678"
# case -> (resource, header, row, the warning line; None: no warning)
CASES = {
    "every column a field": (
        "orders",
        "external_id,placed_at,total_price,customer.phone,customer.first_name,metadata.source,line_items",
        f"O-1,2024-01-01T10:00:00Z,5,{PHONE},Marie,web,",
        None,
    ),
    "WooCommerce's address names, dotted": (
        "orders",
        "external_id,placed_at,total_price,customer.phone,shipping_address.address_1,billing_address.postcode",
        f"O-1,2024-01-01T10:00:00Z,5,{PHONE},1 rue,75002",
        None,
    ),
    "blank column names (spreadsheets add them)": ("customers", "external_id,phone,, ", f"CU-1,{PHONE},,", None),
    "a name in another case, on the customer": (
        "orders",
        "external_id,placed_at,total_price,customer.phone,First_Name,Notes",
        f"O-1,2024-01-01T10:00:00Z,5,{PHONE},Marie,gift",
        "warning: no field of orders reads the columns First_Name (customer.first_name?), Notes: "
        "their cells are left out",
    ),
    "a customer's own fields in another case": (
        "customers",
        "External_ID,phone,Email,nickname",
        f"CU-1,{PHONE},m@example.com,Mimi",
        "warning: no field of customers reads the columns External_ID (external_id?), Email (email?), nickname: "
        "their cells are left out",
    ),
    "names with spaces or hyphens, as exports write them": (
        "customers",
        "external_id,Phone,First Name,last-name,Accepts Email Marketing,Lifetime  Value",
        f"CU-1,{PHONE},Marie,Durand,yes,12",
        "warning: no field of customers reads the columns Phone (phone?), First Name (first_name?), "
        "last-name (last_name?), Accepts Email Marketing, Lifetime  Value (lifetime_value?): "
        "their cells are left out",
    ),
    "a customer's name with a space, on an order": (
        "orders",
        "external_id,placed_at,total_price,customer.phone,First Name,Order Notes",
        f"O-1,2024-01-01T10:00:00Z,5,{PHONE},Marie,gift",
        "warning: no field of orders reads the columns First Name (customer.first_name?), Order Notes: "
        "their cells are left out",
    ),
    "an unknown field under a known one": (
        "carts",
        "external_id,abandoned_at,total_price,customer.phone,customer.nickname,shipping_address.floor",
        f"C-1,2024-01-01T10:00:00Z,5,{PHONE},Mimi,3",
        "warning: no field of carts reads the columns customer.nickname, shipping_address.floor: "
        "their cells are left out",
    ),
    "a shipment's columns": (
        "shipments",
        "external_id,order_external_id,tracking_number,Carrier",
        "S-1,O-404,TRK1,DHL",
        "warning: no field of shipments reads the columns Carrier (carrier?): their cells are left out",
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_columns_no_field_reads_are_named_once(prepared: Prepared, tmp_path: Path, case: str):
    resource, header, row, warning = CASES[case]
    source = tmp_path / f"{resource}.csv"
    source.write_text(f"{header}\n{row}\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", resource)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("warning:")]
    assert warnings == ([] if warning is None else [warning])


async def test_the_records_are_written_without_those_cells(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "customers.csv"
    source.write_text(f"external_id,phone,First_Name\nCU-1,{PHONE},Marie\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "customers")
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout
    (customer,) = (await read_tables(prepared.url, "customers"))["customers"]
    (contact,) = (await read_tables(prepared.url, "contacts"))["contacts"]
    assert (customer["external_id"], contact["phone"], contact["first_name"]) == ("CU-1", PHONE, None)


@pytest.mark.parametrize("kind", ["jsonl", "shopify"])
def test_json_lines_and_shopify_exports_give_no_warning(prepared: Prepared, tmp_path: Path, kind: str):
    if kind == "jsonl":
        source = write_jsonl(tmp_path / "orders.jsonl", [{**order(0), "Notes": "gift"}])
    else:
        source = tmp_path / "orders_export.csv"
        source.write_text(SHOPIFY_EXPORT)  # its columns not mapped (Email, Billing Name, …) are its own
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr
    assert not [line for line in done.stderr.splitlines() if line.startswith("warning:")]
