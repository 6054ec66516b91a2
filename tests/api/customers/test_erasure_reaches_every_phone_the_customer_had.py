"""README "Erasure": erasing a customer id erases every contact its customer record ever
pointed at, not only the one it points at now. A customer who moved phone (README "A customer
id names one contact": the new phone's contact takes the id, the old one gives it up) left its
names, email and tags on the old phone's contact; the erasure reached only the contacts that
carry the id now, so that data outlived the erasure. The same for each way of writing a
customer: REST's single POST and batch, GraphQL's upsertCustomer and upsertCustomers."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api

A, B, C, D = "+33611112001", "+33611112002", "+33611112003", "+33611112009"
ERASED = "MV2-1"

Write = tuple[str, str]  # (customer id, phone)

# name -> (the writes after KEEP's, in order; the phones whose contacts the erasure of MV2-1 erases)
SCENARIOS: dict[str, tuple[list[Write], set[str]]] = {
    "never moved": ([(ERASED, A)], {A}),
    "moved once": ([(ERASED, A), (ERASED, B)], {A, B}),
    "moved twice": ([(ERASED, A), (ERASED, B), (ERASED, C)], {A, B, C}),
    "moved back": ([(ERASED, A), (ERASED, B), (ERASED, A)], {A, B}),
    # README "Erasure": the old phone is still the person's, whoever uses it since.
    "moved, then its old phone taken by another customer id": (
        [(ERASED, A), (ERASED, B), ("MV2-2", A)],
        {A, B},
    ),
}

_UPSERT = "mutation($input: CustomerInput!) { upsertCustomer(storeId: 123, input: $input) { userErrors { code } } }"
_UPSERTS = """mutation($inputs: [CustomerInput!]!) {
  upsertCustomers(storeId: 123, inputs: $inputs) { results { userErrors { code } } } }"""


def _body(number: int, external_id: str, phone: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "phone": phone,
        "first_name": f"Mo{number}",
        "last_name": "Vance",
        "email": f"mo{number}@example.com",
        "tags": [f"t{number}"],
    }


def _input(body: dict[str, Any]) -> dict[str, Any]:
    names = {"external_id": "externalId", "first_name": "firstName", "last_name": "lastName"}
    return {names.get(name, name): value for name, value in body.items()}


async def _single(api: Api, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        response = await api.post("/customers", body)
        assert response.status_code in (200, 201), response.text


async def _batch(api: Api, bodies: list[dict[str, Any]]) -> None:
    response = await api.post("/customers/batch", {"items": bodies})
    assert response.status_code == 200, response.text
    assert {item["status"] for item in response.json()["results"]} <= {200, 201}, response.text


async def _graphql(api: Api, bodies: list[dict[str, Any]]) -> None:
    for body in bodies:
        answer = await gql(api, _UPSERT, {"input": _input(body)})
        assert answer == {"data": {"upsertCustomer": {"userErrors": []}}}, answer


async def _graphql_batch(api: Api, bodies: list[dict[str, Any]]) -> None:
    answer = await gql(api, _UPSERTS, {"inputs": [_input(body) for body in bodies]})
    assert answer["data"]["upsertCustomers"]["results"] == [{"userErrors": []}] * len(bodies), answer


CHANNELS = {
    "POST /customers": _single,
    "POST /customers/batch": _batch,
    "upsertCustomer": _graphql,
    "upsertCustomers": _graphql_batch,
}

PERSONAL = ("phone", "first_name", "last_name", "email", "tags", "external_id")


async def erased_exactly(api: Api, external_id: str, phones: set[str]) -> None:
    """Erase the customer id `external_id`: the contacts of `phones`, and they alone, lose their
    personal data and are marked erased; every other contact is as it was."""
    before = {row["id"]: row for row in await api.rows("contacts")}
    targets = {row["id"] for row in before.values() if row["phone"] in phones}
    assert len(targets) == len(phones)

    assert (await api.delete(f"/customers/{external_id}")).status_code == 204

    after = {row["id"]: row for row in await api.rows("contacts")}
    assert after.keys() == before.keys()
    for contact_id, row in after.items():
        if contact_id in targets:
            assert {name: row[name] for name in PERSONAL} == dict.fromkeys(PERSONAL), row
            assert row["erased_at"] is not None
        else:
            assert row == before[contact_id]


@pytest.mark.parametrize("channel", CHANNELS.values(), ids=list(CHANNELS))
@pytest.mark.parametrize(("writes", "erased"), SCENARIOS.values(), ids=list(SCENARIOS))
async def test_erasure_reaches_every_contact_the_customer_record_pointed_at(
    api: Api, channel: Any, writes: list[Write], erased: set[str]
) -> None:
    await _single(api, [_body(0, "KEEP", D)])  # another customer: untouched
    await channel(api, [_body(number, external_id, phone) for number, (external_id, phone) in enumerate(writes, 1)])

    await erased_exactly(api, ERASED, erased)

    assert [row["external_id"] for row in await api.rows("customers")] == ["KEEP"]
    assert (await api.get(f"/customers/{ERASED}")).status_code == 404

    stored = await api.snapshot()
    assert (await api.delete(f"/customers/{ERASED}")).status_code == 204
    assert await api.snapshot() == stored


async def test_the_reported_customer_who_moved_phone_then_was_erased(api: Api) -> None:
    """The report: the old phone's contact still gave the erased customer's name, email and tags."""
    first = {"external_id": "MV2-1", "phone": A, "first_name": "Mo", "email": "mo@example.com", "tags": ["a"]}
    assert (await api.post("/customers", first)).status_code == 201
    assert (await api.post("/customers", {"external_id": "MV2-1", "phone": B, "first_name": "Mo2"})).status_code == 200
    assert (await api.delete("/customers/MV2-1")).status_code == 204
    query = "query($phone: String) { contact(storeId: 123, phone: $phone) { firstName email tags erasedAt } }"
    for phone in (A, B):
        assert await gql(api, query, {"phone": phone}) == {"data": {"contact": None}}
    contacts = await api.rows("contacts")
    assert [(row["first_name"], row["email"], row["tags"]) for row in contacts] == [(None, None, None)] * 2
    assert all(row["erased_at"] is not None for row in contacts)
