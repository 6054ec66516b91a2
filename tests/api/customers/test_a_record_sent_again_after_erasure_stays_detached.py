"""SPEC §4.3, README "Erasure": an order or a cart sent again after its customer's erasure (a
shop re-sends the whole order, customer and addresses with it, on each status update, and
retries its webhooks) takes the write's other fields and stays detached: on the erased contact,
without the customer id and the addresses, making no contact, recording no consent, its events
carrying no contact, and no automation firing for it. A new order with the same phone makes a
new contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.calls import gql
from tests.conftest import Api, cart_body, order_body, shipment_body

PHONE = "+33612345678"
ADDRESS = {"first_name": "Marie", "address1": "1 rue X", "city": "Paris", "country_code": "FR", "phone": "0612345678"}
CUSTOMER = {
    "external_id": "CUST-42",
    "phone": PHONE,
    "first_name": "Marie",
    "whatsapp_consent": {"marketing": "subscribed", "utility": "subscribed", "source": "checkout"},
}
# what the erased person is known by: none of it may come back in an event
PERSONAL = ("33612345678", "0612345678", "Marie", "rue X", "CUST-42")
# stored orders of other phones that a batch may send again around the erased one (a run)
NEIGHBOURS = [order_body(external_id=f"O-{n}", customer={"phone": f"+3361111000{n}"}) for n in (1, 2)]

ORDER = order_body(shipping_address=ADDRESS, billing_address=ADDRESS)
# abandoned after the order was placed: its recovery is still to come when the erasure comes
CART = cart_body(
    abandoned_at="2026-05-19T09:00:00Z",
    customer={"external_id": "CUST-42", "phone": PHONE},
    shipping_address=ADDRESS,
    billing_address=ADDRESS,
)
ORDER_AGAIN = {**ORDER, "customer": CUSTOMER, "financial_status": "paid"}
CART_AGAIN = {**CART, "customer": CUSTOMER, "tags": ["resent"]}
# without a consent, an order sent again may join a run of its batch's stored orders
ORDER_AGAIN_IN_A_RUN = {**ORDER_AGAIN, "customer": {**CUSTOMER, "whatsapp_consent": None}}
ERASED_RECOVERY = [
    {"automation": "cart_recovery", "reason": "erased", "subject": {"type": "cart", "external_id": "CART-7700"}}
]

Send = Callable[[Api], Awaitable[tuple[int, list[dict[str, Any]]]]]


def rest(method: str, path: str, body: dict[str, Any]) -> Send:
    """A REST write: its status and its answer's automations."""

    async def send(api: Api) -> tuple[int, list[dict[str, Any]]]:
        response = await getattr(api, method)(path, body)
        return response.status_code, response.json()["automations"]

    return send


def batch(path: str, items: list[dict[str, Any]], at: int) -> Send:
    """A batch of `items`: the item at `at` is the record sent again, its status and automations."""

    async def send(api: Api) -> tuple[int, list[dict[str, Any]]]:
        response = await api.post(path, {"items": items})
        assert response.status_code == 200, response.text
        results = response.json()["results"]
        assert [result["status"] for result in results] == [200] * len(items)
        return results[at]["status"], results[at]["automations"]

    return send


def to_graphql(body: dict[str, Any]) -> dict[str, Any]:
    """A REST body as a GraphQL input: its names in camel case, nested objects too."""

    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(word.title() for word in rest)

    def convert(value: Any) -> Any:
        if isinstance(value, dict):
            return {camel(key): convert(item) for key, item in value.items()}
        return value

    return {camel(key): value if key in ("metadata", "line_items") else convert(value) for key, value in body.items()}


def mutation(name: str, input_type: str, record: str, body: dict[str, Any]) -> Send:
    """A GraphQL upsert: HTTP 200, and its payload's automations as REST writes them."""
    document = f"""mutation($input: {input_type}!) {{ {name}(storeId: 123, input: $input) {{
      created {record} {{ externalId customerExternalId contact {{ phone }} shippingAddress {{ city }} }}
      automations {{ automation reason subjectType externalId }} userErrors {{ field }} }} }}"""

    async def send(api: Api) -> tuple[int, list[dict[str, Any]]]:
        answer = await gql(api, document, {"input": to_graphql(body)})
        payload = answer["data"][name]
        assert payload["userErrors"] == [] and payload["created"] is False, answer
        assert payload[record]["customerExternalId"] is None and payload[record]["shippingAddress"] is None
        assert payload[record]["contact"] == {"phone": None}
        automations = [
            {
                "automation": decision["automation"],
                "reason": decision["reason"],
                "subject": {"type": decision["subjectType"], "external_id": decision["externalId"]},
            }
            for decision in payload["automations"]
        ]
        return 200, automations

    return send


@dataclass(frozen=True)
class Case:
    table: str  # orders or carts
    send: Send
    status: int
    changed: tuple[str, Any]  # a field the write changed, as the row holds it after
    automations: list[dict[str, Any]]


PAID = ("financial_status", "paid")
RESENT = ("tags", ["resent"])
CASES = {
    "order POST": Case("orders", rest("post", "/orders", ORDER_AGAIN), 200, PAID, []),
    "order PATCH": Case("orders", rest("patch", "/orders/ORDER-1001", {"financial_status": "paid"}), 200, PAID, []),
    "order in a batch": Case(
        "orders", batch("/orders/batch", [NEIGHBOURS[0], ORDER_AGAIN_IN_A_RUN, NEIGHBOURS[1]], at=1), 200, PAID, []
    ),
    "order by upsertOrder": Case("orders", mutation("upsertOrder", "OrderInput", "order", ORDER_AGAIN), 200, PAID, []),
    "cart POST": Case("carts", rest("post", "/carts", CART_AGAIN), 200, RESENT, ERASED_RECOVERY),
    "checkout POST": Case("carts", rest("post", "/checkouts", CART_AGAIN), 200, RESENT, ERASED_RECOVERY),
    "cart PATCH": Case("carts", rest("patch", "/carts/CART-7700", {"tags": ["resent"]}), 200, RESENT, ERASED_RECOVERY),
    "cart in a batch": Case("carts", batch("/carts/batch", [CART_AGAIN], at=0), 200, RESENT, ERASED_RECOVERY),
    "cart by upsertCart": Case(
        "carts", mutation("upsertCart", "CartInput", "cart", CART_AGAIN), 200, RESENT, ERASED_RECOVERY
    ),
}


async def erased(api: Api) -> int:
    """The order, the cart and the neighbours written, CUST-42 erased: the erased contact's id."""
    for path, body in [("/orders", ORDER), ("/carts", CART), *(("/orders", order) for order in NEIGHBOURS)]:
        assert (await api.post(path, body)).status_code == 201
    contact_id = (await api.rows("orders"))[0]["contact_id"]
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    return contact_id


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_a_record_sent_again_after_erasure_stays_detached(api, case):
    contact_id = await erased(api)
    contacts_before = await api.count("contacts")
    await stays_detached(api, case, contact_id, await case.send(api))
    assert await api.count("contacts") == contacts_before


async def stays_detached(
    api: Api, case: Case, contact_id: int, answer: tuple[int, list[dict[str, Any]]], phones: tuple[str, ...] = (PHONE,)
) -> None:
    """The write of `case` answered `answer` (status, automations) as expected and left its
    record detached on the erased contact `contact_id`: no contact of `phones`, no personal
    data in its row nor in any event, no consent recorded."""
    assert answer == (case.status, case.automations)
    contacts = await api.rows("contacts")
    assert [c for c in contacts if c["phone"] in phones] == []
    assert next(c for c in contacts if c["id"] == contact_id)["erased_at"] is not None
    row = next(row for row in await api.rows(case.table) if row["contact_id"] == contact_id)
    assert (row["customer_external_id"], row["shipping_address"], row["billing_address"]) == (None, None, None)
    name, value = case.changed
    assert row[name] == value
    assert await api.count("consent_changes") == 0
    data = str([event["data"] for event in await api.rows("events")])
    assert [word for word in PERSONAL if word in data] == []
    # the answer shows the record as a read of it does: the erased contact, without a phone
    path = f"/{case.table}/{row['external_id']}"
    assert (await api.get(path)).json()["contact"] == {"id": contact_id, "phone": None}


async def test_a_shipment_of_an_order_sent_again_after_erasure_notifies_no_one(api):
    """The shipping notification of the order kept on the erased contact is refused `erased`."""
    await erased(api)
    assert (await api.post("/orders", ORDER_AGAIN)).status_code == 200
    response = await api.post("/shipments", shipment_body())
    assert response.status_code == 201
    assert response.json()["automations"] == [
        {
            "automation": "shipping_notification",
            "reason": "erased",
            "subject": {"type": "shipment", "external_id": "SHIP-9001"},
        }
    ]


async def test_a_new_order_with_the_erased_phone_makes_a_new_contact(api):
    """README "Erasure": an order never stored before is a new one, even beside the order sent
    again in one batch: it makes a new contact of its phone, with its customer."""
    contact_id = await erased(api)
    new = {**ORDER_AGAIN_IN_A_RUN, "external_id": "ORDER-2"}
    response = await api.post("/orders/batch", {"items": [ORDER_AGAIN_IN_A_RUN, new]})
    assert [result["status"] for result in response.json()["results"]] == [200, 201]
    orders = {row["external_id"]: row for row in await api.rows("orders")}
    assert orders["ORDER-1001"]["contact_id"] == contact_id
    assert orders["ORDER-1001"]["customer_external_id"] is None
    contact = next(c for c in await api.rows("contacts") if c["phone"] == PHONE)
    assert contact["id"] == orders["ORDER-2"]["contact_id"] != contact_id
    assert (contact["external_id"], contact["first_name"]) == ("CUST-42", "Marie")
    assert orders["ORDER-2"]["customer_external_id"] == "CUST-42" and orders["ORDER-2"]["shipping_address"] is not None
