"""A customer id names one contact, the same in REST and GraphQL (README, "Customers and
contacts"): the contact of its customer record, else the contact an order's or a cart's customer
gave the id. `GET /customers/{id}`, `contact(externalId:)` and `contacts(search:)` answer it,
and the stored contacts agree: a customer record's contact holds its id (a customer who moves
phone takes it along, and the contact it leaves takes the id of the record written last among
those still on it), and an order's or a cart's customer never gives a contact an id whose
customer record names another one — two contacts never claim one id."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql, quoted
from tests.conftest import Api, cart_body, order_body

A, B, C = "+33610101001", "+33610101002", "+33610101003"

Write = tuple[str, Any]  # (path, body)


def customer(external_id: str, phone: str, first_name: str | None = None) -> Write:
    body = {"external_id": external_id, "phone": phone}
    return "/customers", body if first_name is None else {**body, "first_name": first_name}


def _order(number: str, customer_id: str | None, phone: str) -> dict[str, Any]:
    embedded = {"phone": phone} if customer_id is None else {"external_id": customer_id, "phone": phone}
    return order_body(external_id=number, customer=embedded)


def order(number: str, customer_id: str | None, phone: str) -> Write:
    return "/orders", _order(number, customer_id, phone)


def orders_batch(*items: tuple[str, str | None, str]) -> Write:
    return "/orders/batch", {"items": [_order(*item) for item in items]}


def customers_batch(*items: Write) -> Write:
    return "/customers/batch", {"items": [body for _, body in items]}


def cart(number: str, customer_id: str, phone: str) -> Write:
    return "/carts", cart_body(external_id=number, customer={"external_id": customer_id, "phone": phone})


# name -> (writes, {customer id looked up: the phone of its contact, None: no such customer},
#          the stored contacts {phone: external_id})
SCENARIOS: dict[str, tuple[list[Write], dict[str, str | None], dict[str, str | None]]] = {
    "a customer moves phone": (
        [customer("MV", A, "Al"), customer("MV", B, "Bo")],
        {"MV": B},
        {A: None, B: "MV"},
    ),
    "a customer moves phone and back": (
        [customer("MV", A), customer("MV", B), customer("MV", A)],
        {"MV": A},
        {A: "MV", B: None},
    ),
    "a customer moves to a phone an order gave a contact": (
        [order("O-1", None, B), customer("MV", A), customer("MV", B)],
        {"MV": B},
        {A: None, B: "MV"},
    ),
    "a customer moves phone within one customers batch": (
        [customers_batch(customer("MV", A), customer("MV", B))],
        {"MV": B},
        {A: None, B: "MV"},
    ),
    "a customer record takes the id an order's customer gave another phone": (
        [order("O-1", "X", A), customer("X", B)],
        {"X": B},
        {A: None, B: "X"},
    ),
    "two customer ids of one phone": (
        [customer("X1", A), customer("X2", A)],
        {"X1": A, "X2": A},
        {A: "X2"},
    ),
    # the contact an id moves off holds the id of the record written last among those on it
    "the second of two ids of one phone moves off it": (
        [customer("X1", A), customer("X2", A), customer("X2", B)],
        {"X1": A, "X2": B},
        {A: "X1", B: "X2"},
    ),
    "the last of three ids of one phone moves off it": (
        [customer("X1", A), customer("X2", A), customer("X3", A), customer("X3", B)],
        {"X1": A, "X2": A, "X3": B},
        {A: "X2", B: "X3"},
    ),
    "the first of two ids of one phone, written again, moves off it": (
        [customer("X1", A), customer("X2", A), customer("X1", A, "Al"), customer("X1", B)],
        {"X1": B, "X2": A},
        {A: "X2", B: "X1"},
    ),
    "the second of two ids of one phone moves off it within one customers batch": (
        [customers_batch(customer("X1", A), customer("X2", A), customer("X2", B))],
        {"X1": A, "X2": B},
        {A: "X1", B: "X2"},
    ),
    "the second of two ids of one phone moves off it, then the first": (
        [customer("X1", A), customer("X2", A), customer("X2", B), customer("X1", C)],
        {"X1": C, "X2": B},
        {A: None, B: "X2", C: "X1"},
    ),
    "an order's customer id goes on its contact": (
        [order("O-1", "X", A)],
        {"X": A, "NOPE": None},
        {A: "X"},
    ),
    "an order keeps off its contact an id a customer record gives another phone": (
        [customer("X", A), order("O-1", "Y", A), order("O-2", "X", B)],
        {"X": A, "Y": A},
        {A: "Y", B: None},
    ),
    "a cart keeps off its contact an id a customer record gives another phone": (
        [customer("X", A), order("O-1", "Y", A), cart("CART-1", "X", C)],
        {"X": A, "Y": A},
        {A: "Y", C: None},
    ),
    "an orders batch keeps off its contacts an id a customer record gives another phone": (
        [customer("X", A), order("O-1", "Y", A), orders_batch(("O-2", "X", B), ("O-3", "Z", C))],
        {"X": A, "Y": A, "Z": C},
        {A: "Y", B: None, C: "Z"},
    ),
}

_CONTACT = "query($id: String) { contact(storeId: 123, externalId: $id) { phone externalId } }"
_SEARCH = "query($id: String) { contacts(storeId: 123, search: $id) { edges { node { phone } } } }"


@pytest.mark.parametrize(("writes", "found", "stored"), SCENARIOS.values(), ids=list(SCENARIOS))
async def test_rest_and_graphql_find_the_same_contact(
    api: Api, writes: list[Write], found: dict[str, str | None], stored: dict[str, str | None]
) -> None:
    for path, body in writes:
        response = await api.post(path, body)
        assert response.status_code in (200, 201), response.text
        if path.endswith("/batch"):
            assert {item["status"] for item in response.json()["results"]} <= {200, 201}, response.text
    contacts = {row["phone"]: row["external_id"] for row in await api.rows("contacts")}
    assert contacts == stored
    for external_id, phone in found.items():
        response = await api.get(f"/customers/{quoted(external_id)}")
        graphql = (await gql(api, _CONTACT, {"id": external_id}))["data"]["contact"]
        search = (await gql(api, _SEARCH, {"id": external_id}))["data"]["contacts"]["edges"]
        if phone is None:
            assert (response.status_code, graphql, search) == (404, None, [])
            continue
        assert (response.status_code, response.json()["contact"]["phone"]) == (200, phone)
        assert graphql == {"phone": phone, "externalId": contacts[phone]}
        assert search == [{"node": {"phone": phone}}]


async def test_the_newcomers_customer_who_moved_phone(api: Api) -> None:
    """The report: REST and GraphQL gave two different people for one customer id."""
    first = await api.post("/customers", {"external_id": "MV", "phone": "+33610101001", "first_name": "Al"})
    second = await api.post("/customers", {"external_id": "MV", "phone": "+33610101002", "first_name": "Bo"})
    assert (first.status_code, second.status_code) == (201, 200)
    rest = (await api.get("/customers/MV")).json()
    assert (rest["contact"]["phone"], rest["first_name"]) == ("+33610101002", "Bo")
    query = '{ contact(storeId: 123, externalId: "MV") { phone firstName externalId } }'
    assert await gql(api, query) == {
        "data": {"contact": {"phone": "+33610101002", "firstName": "Bo", "externalId": "MV"}}
    }
