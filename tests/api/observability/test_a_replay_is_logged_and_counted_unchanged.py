"""A replay that changed nothing is `unchanged` in the request log and in
`kanal_records_written_total` (README, "Metrics"), whatever it writes and however its customer is
named. A customer without an external_id (its contact is the customer) sent again was `updated`
every time, though its answer, its `updated_at` and every row stayed as they were; with an
external_id, a change its contact alone holds (a consent, a name an order gave since) was
`unchanged`. Each case sends its writes in turn, single or as one-item batches, and checks each
write's log outcome and the counters' moves against what it changed."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from app.services import keys
from tests.api.calls import gql
from tests.api.observability.logs import request_lines
from tests.api.observability.test_metrics_endpoint import scrape, value
from tests.conftest import Api, cart_body, order_body, shipment_body

PHONE = "+33688888888"
RESOURCES = ("order", "cart", "shipment", "customer")
OUTCOMES = ("created", "updated", "unchanged", "stale", "rejected")


def _customer(external_id: str | None, **fields: Any) -> dict[str, Any]:
    body = {"phone": PHONE, "first_name": "Z", **fields}
    return body if external_id is None else {"external_id": external_id, **body}


def _order(external_id: str | None, **fields: Any) -> dict[str, Any]:
    return order_body(external_id="ORDER-8", customer=_customer(external_id), **fields)


def _cart(external_id: str | None, **fields: Any) -> dict[str, Any]:
    return cart_body(external_id="CART-8", customer=_customer(external_id), **fields)


def _shipment(external_id: str | None, **fields: Any) -> dict[str, Any]:
    return shipment_body(order_external_id="ORDER-8", **fields)


# resource -> (path, body of a customer id or None)
WRITES = {
    "customer": ("/customers", _customer),
    "order": ("/orders", _order),
    "cart": ("/carts", _cart),
    "checkout": ("/checkouts", _cart),
    "shipment": ("/shipments", _shipment),
}

# case -> (the fields of each write in turn, each write's outcome)
SEQUENCES: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "sent three times": ([{}, {}, {}], ["created", "unchanged", "unchanged"]),
    "changed, then sent again": (
        [{}, {"metadata": {"n": 2}}, {"metadata": {"n": 2}}],
        ["created", "updated", "unchanged"],
    ),
}
CUSTOMER_SEQUENCES: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
    "sent three times": ([{}, {}, {}], ["created", "unchanged", "unchanged"]),
    "changed, then sent again": ([{}, {"last_name": "Y"}, {"last_name": "Y"}], ["created", "updated", "unchanged"]),
    "consent changed, then sent again": (
        [{}, {"whatsapp_consent": {"marketing": "subscribed"}}, {"whatsapp_consent": {"marketing": "subscribed"}}],
        ["created", "updated", "unchanged"],
    ),
}

CASES = [
    pytest.param(resource, customer_id, batch, case, id=f"{resource} {label} {how} {case}")
    for resource in WRITES
    for label, customer_id in (("customer id", "CUST-8"), ("phone only", None))
    for how, batch in (("single", False), ("batch", True))
    for case in (CUSTOMER_SEQUENCES if resource == "customer" else SEQUENCES)
]


@pytest.fixture
async def admin(api: Api) -> str:
    key, _ = await keys.create_key(api.db, admin=True)
    return key


def _counted(before: dict, after: dict) -> dict[tuple[str, str], float]:
    name = "kanal_records_written_total"
    moved = {
        (resource, outcome): value(after, name, resource=resource, outcome=outcome)
        - value(before, name, resource=resource, outcome=outcome)
        for resource in RESOURCES
        for outcome in OUTCOMES
    }
    return {key: count for key, count in moved.items() if count}


async def _rows(api: Api) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows, but a contact's `revision`, which counts every upsert of its row
    (README, "Decisions"; no API shows it)."""
    rows = await api.snapshot()
    rows["contacts"] = [{k: v for k, v in row.items() if k != "revision"} for row in rows["contacts"]]
    return rows


async def _write(api: Api, path: str, body: dict[str, Any], batch: bool) -> tuple[int, dict[str, Any]]:
    if not batch:
        response = await api.post(path, body)
        return response.status_code, response.json()
    response = await api.post(f"{path}/batch", {"items": [body]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    return result["status"], result


@pytest.mark.parametrize(("resource", "customer_id", "batch", "case"), CASES)
async def test_each_write_is_logged_and_counted_as_what_it_changed(
    api: Api, admin: str, resource: str, customer_id: str | None, batch: bool, case: str
) -> None:
    path, body = WRITES[resource]
    if resource == "shipment":  # its order, first
        assert (await api.post("/orders", _order(customer_id))).status_code == 201
    sequence, outcomes = (CUSTOMER_SEQUENCES if resource == "customer" else SEQUENCES)[case]
    named = "cart" if resource == "checkout" else resource
    for fields, outcome in zip(sequence, outcomes, strict=True):
        before = await scrape(api, admin)
        rows = await _rows(api)
        with request_lines() as lines:
            status, answer = await _write(api, path, body(customer_id, **fields), batch)
            (line,) = lines.parsed
        assert status == (201 if outcome == "created" else 200), answer
        assert (line["resource"], line["outcome"]) == (named, outcome)
        assert _counted(before, await scrape(api, admin)) == {(named, outcome): 1}
        if outcome == "unchanged":  # nothing written: every row as it was, our own times too
            assert await _rows(api) == rows


# A customer write whose record stays and whose contact changes: a change the contact alone
# holds, since the customer record was written, is written again by the replay.
async def test_a_customer_replay_that_changes_its_contact_is_updated(api: Api, admin: str) -> None:
    assert (await api.post("/customers", _customer("CUST-8"))).status_code == 201
    # an order's customer renames the contact; the customer record keeps "Z"
    order = order_body(customer={"phone": PHONE, "first_name": "W"})
    assert (await api.post("/orders", order)).status_code == 201
    before = await scrape(api, admin)
    with request_lines() as lines:
        response = await api.post("/customers", _customer("CUST-8"))
        (line,) = lines.parsed
    assert response.status_code == 200
    assert response.json()["first_name"] == "Z"
    assert line["outcome"] == "updated"
    assert _counted(before, await scrape(api, admin)) == {("customer", "updated"): 1}
    assert [row["first_name"] for row in await api.rows("contacts")] == ["Z"]


@pytest.mark.parametrize(("label", "customer_id"), [("customer id", "CUST-8"), ("phone only", None)])
async def test_one_customer_named_three_times_in_a_batch_is_created_then_unchanged(
    api: Api, admin: str, label: str, customer_id: str | None
) -> None:
    """Items of one batch share the write's time: the contact the first item wrote keeps that
    time on the replays, which changed nothing."""
    before = await scrape(api, admin)
    with request_lines() as lines:
        response = await api.post("/customers/batch", {"items": [_customer(customer_id)] * 3})
        (line,) = lines.parsed
    assert [result["status"] for result in response.json()["results"]] == [201, 200, 200]
    assert line["outcome"] == "created,unchanged:2"
    assert _counted(before, await scrape(api, admin)) == {("customer", "created"): 1, ("customer", "unchanged"): 2}


def test_the_table_covers_every_resource_and_way() -> None:
    ways = Counter((values[0], values[2]) for values in (case.values for case in CASES))
    assert set(ways) == {(resource, batch) for resource in WRITES for batch in (False, True)}


_UPSERT_CUSTOMERS = {
    "upsertCustomer": f"""mutation {{ upsertCustomer(storeId: 123, input: {{phone: "{PHONE}", firstName: "Z"}})
      {{ created userErrors {{ code }} }} }}""",
    "upsertCustomers": f"""mutation {{ upsertCustomers(storeId: 123, inputs: [{{phone: "{PHONE}", firstName: "Z"}}])
      {{ results {{ created userErrors {{ code }} }} }} }}""",
}


@pytest.mark.parametrize("mutation", _UPSERT_CUSTOMERS)
async def test_a_graphql_customer_replay_is_unchanged(api: Api, admin: str, mutation: str) -> None:
    before = await scrape(api, admin)
    with request_lines() as lines:
        for _ in range(3):
            assert "errors" not in await gql(api, _UPSERT_CUSTOMERS[mutation])
        outcomes = [(line["resource"], line["outcome"]) for line in lines.parsed]
    assert outcomes == [("customer", "created"), ("customer", "unchanged"), ("customer", "unchanged")]
    assert _counted(before, await scrape(api, admin)) == {("customer", "created"): 1, ("customer", "unchanged"): 2}
