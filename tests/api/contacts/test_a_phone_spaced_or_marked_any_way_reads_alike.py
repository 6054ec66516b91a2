"""SPEC §4.1: spaces in a phone are ignored, whichever space a shop's locale or a copy out of a
chat put there. Before, a regular space, a no-break space and the ideographic space were read,
and a narrow no-break space (how French formatting groups digits), a thin or figure space, a
tab or a line break, or the direction marks a number copied out of WhatsApp or a right-to-left
page carries, made the number `invalid_phone`: the order was refused, and the contact could be
neither found nor erased by the number as it was written.

Every place a phone is read, with a member of each family (tests/domain/test_phone_forms.py
covers every character of the class)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body

E164 = "+33612345678"

# how the number was written, store region FR -> the text
WRITTEN = {
    **{
        f"grouped by {name}": f"06{char}12{char}34{char}56{char}78"
        for name, char in {
            "narrow no-break spaces": "\u202f",
            "thin spaces": "\u2009",
            "figure spaces": "\u2007",
            "en spaces": "\u2002",
            "tabs": "\t",
            "line breaks": "\n",
            "line separators": "\u2028",
        }.items()
    },
    **{
        f"inside {name}": f"{start}+33 6 12 34 56 78{end}"
        for name, (start, end) in {
            "a left-to-right embedding": ("\u202a", "\u202c"),
            "a first-strong isolate": ("\u2068", "\u2069"),
            "left-to-right marks": ("\u200e", "\u200e"),
            "right-to-left marks": ("\u200f", "\u200f"),
            "zero-width spaces": ("\u200b", "\u200b"),
        }.items()
    },
}

ORDER = """mutation($input: OrderInput!) { upsertOrder(storeId: 123, input: $input) {
  order { contact { phone } } userErrors { code } } }"""


async def _written(api: Api, place: str, phone: str) -> str:
    """Write a record with `phone` in `place`; the E.164 phone of the contact it reached."""
    if place == "GraphQL upsertOrder":
        given = {
            "externalId": "O-1",
            "placedAt": "2026-05-18T10:00:00Z",
            "totalPrice": "1",
            "customer": {"phone": phone},
        }
        payload = (await gql(api, ORDER, {"input": given}))["data"]["upsertOrder"]
        assert payload["userErrors"] == []
        return payload["order"]["contact"]["phone"]
    path, body = {
        "an order's customer": ("/orders", order_body(customer={"phone": phone})),
        "an order's shipping address": (
            "/orders",
            order_body(customer={"first_name": "Ana"}, shipping_address={"phone": phone, "country_code": "FR"}),
        ),
        "a cart's customer": ("/carts", cart_body(customer={"phone": phone})),
        "a customer": ("/customers", {"phone": phone, "first_name": "Ana"}),
    }[place]
    answer = await api.post(path, body)
    assert answer.status_code == 201, answer.text
    return answer.json()["contact"]["phone"]


PLACES = [
    "an order's customer",
    "an order's shipping address",
    "a cart's customer",
    "a customer",
    "GraphQL upsertOrder",
]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("written", WRITTEN)
async def test_a_record_written_with_the_phone_reaches_its_contact(api: Api, written: str, place: str) -> None:
    assert await _written(api, place, WRITTEN[written]) == E164
    assert [row["phone"] for row in await api.rows("contacts")] == [E164]


async def _found(api: Api, way: str, phone: str) -> Any:
    if way == "GraphQL contact(phone:)":
        body = await gql(api, "query($p: String) { contact(storeId: 123, phone: $p) { phone } }", {"p": phone})
        return body["data"]["contact"]
    body = await gql(
        api, "query($p: String) { orders(storeId: 123, filter: {phone: $p}) { totalCount } }", {"p": phone}
    )
    return body["data"]["orders"]


FOUND = {"GraphQL contact(phone:)": {"phone": E164}, "GraphQL orders(filter: {phone:})": {"totalCount": 1}}


@pytest.mark.parametrize("way", FOUND)
@pytest.mark.parametrize("written", WRITTEN)
async def test_the_contact_is_found_by_the_phone(api: Api, written: str, way: str) -> None:
    assert (await api.post("/orders", order_body(customer={"phone": E164}))).status_code == 201
    assert await _found(api, way, WRITTEN[written]) == FOUND[way]


@pytest.mark.parametrize("written", WRITTEN)
async def test_a_guest_is_erased_by_the_phone(api: Api, written: str) -> None:
    assert (await api.post("/customers", {"phone": E164, "first_name": "Ana"})).status_code == 201
    assert (await api.delete(f"/customers?phone={quote(WRITTEN[written], safe='')}")).status_code == 204
    [contact] = await api.rows("contacts")
    assert (contact["phone"], contact["first_name"], contact["erased_at"] is not None) == (None, None, True)
