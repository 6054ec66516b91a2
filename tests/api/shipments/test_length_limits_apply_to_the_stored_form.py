"""README "A respelled tracking number or carrier": a length limit is the stored value's. A
shipment's `tracking_number`, `carrier` and `tracking_url`, and a cart's `recovery_url`, are
stored without their surrounding whitespace, so 255 characters (a URL: 1024) with spaces, a
tab, a line break or a Unicode space around them (a label printer's, a CSV cell's, a copied
link's) are taken and stored as the 255, where they were refused (`too_long`; a URL
`invalid_url`, the whole shipment or cart with it); 256 once cut are refused as before, at the
field, and change nothing. An order's statuses, stored trimmed and normalised ("Order
statuses", ≤ 64), follow the same rule.

One table: every such field × every write taking it (REST single and batch, GraphQL single and
batch mutations, and for the statuses and a cart's URL the PATCH and update mutation)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.calls import gql, refusal
from tests.conftest import Api, cart_body, order_body, shipment_body

# Around the value: what `str.strip` cuts (and `str.isspace` reads as blank).
AROUND = {"spaces": ("  ", "  "), "tab": ("\t", "\t"), "newline": ("\n", "\r\n"), "U+3000": ("\u3000", " \u3000")}


def _camel(name: str) -> str:
    return re.sub(r"_(\w)", lambda match: match[1].upper(), name)


def _camel_keys(value: Any) -> Any:
    if isinstance(value, dict):
        return {_camel(key): _camel_keys(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Field:
    """A field stored in a trimmed or normalised form, its limit, and a character its stored
    form keeps as sent (a status is stored lower-cased)."""

    table: str
    name: str
    limit: int
    body: Callable[[str, str], dict[str, Any]]  # (name, value) -> the body a write sends
    character: str
    prefix: str = ""  # what the value starts with (a URL's scheme and host)

    def value(self, length: int) -> str:
        """A value of `length` characters: the prefix, then the character."""
        return self.prefix + self.character * (length - len(self.prefix))

    @property
    def too_long(self) -> str:
        """What the field's refusal says today."""
        return f"The {self.name} field is invalid: Must be at most {self.limit} characters."


@dataclass(frozen=True)
class Outcome:
    """What a write answered: its status, the field's value in the record it answers (or reads
    back), and where and with which code it was refused (the field's path, as the API names it)."""

    status: int
    answered: str | None = None
    refused: tuple[tuple[str, ...], str] | None = None


Send = Callable[[Api, Field, dict[str, Any]], Awaitable[Outcome]]


@dataclass(frozen=True)
class Write:
    send: Send
    taken: int  # its status when it writes the value: 201 for a new record over REST
    # where it refuses a field, the path it names from the field's name (REST's: the name),
    # and its error code
    path: Callable[[str], tuple[str, ...]] = lambda name: (name,)
    code: str = "too_long"


def _rest_refusal(field: Field, body: dict[str, Any]) -> tuple[tuple[str, ...], str]:
    (name,) = body["codes"]
    (code,) = body["codes"][name]
    assert body == refusal(name, field.too_long, code)
    return (name,), code


def _rest_post(path: str, read: str) -> Send:
    async def send(api: Api, field: Field, body: dict[str, Any]) -> Outcome:
        response = await api.post(path, body)
        if response.status_code == 422:
            return Outcome(422, refused=_rest_refusal(field, response.json()))
        answered = response.json()[field.name]
        assert (await api.get(read)).json()[field.name] == answered
        return Outcome(response.status_code, answered)

    return send


def _rest_batch(path: str, read: str) -> Send:
    async def send(api: Api, field: Field, body: dict[str, Any]) -> Outcome:
        response = await api.post(path, {"items": [body]})
        assert response.status_code == 200
        (result,) = response.json()["results"]
        if result["status"] == 422:
            refused = {key: value for key, value in result.items() if key not in ("index", "external_id", "status")}
            return Outcome(422, refused=_rest_refusal(field, refused))
        return Outcome(result["status"], (await api.get(read)).json()[field.name])  # a result holds no record

    return send


def _rest_patch(path: str) -> Send:
    async def send(api: Api, field: Field, body: dict[str, Any]) -> Outcome:
        response = await api.patch(path, {field.name: body[field.name]})
        if response.status_code == 422:
            return Outcome(422, refused=_rest_refusal(field, response.json()))
        return Outcome(response.status_code, response.json()[field.name])

    return send


def _graphql(mutation: str, kind: str, record: str, arguments: str = "", batch: bool = False) -> Write:
    """A GraphQL mutation of one input of type `kind`, or of a list of one (`inputs`, `batch`);
    with `arguments` (a record's id), of a change to that record: the field alone is sent."""
    variable, given_type = ("inputs", f"[{kind}!]!") if batch else ("input", f"{kind}!")
    payload = f"{record} {{ FIELD }} userErrors {{ field code }}"
    document = f"mutation($input: {given_type}) {{ {mutation}(storeId: 123{arguments}, {variable}: $input) " + (
        f"{{ results {{ {payload} }} }} }}" if batch else f"{{ {payload} }} }}"
    )

    async def send(api: Api, field: Field, body: dict[str, Any]) -> Outcome:
        name = _camel(field.name)
        given = {name: body[field.name]} if arguments else _camel_keys(body)
        query = document.replace("FIELD", name)
        answer = await gql(api, query, {"input": [given] if batch else given})
        assert "errors" not in answer, answer
        result = answer["data"][mutation]
        if batch:
            (result,) = result["results"]
        if result["userErrors"]:
            (error,) = result["userErrors"]
            return Outcome(422, refused=(tuple(error["field"]), error["code"]))
        return Outcome(200, result[record][name])

    where = ("inputs", "0") if batch else ("input",)
    return Write(send, 200, lambda name: (*where, _camel(name)), "TOO_LONG")


SHIPMENT_WRITES = {
    "POST /shipments": Write(_rest_post("/shipments", "/shipments/SHIP-9001"), 201),
    "POST /shipments/batch": Write(_rest_batch("/shipments/batch", "/shipments/SHIP-9001"), 201),
    "createShipment": _graphql("createShipment", "ShipmentInput", "shipment"),
    "createShipments": _graphql("createShipments", "ShipmentInput", "shipment", batch=True),
}
ORDER_WRITES = {
    "POST /orders": Write(_rest_post("/orders", "/orders/ORDER-1001"), 201),
    "POST /orders/batch": Write(_rest_batch("/orders/batch", "/orders/ORDER-1001"), 201),
    "PATCH /orders/{id}": Write(_rest_patch("/orders/ORDER-1001"), 200),
    "upsertOrder": _graphql("upsertOrder", "OrderInput", "order"),
    "upsertOrders": _graphql("upsertOrders", "OrderInput", "order", batch=True),
    "updateOrder": _graphql("updateOrder", "OrderUpdateInput", "order", ', externalId: "ORDER-1001"'),
}
CART_WRITES = {
    "POST /carts": Write(_rest_post("/carts", "/carts/CART-7700"), 201),
    "POST /carts/batch": Write(_rest_batch("/carts/batch", "/carts/CART-7700"), 201),
    "POST /checkouts": Write(_rest_post("/checkouts", "/checkouts/CART-7700"), 201),
    "PATCH /carts/{id}": Write(_rest_patch("/carts/CART-7700"), 200),
    "upsertCart": _graphql("upsertCart", "CartInput", "cart"),
    "upsertCarts": _graphql("upsertCarts", "CartInput", "cart", batch=True),
    "updateCart": _graphql("updateCart", "CartUpdateInput", "cart", ', externalId: "CART-7700"'),
}
ORDER = {
    "external_id": "ORDER-1001",
    "placed_at": "2026-05-18T10:00:00Z",
    "total_price": 49.9,
    "currency": "EUR",
    "customer": {"phone": "+33612345678"},
}


async def _an_order(api: Api) -> None:
    response = await api.post("/orders", order_body())
    assert response.status_code == 201, response.text[:300]


FIELDS = {
    "tracking_number": (
        Field("shipments", "tracking_number", 255, lambda name, value: shipment_body(**{name: value}), "9"),
        SHIPMENT_WRITES,
    ),
    "carrier": (
        Field("shipments", "carrier", 255, lambda name, value: shipment_body(**{name: value}), "C"),
        SHIPMENT_WRITES,
    ),
    "tracking_url": (
        Field(
            "shipments",
            "tracking_url",
            1024,
            lambda name, value: shipment_body(**{name: value}),
            "1",
            "https://track.example.com/",
        ),
        SHIPMENT_WRITES,
    ),
    "recovery_url": (
        Field(
            "carts",
            "recovery_url",
            1024,
            lambda name, value: cart_body(**{name: value}),
            "7",
            "https://shop.example.com/",
        ),
        CART_WRITES,
    ),
    "financial_status": (
        Field("orders", "financial_status", 64, lambda name, value: {**ORDER, name: value}, "p"),
        ORDER_WRITES,
    ),
    "fulfillment_status": (
        Field("orders", "fulfillment_status", 64, lambda name, value: {**ORDER, name: value}, "f"),
        ORDER_WRITES,
    ),
}
CASES = [
    pytest.param(field, write, id=f"{field_name} × {write_name}")
    for field_name, (field, writes) in FIELDS.items()
    for write_name, write in writes.items()
]


def _patches(write: Write) -> bool:
    return write in (ORDER_WRITES["PATCH /orders/{id}"], ORDER_WRITES["updateOrder"])


async def _prepare(api: Api, field: Field, write: Write) -> None:
    """What the write needs: the order a shipment names, the order or the cart a PATCH changes."""
    if field.table == "shipments" or _patches(write):
        await _an_order(api)
    if write in (CART_WRITES["PATCH /carts/{id}"], CART_WRITES["updateCart"]):
        response = await api.post("/carts", cart_body())
        assert response.status_code == 201, response.text[:300]


async def _stored(api: Api, field: Field) -> list[Any]:
    return [row[field.name] for row in await api.rows(field.table)]


@pytest.mark.parametrize("around", AROUND.values(), ids=AROUND.keys())
@pytest.mark.parametrize(("field", "write"), CASES)
async def test_the_limit_with_whitespace_around_is_taken_and_stored_trimmed(
    api: Api, field: Field, write: Write, around: tuple[str, str]
) -> None:
    await _prepare(api, field, write)
    value = field.value(field.limit)

    outcome = await write.send(api, field, field.body(field.name, around[0] + value + around[1]))

    assert outcome == Outcome(write.taken, answered=value)
    assert await _stored(api, field) == [value]


@pytest.mark.parametrize(("field", "write"), CASES)
async def test_one_over_the_limit_once_trimmed_is_refused_and_changes_nothing(
    api: Api, field: Field, write: Write
) -> None:
    await _prepare(api, field, write)
    before = await api.snapshot()

    body = field.body(field.name, " \t" + field.value(field.limit + 1) + "\u3000\n")
    outcome = await write.send(api, field, body)

    assert outcome == Outcome(422, refused=(write.path(field.name), write.code))
    assert await api.snapshot() == before
