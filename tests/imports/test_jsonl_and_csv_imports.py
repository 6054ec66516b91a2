"""README "Importing a shop's history": `kanal import` writes each record as the batch endpoint
would, lists refused lines with their number in the report, backfills by default (`--live` does
not), and reads Shopify's orders export by its documented column mapping."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.imports.files import kanal_import, order, report, write_jsonl
from tests.realserver import Prepared, read_tables, serving

SHOPIFY_EXPORT = """Name,Email,Financial Status,Fulfillment Status,Currency,Total,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Address1,Billing City,Billing Zip,Billing Country,Billing Phone,Shipping Name,Shipping City,Shipping Country,Tags,Id,Phone
#1001,marie@example.com,paid,fulfilled,EUR,49.90,2024-01-15 10:23:45 +0100,2,T-shirt Bordeaux,24.95,TS-BDX,Marie Durand,1 rue de la Paix,Paris,75002,FR,+33612345678,Marie Durand,Paris,FR,"vip, web",5551001,
#1001,,,,,,,1,Socks,0.00,SK-1,,,,,,,,,,,,
#1002,paul@example.com,pending,,EUR,10.00,2024-01-16 09:00:00 +0100,1,Mug,10.00,MG-1,Paul Martin,,Lyon,69001,FR,,,,,,5551002,06 98 76 54 32
#1003,nobody@example.com,paid,,EUR,5.00,2024-01-17 09:00:00 +0100,1,Pen,5.00,PN-1,Nobody,,,,,,,,,,5551003,
"""


async def test_a_jsonl_import_writes_each_line_and_reports_the_refused_ones(prepared: Prepared, tmp_path: Path):
    lines = [order(0), "{broken", order(1, currency="EURO"), order(2), [1, 2], order(0, financial_status="refunded")]
    source = write_jsonl(tmp_path / "orders.jsonl", lines)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "2")
    assert done.returncode == 0, done.stderr
    assert "6 records" in done.stdout and "2 created, 1 replaced or replayed, 0 stale, 3 refused" in done.stdout
    refused = report(tmp_path / "orders.jsonl.report.jsonl")
    assert [(r["line"], r["external_id"]) for r in refused] == [(2, None), (3, "H-1"), (5, None)]
    assert refused[0]["errors"] == {
        "": ["not valid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"]
    }
    assert refused[2]["errors"] == {"": ["not a JSON object"]}
    assert refused[1]["errors"] == {
        "currency": ["The currency field is invalid: Must be an ISO 4217 currency code, e.g. EUR."]
    }
    tables = await read_tables(prepared.url, "orders", "events")
    assert {row["external_id"]: row["financial_status"] for row in tables["orders"]} == {
        "H-0": "refunded",
        "H-2": "paid",
    }
    assert [(row["type"], row["backfill"]) for row in tables["events"]] == [
        ("order.created", True),
        ("order.created", True),
        ("order.financial_status_changed", True),
    ]
    state = json.loads((tmp_path / "orders.jsonl.report.jsonl.state").read_text())
    assert (state["line"], state["created"], state["refused"]) == (6, 2, 3)


async def test_live_fires_automations(prepared: Prepared, tmp_path: Path):
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders", "--live")
    assert done.returncode == 0, done.stderr
    assert [row["backfill"] for row in (await read_tables(prepared.url, "events"))["events"]] == [False]


async def test_shopify_orders_export_is_read_by_its_column_mapping(prepared: Prepared, tmp_path: Path):
    source = tmp_path / "orders_export.csv"
    source.write_text(SHOPIFY_EXPORT)
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", "orders")
    assert done.returncode == 0, done.stderr
    assert "2 created, 0 replaced or replayed, 0 stale, 1 refused" in done.stdout
    (refused,) = report(tmp_path / "orders_export.csv.report.jsonl")
    assert (refused["line"], refused["external_id"], list(refused["errors"])) == (5, "#1003", ["customer.phone"])
    orders = {row["external_id"]: row for row in (await read_tables(prepared.url, "orders"))["orders"]}
    first = orders["#1001"]
    assert (first["total_price"], first["currency"], first["financial_status"], first["fulfillment_status"]) == (
        Decimal("49.90"),
        "EUR",
        "paid",
        "fulfilled",
    )
    assert first["placed_at"].isoformat() == "2024-01-15T09:23:45+00:00"
    # the stored JSON holds the price as each engine keeps a number: compared as numbers
    assert [{**item, "price": Decimal(str(item["price"]))} for item in first["line_items"]] == [
        {"title": "T-shirt Bordeaux", "quantity": 2, "price": Decimal("24.95"), "sku": "TS-BDX"},
        {"title": "Socks", "quantity": 1, "price": Decimal("0.00"), "sku": "SK-1"},
    ]
    assert {k: v for k, v in first["billing_address"].items() if v is not None} == {
        "first_name": "Marie",
        "last_name": "Durand",
        "address1": "1 rue de la Paix",
        "city": "Paris",
        "zip": "75002",
        "country_code": "FR",
        "phone": "+33612345678",
    }
    assert (first["tags"], first["metadata"]) == (["vip", "web"], {"shopify_id": "5551001"})
    contacts = {row["id"]: row for row in (await read_tables(prepared.url, "contacts"))["contacts"]}
    assert contacts[first["contact_id"]]["phone"] == "+33612345678"
    assert contacts[orders["#1002"]["contact_id"]]["phone"] == "+33698765432"  # the Phone column, read in FR


@pytest.mark.parametrize(
    ("resource", "header", "row", "table"),
    [
        ("customers", "external_id,phone,first_name,tags", 'CU-1,+33612345678,Marie,"vip, web"', "customers"),
        (
            "carts",
            "external_id,abandoned_at,total_price,customer.phone",
            "C-1,2024-01-01T10:00:00Z,5,+33612345678",
            "carts",
        ),
    ],
)
async def test_a_csv_of_rest_fields_is_read_column_by_column(prepared, tmp_path, resource, header, row, table):
    source = tmp_path / f"{resource}.csv"
    source.write_text(f"{header}\n{row}\n")
    done = kanal_import(prepared.url, source, "--store", "123", "--resource", resource)
    assert done.returncode == 0, done.stderr
    assert "1 created" in done.stdout
    (stored,) = (await read_tables(prepared.url, table))[table]
    assert stored["external_id"] == row.split(",")[0]


async def test_over_http_the_batches_go_to_a_running_server(prepared: Prepared, tmp_path: Path):
    source = write_jsonl(tmp_path / "orders.jsonl", [order(n) for n in range(30)] + [order(30, currency="X")])
    with serving(prepared.url) as server:
        done = kanal_import(
            prepared.url, source, "--store", "123", "--resource", "orders", "--batch-size", "7",
            "--url", server.base_url, "--key", prepared.key,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "30 created, 0 replaced or replayed, 0 stale, 1 refused" in done.stdout
    assert [r["line"] for r in report(tmp_path / "orders.jsonl.report.jsonl")] == [31]
    tables = await read_tables(prepared.url, "orders", "events")
    assert len(tables["orders"]) == 30
    assert {row["backfill"] for row in tables["events"]} == {True}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--store", "999", "--resource", "orders"], "error: Store 999 does not exist."),
    ],
)
async def test_an_import_that_cannot_start_says_why(prepared: Prepared, tmp_path: Path, args, message, monkeypatch):
    monkeypatch.delenv("KANAL_KEY", raising=False)
    source = write_jsonl(tmp_path / "orders.jsonl", [order(0)])
    done = kanal_import(prepared.url, source, *args)
    assert (done.returncode, done.stderr.strip().splitlines()[0]) == (1, message)
    assert (await read_tables(prepared.url, "orders"))["orders"] == []
