"""A batch result repeats the item's external_id, `null` when it gave none (README, "Batches"):
a blank one (`""`, whitespace) is none given, as everywhere a blank is the field left out, and
is echoed `null` as a missing one is. It was echoed as sent (`""`). Orders, carts, checkouts and
shipments then refuse the item (`required`); a customer without one is its phone's contact."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, cart_body, order_body, shipment_body

PHONE = "+33612345678"

# endpoint -> (an item without external_id, the item's status, its codes)
ENDPOINTS: dict[str, tuple[dict[str, Any], int, dict[str, list[str]] | None]] = {
    "/orders/batch": (order_body(), 422, {"external_id": ["required"]}),
    "/carts/batch": (cart_body(), 422, {"external_id": ["required"]}),
    "/checkouts/batch": (cart_body(), 422, {"external_id": ["required"]}),
    "/shipments/batch": (shipment_body(), 422, {"external_id": ["required"]}),
    "/customers/batch": ({"phone": PHONE, "first_name": "Marie"}, 201, None),
}
BLANKS = {"empty": "", "spaces": "  ", "tab and newline": "\t\n", "no-break space": "\u00a0", "missing": ...}


def _item(endpoint: str, blank: Any) -> dict[str, Any]:
    item = {key: value for key, value in ENDPOINTS[endpoint][0].items() if key != "external_id"}
    return item if blank is ... else {**item, "external_id": blank}


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
async def test_a_blank_external_id_is_echoed_as_null(api: Api, endpoint: str, blank: str) -> None:
    _, status, codes = ENDPOINTS[endpoint]
    response = await api.post(endpoint, {"items": [_item(endpoint, BLANKS[blank]), _item(endpoint, "X-1")]})
    assert response.status_code == 200, response.text
    first, second = response.json()["results"]
    assert (first["index"], first["external_id"], first["status"], first.get("codes")) == (0, None, status, codes)
    assert (second["index"], second["external_id"]) == (1, "X-1")  # an id given is echoed as sent
