"""README "Stale and out-of-order writes" (`rules.happened_not_ahead`): an order's `placed_at`,
a cart's `abandoned_at` and its `completed_at` more than a day after the write's arrival are refused, `422
out_of_range` at the field, and change nothing, where an order "placed in 2099" was stored and
recovered every abandoned cart of its contact. Within a day the time is taken as sent. Every
write taking such a time is in the table: POST of orders, carts and checkouts, their batches,
and GraphQL's single and batch mutations. The class is found by walking the commands: every
time field of every command is refused, with the tolerance of a source time
(test_a_source_time_far_ahead_is_refused.py for `updated_at`), or taken on purpose."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, get_args

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from app.domain import commands
from tests.api.calls import gql, refusal, refused_item
from tests.conftest import Api, cart_body, order_body

PLACED = "The placed_at field is invalid: Must be at most a day after now: an order cannot be placed in the future."
ABANDONED = (
    "The abandoned_at field is invalid: Must be at most a day after now: a cart cannot be abandoned in the future."
)
COMPLETED = (
    "The completed_at field is invalid: Must be at most a day after now: a checkout cannot be completed in the future."
)

# name -> (path, body with the time = the argument, the time's field, its message, (table, external_id))
WRITES: dict[str, tuple[str, Any, str, str, tuple[str, str]]] = {
    "order": ("/orders", lambda at: order_body(placed_at=at), "placed_at", PLACED, ("orders", "ORDER-1001")),
    "cart": ("/carts", lambda at: cart_body(abandoned_at=at), "abandoned_at", ABANDONED, ("carts", "CART-7700")),
    "checkout": (
        "/checkouts",
        lambda at: cart_body(abandoned_at=at),
        "abandoned_at",
        ABANDONED,
        ("carts", "CART-7700"),
    ),
    "completed checkout": (
        "/checkouts",
        lambda at: cart_body(completed_at=at),
        "completed_at",
        COMPLETED,
        ("carts", "CART-7700"),
    ),
}
PAST = "2026-05-18T10:00:00Z"


def _at(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


FAR = {
    "two days ahead": lambda: _at(timedelta(days=2)),
    "a century ahead": lambda: _at(timedelta(days=36500)),
    "in 2099": lambda: "2099-01-01T00:00:00Z",
}


@pytest.mark.parametrize("ahead", sorted(FAR))
@pytest.mark.parametrize("name", sorted(WRITES))
async def test_a_time_more_than_a_day_ahead_is_refused_and_changes_nothing(api: Api, name: str, ahead: str):
    path, body, field, message, _written = WRITES[name]
    before = await api.snapshot()
    response = await api.post(path, body(FAR[ahead]()))
    assert response.status_code == 422, response.text
    assert response.json() == refusal(field, message, "out_of_range")
    assert await api.snapshot() == before


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_within_a_day_it_is_taken_as_sent(api: Api, name: str):
    path, body, field, _message, (table, external_id) = WRITES[name]
    ahead = datetime.now(UTC) + timedelta(hours=23)
    response = await api.post(path, body(ahead.isoformat()))
    assert response.status_code == 201, response.text
    (row,) = [row for row in await api.rows(table) if row["external_id"] == external_id]
    assert row[field] == ahead


@pytest.mark.parametrize("name", sorted(WRITES))
async def test_a_batch_refuses_that_item_alone(api: Api, name: str):
    path, body, field, message, (table, external_id) = WRITES[name]
    good = {**body(PAST), "external_id": "OTHER-1"}
    response = await api.post(path + "/batch", {"items": [body(FAR["in 2099"]()), good]})
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert first == refused_item(0, external_id, field, message, "out_of_range")
    assert (second["external_id"], second["status"]) == ("OTHER-1", 201)
    assert [row["external_id"] for row in await api.rows(table)] == ["OTHER-1"]


# mutation -> (its input(s) with $at as the time, where its user error is, the message there)
ORDER = '{externalId: "G-1", placedAt: $at, totalPrice: 1, customer: {phone: "+33611111111"}}'
CART = '{externalId: "C-1", abandonedAt: $at, totalPrice: 1, customer: {phone: "+33611111111"}}'
GRAPHQL_PLACED = PLACED.replace("placed_at", "placedAt")
GRAPHQL_ABANDONED = ABANDONED.replace("abandoned_at", "abandonedAt")
COMPLETED_CART = CART.replace("abandonedAt: $at", 'abandonedAt: "2026-05-18T09:40:00Z", completedAt: $at')
GRAPHQL_COMPLETED = COMPLETED.replace("completed_at", "completedAt")
MUTATIONS = {
    "upsertOrder": (f"input: {ORDER}", ["input", "placedAt"], GRAPHQL_PLACED),
    "upsertCart": (f"input: {CART}", ["input", "abandonedAt"], GRAPHQL_ABANDONED),
    "upsertOrders": (f"inputs: [{ORDER}]", ["inputs", "0", "placedAt"], GRAPHQL_PLACED),
    "upsertCarts": (f"inputs: [{CART}]", ["inputs", "0", "abandonedAt"], GRAPHQL_ABANDONED),
    "upsertCart completed": (f"input: {COMPLETED_CART}", ["input", "completedAt"], GRAPHQL_COMPLETED),
    "upsertCarts completed": (f"inputs: [{COMPLETED_CART}]", ["inputs", "0", "completedAt"], GRAPHQL_COMPLETED),
}
USER_ERRORS = "userErrors { field code message }"


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
async def test_graphql_refuses_it_as_a_user_error(api: Api, mutation: str):
    arguments, at, message = MUTATIONS[mutation]
    name = mutation.split()[0]
    batch = arguments.startswith("inputs")
    selection = f"results {{ {USER_ERRORS} }}" if batch else USER_ERRORS
    before = await api.snapshot()
    query = f"mutation($at: String!) {{ {name}(storeId: 123, {arguments}) {{ {selection} }} }}"
    payload = (await gql(api, query, {"at": FAR["two days ahead"]()}))["data"][name]
    (result,) = payload["results"] if batch else [payload]
    assert result["userErrors"] == [{"field": at, "code": "OUT_OF_RANGE", "message": message}]
    assert await api.snapshot() == before


# Every time field of the commands, as (command, field): refused here, refused as a source time,
# or taken on purpose (README "Stale and out-of-order writes").
REFUSED_HERE = {("OrderInput", "placed_at"), ("CartInput", "abandoned_at"), ("CartInput", "completed_at")}
SOURCE_TIMES = {
    (name, "updated_at")
    for name in ("OrderInput", "OrderUpdate", "CartInput", "CartUpdate", "ShipmentInput", "CustomerInput")
}
TAKEN = {
    ("WhatsappConsent", "consented_at"),  # ahead: read as its arrival (consent_merge)
    ("EmbeddedCustomer", "updated_at"),  # not used (the order's or the cart's decides)
}


def _holds_a_time(annotation: Any) -> bool:
    return annotation is datetime or any(_holds_a_time(argument) for argument in get_args(annotation))


def test_every_time_of_every_command_is_in_the_table():
    models: list[type[BaseModel]] = [
        value
        for value in vars(commands).values()
        if isinstance(value, type) and issubclass(value, commands.Command) and value.model_fields
    ]
    found = {
        (model.__name__, name)
        for model in models
        for name, field in model.model_fields.items()
        if _holds_a_time(field.annotation)
    }
    assert found == REFUSED_HERE | SOURCE_TIMES | TAKEN


@pytest.mark.parametrize(("model", "field"), sorted(REFUSED_HERE | SOURCE_TIMES | TAKEN))
def test_a_time_is_refused_ahead_exactly_when_the_table_says(model: str, field: str):
    """The field's own type, checked alone: `out_of_range` two days ahead, or taken."""
    info = getattr(commands, model).model_fields[field]
    adapter = TypeAdapter(info.rebuild_annotation())
    ahead = _at(timedelta(days=2))
    try:
        adapter.validate_python(ahead)
    except ValidationError as exc:
        refused = [error["type"] for error in exc.errors()]
    else:
        refused = []
    assert refused == ([] if (model, field) in TAKEN else ["out_of_range"])
