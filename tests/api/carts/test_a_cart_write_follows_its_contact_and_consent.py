"""A cart write whose only news is about its contact is no replay, and a recovered cart moved
to another contact is read as it would be arriving there (README "Carts and purchases": the
outcome is the same whichever arrived first; "WhatsApp consent"; the reasons table: `unchanged`
is a write that changed nothing).

- A cart sent again as it is, its customer's marketing consent now given or withdrawn, was
  answered `unchanged` though its recovery's standing had changed: it now lists the standing
  (`not_due_yet`, `no_consent`), as a new cart of that contact would.
- A cart recovered by an order of its contact, sent again with another phone no order of which
  follows it, stayed `recovered` with no recovery to come: it is `abandoned`, as the same cart
  arriving first with that phone is. A cart the shop marked `recovered` keeps the shop's word.

Each case is sent as a single `POST` and as a one-item batch: the same status, answer and
events."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

PHONE, OTHER = "+33622000031", "+33622000042"
ABANDONED = "2026-12-07T10:00:00Z"


def _cart(phone: str, consent: str | None = None) -> dict[str, Any]:
    customer: dict[str, Any] = {"phone": phone}
    if consent is not None:
        customer["whatsapp_consent"] = {"marketing": consent}
    return {"external_id": "CART-4", "abandoned_at": ABANDONED, "total_price": "5", "customer": customer}


async def _send(api: Api, way: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    if way == "single":
        response = await api.post("/carts", body)
        return response.status_code, response.json()
    response = await api.post("/carts/batch", {"items": [body]})
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    record = await api.get("/carts/CART-4")
    return result["status"], {**record.json(), "automations": result.get("automations")}


def _reasons(answer: dict[str, Any]) -> list[str]:
    return [decision["reason"] for decision in answer["automations"]]


WAYS = ["single", "batch"]

# the consent the cart is sent again with -> the recovery's standing listed
CONSENT_NEWS = {
    "marketing consent given": ("subscribed", ["not_due_yet"]),
    "marketing consent withdrawn": ("unsubscribed", ["no_consent"]),
    "the stored state sent again": (None, ["unchanged"]),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("news", list(CONSENT_NEWS))
async def test_a_cart_sent_again_with_news_of_its_consent_lists_its_standing(api: Api, way: str, news: str) -> None:
    consent, expected = CONSENT_NEWS[news]
    first = await api.post("/carts", _cart(PHONE, "unsubscribed" if consent == "subscribed" else "subscribed"))
    assert first.status_code == 201, first.text
    status, answer = await _send(api, way, _cart(PHONE, consent))
    assert (status, _reasons(answer), answer["status"]) == (200, expected, "abandoned")


async def _recovered_by_an_order(api: Api) -> None:
    assert (await api.post("/carts", _cart(PHONE))).status_code == 201
    order = {
        "external_id": "ORD-G",
        "placed_at": "2026-12-07T11:00:00Z",
        "total_price": "5",
        "customer": {"phone": PHONE},
    }
    assert _reasons((await api.post("/orders", order)).json()) == ["recovered_by_order"]


async def _marked_recovered_by_the_shop(api: Api) -> None:
    assert (await api.post("/carts", _cart(PHONE))).status_code == 201
    assert (await api.patch("/carts/CART-4", {"status": "recovered"})).json()["status"] == "recovered"


async def _marked_then_ordered(api: Api) -> None:
    await _marked_recovered_by_the_shop(api)
    order = {
        "external_id": "ORD-G",
        "placed_at": "2026-12-07T11:00:00Z",
        "total_price": "5",
        "customer": {"phone": PHONE},
    }
    assert _reasons((await api.post("/orders", order)).json()) == []


async def _ordered_then_marked(api: Api) -> None:
    await _recovered_by_an_order(api)
    assert (await api.patch("/carts/CART-4", {"status": "recovered"})).json()["status"] == "recovered"


# how the cart came to be recovered -> its status once sent again with OTHER, the standing
# listed, and its events' types since (this abandonment recorded its cart.abandoned already:
# a cart.status_changed alone, as `_abandoned_again` records it)
RECOVERED_BY = {
    "an order of its contact": (_recovered_by_an_order, "abandoned", ["no_consent"], ["cart.status_changed"]),
    "the shop's mark": (_marked_recovered_by_the_shop, "recovered", [], []),
    "the shop's mark, an order after it": (_marked_then_ordered, "recovered", [], []),
    "the shop's recovered sent over the order's": (_ordered_then_marked, "recovered", [], []),
}


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("by", list(RECOVERED_BY))
async def test_a_recovered_cart_sent_with_another_contact_is_read_as_arriving_there(
    api: Api, way: str, by: str
) -> None:
    recover, expected_status, expected_reasons, expected_events = RECOVERED_BY[by]
    await recover(api)
    before = await api.count("events")
    status, answer = await _send(api, way, _cart(OTHER))
    found = (status, answer["status"], answer["contact"]["phone"], _reasons(answer))
    assert found == (200, expected_status, OTHER, expected_reasons)
    types = [row["type"] for row in (await api.rows("events"))[before:]]
    assert [t for t in types if t.startswith("cart.")] == expected_events
