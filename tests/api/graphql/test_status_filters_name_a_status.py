"""The `status` filter of `shipments` and `carts` names a status a write accepts, spelled as
a write spells it; any other is BAD_USER_INPUT `invalid_choice` at `status` listing them (a
status no record can have answered an empty list, so `IN_TRANSIT` looked like no shipment in
transit), and a blank one is no filter, as on `orders`."""

import pytest

from app.domain.statuses import CartStatus, ShipmentStatus
from tests.api.calls import gql
from tests.conftest import cart_body, order_body, shipment_body

LISTS = {
    "shipments": ("shipments(storeId: 123, status: $status) { edges { node { externalId } } }", ShipmentStatus),
    "carts": ("carts(storeId: 123, status: $status) { edges { node { externalId } } }", CartStatus),
}
# list -> (status given, external ids found, or None: refused)
CASES = [
    ("shipments", "in_transit", ["SHIP-9001"]),
    ("shipments", "delivered", []),
    ("shipments", "IN_TRANSIT", None),
    ("shipments", "in transit", None),
    ("shipments", "", ["SHIP-9001"]),
    ("shipments", "  ", ["SHIP-9001"]),
    ("carts", "abandoned", ["CART-7700"]),
    ("carts", "recovered", []),
    ("carts", "ABANDONED", None),
    ("carts", "lost", None),
    ("carts", "", ["CART-7700"]),
]


@pytest.mark.parametrize(("listing", "status", "found"), CASES, ids=[f"{c[0]} {c[1]!r}" for c in CASES])
async def test_a_status_filter_names_a_status(api, listing, status, found):
    assert (await api.post("/orders", order_body(customer={"phone": "+33600000001"}))).status_code == 201
    assert (await api.post("/shipments", shipment_body())).status_code == 201
    assert (await api.post("/carts", cart_body())).status_code == 201
    query, choices = LISTS[listing]
    answer = await gql(api, f"query($status: String) {{ {query} }}", {"status": status})
    if found is not None:
        assert [edge["node"]["externalId"] for edge in answer["data"][listing]["edges"]] == found
        return
    allowed = ", ".join(choice.value for choice in choices)
    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        (f"Must be one of: {allowed}.", {"code": "BAD_USER_INPUT", "field": ["status"]})
    ]
