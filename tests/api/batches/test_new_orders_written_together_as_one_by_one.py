"""README "Batches": a chunk's new orders, and its stored orders sent again, are written
together in runs (app/services/order_batches.py), every other item alone; either way each
item's outcome is the one the single endpoint gives.

Each shape is written twice at the same clock, after the same earlier writes: to one store one
item per request (POST /orders), to another as one batch. The answers must match item by item,
and the rows (orders, contacts, events, consent_changes, carts) row by row in creation order,
surrogate ids replaced by the natural key they stand for; `fast` pins how many items took
each written-together path (new, again).

On SQLite, single upserts that reach their writes together, in one commit group, are written
together the same way (app/db/together.py): each shape's items sent at once as single
upserts must also give what one by one gives, each write at its own time (a second apart:
its rows' times, its consent's arrival), as one by one."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from app.db import tables
from app.domain.commands import OrderInput, validate
from app.rest.responses import WrittenJson
from app.services import batches, carts, events, keys, order_batches, orders, stores
from tests.conftest import Api, cart_body, order_body

OTHER_STORE = 124
EARLIER = datetime(2026, 5, 20, 8, 0, tzinfo=UTC)  # the earlier writes' clock
NOW = datetime(2026, 5, 20, 9, 0, tzinfo=UTC)  # the compared writes' clock
SUBSCRIBED = {"marketing": "subscribed", "consented_at": "2026-05-18T09:00:00Z", "source": "checkout"}


def phone(n: int) -> str:
    return f"+336123456{n:02d}"


def order(external_id: str, n: int = 0, customer_id: str | None = "same", **overrides: Any) -> dict[str, Any]:
    """An order by the customer of phone `n` (customer id CUST-n unless given; None: none)."""
    customer: dict[str, Any] = {"phone": phone(n), "first_name": f"Name {n}", "tags": ["vip"], "orders_count": n}
    if customer_id is not None:
        customer["external_id"] = f"CUST-{n}" if customer_id == "same" else customer_id
    customer.update(overrides.pop("customer", {}))
    return order_body(external_id=external_id, customer=customer, **overrides)


ALL_NEW = [order(f"N-{n}", n) for n in range(6)]
# (name, earlier writes ("[PATCH ]path", body), items, how many items the runs of new orders and of
# orders sent again take)
SHAPES: list[tuple[str, list[tuple[str, Any]], list[Any], tuple[int, int]]] = [
    ("all new", [], ALL_NEW, (6, 0)),
    ("all new, contacts known", [("/orders", order(f"K-{n}", n)) for n in range(4)], ALL_NEW, (6, 0)),
    (
        "some existing",
        [("/orders", order("E-2", 2)), ("/orders", order("E-6", 6, financial_status="paid"))],
        [
            order("E-0", 0),
            order("E-1", 1),
            order("E-2", 2, financial_status="paid"),
            order("E-3", 3),
            order("E-4", 4),
            order("E-5", 5),
            order("E-6", 6),
        ],
        (5, 0),
    ),
    (
        "duplicates within the batch",
        [],
        [order("D-0", 0), order("D-1", 1), order("D-0", 0, financial_status="paid"), order("D-2", 2), order("D-1", 1)],
        (2, 0),
    ),
    (
        "same phone, many orders",
        [],
        [order(f"S-{n}", 7, customer={"first_name": f"Name {n % 3}"}) for n in range(6)] + [order("S-9", 8)],
        (2, 0),
    ),
    (
        "consent given",
        [],
        [
            order("C-0", 0),
            order("C-1", 1),
            order("C-2", 1, customer={"whatsapp_consent": SUBSCRIBED}),
            order("C-3", 2),
            order("C-4", 0, customer={"whatsapp_consent": {"marketing": "unsubscribed"}}),
            order("C-5", 3),
            order("C-6", 4),
        ],
        (4, 0),
    ),
    (
        "invalid items between",
        [],
        [order("I-0", 0), order("I-1", 1, currency="EURO"), order("I-2", 2), "not an object", order("I-3", 3)],
        (3, 0),
    ),
    (
        "customers without ids",
        [("/orders", order("W-0", 0))],
        [order(f"W-{n}", n, customer_id=None) for n in range(4)],
        (3, 0),
    ),
    ("replay of the whole batch", [("/orders", item) for item in ALL_NEW], ALL_NEW, (0, 6)),
    (
        "customer ids moving between phones",
        [("/orders", order("M-0", 0)), ("/orders", order("M-1", 1))],
        [
            order("M-2", 2, customer_id="CUST-0"),  # held by phone 0, not in the run: kept there
            order("M-3", 3, customer_id="CUST-9"),
            order("M-4", 1, customer_id="CUST-8"),  # phone 1 gives up CUST-1 …
            order("M-5", 4, customer_id="CUST-1"),  # … which phone 4 then takes: the run ends
            order("M-6", 5, customer_id="CUST-9"),  # held by phone 3, which comes next: alone
            order("M-7", 6, customer_id=None),
            order("M-8", 3, customer_id="CUST-3"),  # phone 3 gives up CUST-9
            order("M-9", 7, customer_id="CUST-3"),  # named by phone 3 in the run: the run ends
        ],
        (5, 0),
    ),
    (
        "orders recovering carts",
        [
            ("/carts", cart_body(external_id="CART-0", customer={"phone": phone(0), "whatsapp_consent": SUBSCRIBED})),
            ("/carts", cart_body(external_id="CART-1", customer={"phone": phone(1)})),
        ],
        [
            order("R-0", 0),  # placed after CART-0 was abandoned: recovers it
            order("R-1", 1, placed_at="2026-05-18T09:00:00Z"),  # placed before: recovers nothing
            order("R-2", 2),
        ],
        (3, 0),
    ),
    (
        "stale and dated writes",
        [("/orders", order("T-0", 0, updated_at="2026-05-18T12:00:00Z"))],
        [
            order("T-0", 0, updated_at="2026-05-18T11:00:00Z", financial_status="paid"),
            order("T-1", 1, updated_at="2026-05-18T11:00:00Z"),
            order("T-2", 2, shipping_address={"phone": "+33698765432", "country_code": "FR"}, customer={"phone": None}),
            order("T-3", 3, customer_id=None, customer={"first_name": None, "tags": None}),
        ],
        (3, 0),
    ),
]


SHAPES += [
    (
        "consents dated between the writes",
        [],
        [
            order("Q-0", 0),
            order("Q-1", 1, customer={"whatsapp_consent": {"marketing": "unsubscribed", "source": "STOP"}}),
            # dated before Q-1's STOP reached its write when each write has its own time
            order(
                "Q-2",
                1,
                customer={
                    "whatsapp_consent": {
                        "marketing": "subscribed",
                        "consented_at": "2026-05-20T09:00:00.500Z",
                        "source": "checkout",
                    }
                },
            ),
            order("Q-3", 2, customer={"whatsapp_consent": {"marketing": "subscribed", "source": "checkout"}}),
        ],
        (0, 0),
    ),
    (
        "orders sent again with changes",
        [("/orders", order(f"A-{n}", n)) for n in range(5)],
        [
            order("A-0", 0),
            order("A-1", 1, financial_status="paid"),
            order("A-2", 2, customer={"first_name": "Renamed", "tags": ["vip", "new"]}),
            order("A-3", 3, customer={"phone": phone(9)}),  # a new contact; the order moves to it
            order("A-4", 4, fulfillment_status="fulfilled", tags=["web", "late"], metadata={"a": 1}),
        ],
        (0, 5),
    ),
    (
        "orders sent again after a PATCH",
        [
            ("/orders", order("H-0", 0)),
            ("/orders", order("H-1", 1)),
            ("PATCH /orders/H-0", {"financial_status": "refunded", "tags": ["patched"]}),
            ("PATCH /orders/H-1", {"fulfillment_status": "fulfilled"}),
        ],
        [
            order("H-0", 0),  # the same POST again: the PATCH stays
            order("H-1", 1, fulfillment_status="partial"),  # a new value: it replaces the PATCH's
        ],
        (0, 2),
    ),
    (
        "orders sent again recovering carts",
        [
            ("/orders", order("P-0", 0)),
            ("/orders", order("P-1", 1)),
            ("/orders", order("P-2", 2)),
            ("/carts", cart_body(external_id="CART-P0", customer={"phone": phone(0)})),  # abandoned before P-0
            (
                "/carts",
                cart_body(external_id="CART-P1", abandoned_at="2026-05-19T09:00:00Z", customer={"phone": phone(1)}),
            ),
        ],
        [
            order("P-0", 0),  # CART-P0 was recovered when it came: nothing to recover
            order("P-1", 1, placed_at="2026-05-20T10:00:00Z"),  # placed after CART-P1 now: recovers it
            order("P-2", 2, financial_status="paid"),
        ],
        (0, 3),
    ),
    (
        "orders sent again, stale ones between",
        [
            ("/orders", order("S-0", 0, updated_at="2026-05-18T12:00:00Z")),
            ("/orders", order("S-1", 1)),
            ("/orders", order("S-2", 2)),
            ("/orders", order("S-3", 3, updated_at="2026-05-18T12:00:00Z")),
        ],
        [
            order("S-1", 1),
            order("S-2", 2, financial_status="refunded"),
            order("S-0", 0, updated_at="2026-05-18T11:00:00Z", financial_status="paid"),  # stale: alone
            order("S-3", 3, updated_at="2026-05-18T13:00:00Z", financial_status="paid"),  # newer: a run of one
            order("S-1", 1, financial_status="paid"),  # named before in the chunk: alone
        ],
        (0, 2),
    ),
    (
        "orders sent again and new ones",
        [("/orders", order("X-0", 0)), ("/orders", order("X-1", 1)), ("/orders", order("X-4", 4))],
        [
            order("X-0", 0),
            order("X-1", 1, customer={"whatsapp_consent": SUBSCRIBED}),  # a consent: alone
            order("X-4", 4),
            order("X-2", 2),
            order("X-3", 3),
            order("X-0", 0, financial_status="paid"),
        ],
        (2, 0),
    ),
    (
        "orders sent again sharing phones and customer ids",
        [
            ("/orders", order("Y-0", 0)),
            ("/orders", order("Y-1", 0)),
            ("/orders", order("Y-2", 1)),
            ("/orders", order("Y-3", 2)),
            ("/orders", order("Y-4", 3)),
        ],
        [
            order("Y-0", 0),
            order("Y-1", 0),  # the phone of Y-0: a new run
            order("Y-2", 1),
            order("Y-3", 2, customer_id="CUST-1"),  # held by phone 1, in the run: the run ends
            order("Y-4", 3),
        ],
        (0, 4),
    ),
]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The time every write reads (`now`), set by the test."""
    now = [EARLIER]
    for module in (orders, order_batches, carts, batches, events):  # events: when each is recorded
        monkeypatch.setattr(module, "utcnow", lambda: now[0])
    return now


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """How many items each run written together held: of new orders, of orders sent again."""
    runs: dict[str, list[int]] = {"_write_run": [], "_write_again": []}
    for name, held in runs.items():
        write = getattr(order_batches, name)

        def counted(conn: Any, store_id: int, run: list[Any], *args: Any, write: Any = write, held: Any = held) -> Any:
            held.append(len(run))
            return write(conn, store_id, run, *args)

        monkeypatch.setattr(order_batches, name, counted)
    return runs


async def _written_earlier(api: Api, earlier: list[tuple[str, Any]]) -> str:
    """`earlier` written to store 123 and to OTHER_STORE, created here; a key of OTHER_STORE."""
    await stores.create_store(api.db, OTHER_STORE, "Other shop", "FR")
    other_key, _ = await keys.create_key(api.db, store_id=OTHER_STORE, name="test")
    for store, key in ((123, api.key), (OTHER_STORE, other_key)):
        for path, body in earlier:
            if path.startswith("PATCH "):
                assert (await api.patch(path.removeprefix("PATCH "), body, store=store, key=key)).status_code == 200
            else:
                assert (await api.post(path, body, store=store, key=key)).status_code == 201
    return other_key


@pytest.mark.parametrize(("shape", "earlier", "items", "fast"), SHAPES, ids=[shape[0] for shape in SHAPES])
async def test_a_batch_writes_what_its_items_one_by_one_write(api, clock, taken, shape, earlier, items, fast):
    api_store, other_key = 123, await _written_earlier(api, earlier)
    clock[0] = NOW
    for held in taken.values():
        held.clear()

    one_by_one = []
    for item in items:
        if isinstance(item, dict):
            response = await api.post("/orders", item, store=api_store)
            one_by_one.append(_answer(response.status_code, response.json(), response.headers.get("kanal-stale")))
        else:  # no single request carries it: refused as an item
            one_by_one.append((422, {"": ["invalid_type"]}))
    response = await api.post("/orders/batch", {"items": items}, store=OTHER_STORE, key=other_key)
    assert response.status_code == 200
    together = [_answer(r["status"], r, "true" if r.get("stale") else None) for r in response.json()["results"]]

    assert together == one_by_one
    assert (sum(taken["_write_run"]), sum(taken["_write_again"])) == fast
    assert await _rows(api, OTHER_STORE) == await _rows(api, api_store)


@pytest.mark.parametrize(("shape", "earlier", "items", "fast"), SHAPES, ids=[shape[0] for shape in SHAPES])
async def test_single_upserts_of_one_commit_group_write_what_one_by_one_writes(
    api, clock, taken, shape, earlier, items, fast
):
    api_store = 123
    await _written_earlier(api, earlier)
    clock[0] = NOW
    valid = [item for item in items if isinstance(item, dict) and item.get("currency") != "EURO"]
    one_by_one, bodies = [], []
    for n, item in enumerate(valid):
        clock[0] = _reached(n)
        response = await api.post("/orders", item, store=api_store)
        one_by_one.append(_answer(response.status_code, response.json(), response.headers.get("kanal-stale")))
        bodies.append(_without_ids(response.json()))
    for held in taken.values():
        held.clear()
    commands = [validate(OrderInput, item, "FR") for item in valid]
    written = await asyncio.gather(
        *(
            api.db.write(order_batches.STORE_ORDER, OTHER_STORE, command, _reached(n), False)
            for n, command in enumerate(commands)
        )
    )
    at_once = [_answer(201 if w.created else 200, _body(w), "true" if w.stale else None) for w in written]

    assert at_once == one_by_one
    assert [_without_ids(_body(w)) for w in written] == bodies
    if api.db.dialect == "sqlite":  # one commit group: its new orders and orders sent again in runs
        assert (sum(taken["_write_run"]), sum(taken["_write_again"])) == fast
    assert await _rows(api, OTHER_STORE) == await _rows(api, api_store)


def _reached(n: int) -> datetime:
    """When the `n`th single upsert reached its write: a second after the one before, so that a
    write at another's time (its rows' times, its consent's arrival) shows."""
    return NOW + timedelta(seconds=n)


def _without_ids(body: dict[str, Any]) -> dict[str, Any]:
    """A write's body without the ids that differ between the two stores: its own, its store's,
    its contact's."""
    found = {name: value for name, value in body.items() if name not in ("id", "store_id")}
    found["contact"] = {**body["contact"], "id": None}
    return found


def _body(written: Any) -> dict[str, Any]:
    """The single POST's body of `written`, as REST renders it."""
    return orjson.loads(WrittenJson((written.record, written.automations), 200).body)


def _answer(status: int, body: dict[str, Any], stale: str | None) -> tuple[Any, ...]:
    if status == 422:
        return (422, body.get("codes"))
    automations = [{**decision, "subject": decision["subject"]["type"]} for decision in body["automations"]]
    return (status, stale, automations)


_TABLES = ("contacts", "orders", "carts", "events", "consent_changes", "order_hours", "product_days")


async def _rows(api: Api, public_id: int) -> dict[str, list[dict[str, Any]]]:
    """The store's rows of `_TABLES` in creation order (the order summaries in key order), ids
    replaced by what they name; the contacts by phone, as a run upserts them (in phone order,
    so that concurrent runs lock them in one order: their ids' order is no outcome)."""

    def read(conn: Any) -> dict[str, list[dict[str, Any]]]:
        store_id = public_id  # a live key writes in the store itself
        found = {}
        for name in _TABLES:
            table = tables.metadata.tables[name]
            order = (table.c.id,) if "id" in table.c else tuple(table.primary_key)  # summaries: by their key
            if name == "contacts":
                order = (table.c.phone,)
            statement = select(table).where(table.c.store_id == store_id).order_by(*order)
            found[name] = [dict(row) for row in conn.execute(statement).mappings()]
        return found

    found = await api.db.read(read)
    names = {
        "contact": {row["id"]: row["phone"] for row in found["contacts"]},
        "order": {row["id"]: row["external_id"] for row in found["orders"]},
        "cart": {row["id"]: row["external_id"] for row in found["carts"]},
    }
    for rows in found.values():
        for row in rows:
            for column in ("id", "store_id", "event_id"):
                row.pop(column, None)
            if "contact_id" in row and row["contact_id"] is not None:
                row["contact_id"] = names["contact"][row["contact_id"]]
    for event in found["events"]:
        # when it was recorded: a commit group's writes run after the last of them arrived,
        # one by one each at its own arrival (README: `created_at` is when it was recorded)
        event.pop("created_at")
        event["subject_id"] = names[event["subject_type"]][event["subject_id"]]
        data = event["data"]
        data["subject"]["id"] = event["subject_id"]
        if data["contact"] is not None:
            data["contact"]["id"] = names["contact"][data["contact"]["id"]]
    return found


async def test_an_order_stored_after_the_chunk_looked_is_written_as_an_update(api, monkeypatch):
    """An order the chunk read as new but found stored at its INSERT (on PostgreSQL, a
    concurrent write's) is written alone in its place, as the update it is, in the same
    transaction: the chunk is not run again (a chunk run again lost the race again to each
    next single write; tests/api/batches/test_a_batch_racing_single_requests.py)."""
    await api.post("/orders", order("X-0", 0))
    items_of = order_batches._items
    looks: list[int] = []

    def first_look_misses_it(conn: Any, store_id: int, commands: Any, nows: Any) -> Any:
        items = items_of(conn, store_id, commands, nows)
        looks.append(len(looks))
        return [replace(item, stored=None, run=order_batches._Run.NEW) for item in items] if len(looks) == 1 else items

    monkeypatch.setattr(order_batches, "_items", first_look_misses_it)
    items = [order("X-0", 0, financial_status="paid"), order("X-1", 1), order("X-2", 2)]
    results = (await api.post("/orders/batch", {"items": items})).json()["results"]
    assert [r["status"] for r in results] == [200, 201, 201]
    assert looks == [0]
    orders_by_id = {row["id"]: row["external_id"] for row in await api.rows("orders")}
    assert [(row["type"], orders_by_id[row["subject_id"]]) for row in await api.rows("events")] == [
        ("order.created", "X-0"),
        ("order.financial_status_changed", "X-0"),
        ("order.created", "X-1"),
        ("order.created", "X-2"),
    ]


async def test_an_order_written_newer_after_the_chunk_looked_is_stale_at_its_lock(api, monkeypatch):
    """A stored order sent again, read not stale at the chunk's first look but found stale by
    the run's locked read (on PostgreSQL, a newer write committed in between): answered stale,
    nothing written to it, as `orders._store_order` answers it. (On SQLite the chunk's first
    look is made in the writer's transaction: the run writes over the rows it read.)"""
    if api.db.dialect == "sqlite":
        pytest.skip("one writer: the first look is the lock")
    await api.post("/orders", order("Z-0", 0, updated_at="2026-05-18T12:00:00Z"))
    await api.post("/orders", order("Z-1", 1))
    stored = order_batches._stored

    def looked_before_the_newer_write(conn: Any, store_id: int, external_ids: Any, lock: bool = False) -> Any:
        rows = stored(conn, store_id, external_ids, lock)
        return rows if lock else [{**row, "source_updated_at": None} for row in rows]

    monkeypatch.setattr(order_batches, "_stored", looked_before_the_newer_write)
    items = [order("Z-0", 0, updated_at="2026-05-18T11:00:00Z", financial_status="paid"), order("Z-1", 1)]
    results = (await api.post("/orders/batch", {"items": items})).json()["results"]
    assert [(r["status"], r.get("stale")) for r in results] == [(200, True), (200, None)]
    statuses = {row["external_id"]: row["financial_status"] for row in await api.rows("orders")}
    assert statuses == {"Z-0": "pending", "Z-1": "pending"}
    assert [row["type"] for row in await api.rows("events")] == ["order.created", "order.created"]
