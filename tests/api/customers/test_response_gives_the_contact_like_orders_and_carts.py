"""Issue 13 (amending SPEC §3.4, which kept the phone out): a customer's POST and GET answers give
its contact — `contact: {id, phone}` — and `phone_source` as orders and carts give theirs, and the
OpenAPI document describes them alike."""

from __future__ import annotations

import pytest

from app.rest.openapi import openapi_document
from tests.conftest import Api, cart_body, order_body

CUSTOMER = {"external_id": "CUST-42", "phone": "06 12 34 56 78", "first_name": "Marie", "email": "m@example.com"}
SHARED = ("contact", "phone_source")


async def test_post_and_get_give_the_contact_and_its_phone(api: Api) -> None:
    created = await api.post("/customers", CUSTOMER)
    assert created.status_code == 201
    body = created.json()
    assert body.pop("automations") == []  # a customer write fires no automation (issue 15)
    assert body["contact"] == {"id": body["contact"]["id"], "phone": "+33612345678"}
    assert (body["phone_source"], body["phone_type"]) == ("customer", "mobile")
    assert "contact_id" not in body  # the id is `contact.id`, as on orders and carts
    fetched = await api.get("/customers/CUST-42")
    assert (fetched.status_code, fetched.json()) == (200, body)
    replayed = await api.post("/customers", CUSTOMER)
    assert (replayed.status_code, replayed.json()) == (200, {**body, "automations": []})


async def test_the_contact_is_the_one_orders_and_carts_name(api: Api) -> None:
    customer = (await api.post("/customers", CUSTOMER)).json()
    order = (await api.post("/orders", order_body())).json()
    cart = (await api.post("/carts", cart_body())).json()
    assert customer["contact"] == order["contact"] == cart["contact"]
    assert {name: customer[name] for name in SHARED} == {name: order[name] for name in SHARED}


async def test_a_customer_without_external_id_is_its_contact(api: Api) -> None:
    body = (await api.post("/customers", {"phone": "+33698765432"})).json()
    assert (body["external_id"], body["contact"]["phone"], body["phone_source"]) == (None, "+33698765432", "customer")


async def test_a_contact_known_by_an_order_reads_as_a_customer(api: Api) -> None:
    """GET /customers/{id} of an id only an order's customer gave: the contact, phone included."""
    order = (await api.post("/orders", order_body())).json()
    body = (await api.get("/customers/CUST-42")).json()
    assert (body["contact"], body["phone_source"]) == (order["contact"], "customer")


async def test_a_stale_write_gives_the_stored_contact(api: Api) -> None:
    newer = {**CUSTOMER, "updated_at": "2026-05-18T10:00:00Z"}
    body = (await api.post("/customers", newer)).json()
    stale = await api.post("/customers", {**CUSTOMER, "first_name": "Old", "updated_at": "2026-05-17T10:00:00Z"})
    assert (stale.status_code, stale.headers["kanal-stale"], stale.json()) == (200, "true", body)


@pytest.mark.parametrize("name", SHARED)
def test_openapi_describes_them_as_on_orders_and_carts(name: str) -> None:
    schemas = openapi_document()["components"]["schemas"]
    customer = schemas["Customer"]["properties"][name]
    assert customer == schemas["Order"]["properties"][name] or (
        name == "phone_source" and customer["anyOf"] == schemas["Order"]["properties"][name]["anyOf"]
    )
    assert name in schemas["Customer"]["required"]
