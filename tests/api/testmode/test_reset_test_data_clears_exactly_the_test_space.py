"""`kanal stores reset-test-data ID` (issue 15, item 4): deletes the store's test data — its
records, events and their deliveries — and nothing else: every live row (of this store and of
another) is the same before and after, and the test key works on, in an empty space. It prints
what it deleted in every table it cleared, those it keeps beside orders and carts (summaries,
abandonments) too, where cart_abandonments (migration 0019) and the summaries went unnamed."""

from __future__ import annotations

import re

import pytest

from app.automations.worker import Worker
from app.config import Settings
from app.services import keys, stores, webhooks
from tests.api.calls import gql
from tests.api.events.outbox import FAST, walkthrough
from tests.api.testmode.spaces import UNKNOWN_STORES, kanal, space_rows
from tests.conftest import STORE_ID, Api, order_body
from tests.receiver import Receiver

OTHER = 124


async def _fill_both_spaces(api: Api, test_key: str) -> None:
    """The walkthrough in the live and the test space of store 123 and in store 124's test
    space, delivered to a subscription that takes both."""
    await stores.create_store(api.db, OTHER, "Other", "FR")
    other_test_key, _ = await keys.create_key(api.db, store_id=OTHER, test=True)
    with Receiver() as receiver:
        await webhooks.add_webhook(api.db, STORE_ID, receiver.url, test_events=True)
        await walkthrough(api)
        await walkthrough(api, Authorization=f"Bearer {test_key}")
        response = await api.post("/orders", order_body(), store=OTHER, key=other_test_key)
        assert response.status_code == 201
        worker = Worker(api.db, FAST)
        await worker.run_once()
        await worker.aclose()
    assert len(receiver.received) == 8  # 4 live, 4 test


def _printed(out: str) -> dict[str, int]:
    """The `{table: rows}` a reset's line lists."""
    listed = re.fullmatch(r"Store \d+: test data cleared \((.*)\); live data untouched\.\n", out)
    assert listed is not None, out
    return {name: int(count) for count, name in (part.split(" ") for part in listed[1].split(", "))}


async def test_reset_clears_the_test_space_and_nothing_else(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    await _fill_both_spaces(api, test_key)
    live_before = await space_rows(api, live=True)
    test_before = await space_rows(api, live=False)
    ours = {name: [row for row in rows if row.get("store_id") == ~STORE_ID] for name, rows in test_before.items()}
    assert all(ours[name] for name in ("orders", "shipments", "carts", "contacts", "events"))
    assert len(test_before["deliveries"]) == 4

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    await kanal("stores", "reset-test-data", str(STORE_ID))
    out = capsys.readouterr().out
    assert out.startswith(f"Store {STORE_ID}: test data cleared (4 deliveries, ")
    assert out.endswith("); live data untouched.\n")
    # Every table that held rows of this test space is named, with its count, and no other.
    held = {name: len(rows) for name, rows in ours.items() if rows and name != "stores"}
    held["deliveries"] = len(test_before["deliveries"])
    assert {"cart_abandonments", "order_hours", "product_days"} <= held.keys()  # the tables once left out
    assert _printed(out) == held

    assert await space_rows(api, live=True) == live_before
    test_after = await space_rows(api, live=False)
    other_space = {name: [row for row in rows if row.get("store_id") == ~OTHER] for name, rows in test_before.items()}
    assert {name: rows for name, rows in test_after.items() if name != "stores"} == {
        name: rows for name, rows in other_space.items() if name != "stores"
    }
    assert test_after["stores"] == test_before["stores"]  # the space stays, empty
    body = await gql(api, "{ orders(storeId: 123) { totalCount } events(storeId: 123) { totalCount } }", key=test_key)
    assert body["data"] == {"orders": {"totalCount": 0}, "events": {"totalCount": 0}}
    assert (await api.post("/orders", order_body(), key=test_key)).status_code == 201  # created anew


async def test_reset_of_an_unknown_store_is_refused(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    before = await api.snapshot()
    for store, code, message in UNKNOWN_STORES:
        with pytest.raises(SystemExit) as stop:
            await kanal("stores", "reset-test-data", store)
        assert (stop.value.code, capsys.readouterr().err.splitlines()[-1].split("error: ", 1)[1]) == (
            code,
            message.format(arg="id"),
        )
    assert await api.snapshot() == before


async def test_reset_clears_the_test_spaces_notes_of_moved_customers(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A customer who moved phone is noted (table `customer_contacts`, README "Erasure"): the
    test space's notes go with its customers, and are listed; the live space's stay."""
    test_key, _ = await keys.create_key(api.db, store_id=STORE_ID, test=True)
    for key in (None, test_key):
        for phone in ("+33611112001", "+33611112002"):
            response = await api.post("/customers", {"external_id": "MV2-1", "phone": phone}, key=key)
            assert response.status_code in (200, 201), response.text
    noted = await api.rows("customer_contacts")
    assert sorted(row["store_id"] for row in noted) == sorted([STORE_ID, ~STORE_ID])

    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    await kanal("stores", "reset-test-data", str(STORE_ID))
    assert capsys.readouterr().out == (
        f"Store {STORE_ID}: test data cleared (1 customers, 1 customer_contacts, 2 contacts); live data untouched.\n"
    )
    assert await api.rows("customer_contacts") == [row for row in noted if row["store_id"] == STORE_ID]
