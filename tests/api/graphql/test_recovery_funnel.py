"""recoveryFunnel (issue 16; README, "Recovery funnel"): of the carts abandoned in a period, those
messaged, those recovered, and the orders that recovered one after its message (the contact's
first order after abandoning it), with their revenue per currency."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.automations.recovery import fire_due_recoveries
from app.services import stores
from tests.api.graphql.documents import gql
from tests.conftest import STORE_ID, Api, cart_body, order_body

_FUNNEL = """query($from: DateTime!, $to: DateTime!) { recoveryFunnel(storeId: 123, from: $from, to: $to) {
  cartsAbandoned recoveriesFired cartsRecovered ordersAfterRecovery revenue { currency amount orders average } } }"""
MAY = {"from": "2026-05-01T00:00:00Z", "to": "2026-06-01T00:00:00Z"}
PHONES = {"A": "+33612345001", "B": "+33612345002", "C": "+33612345003", "D": "+33612345004", "E": "+33612345005"}


async def _cart(api: Api, external_id: str, contact: str, abandoned_at: str, marketing: str = "subscribed") -> None:
    customer = {"phone": PHONES[contact], "whatsapp_consent": {"marketing": marketing}}
    body = cart_body(external_id=external_id, abandoned_at=abandoned_at, customer=customer)
    assert (await api.post("/carts", body)).status_code == 201


async def _order(api: Api, external_id: str, contact: str, placed_at: str, total: str, currency: str = "EUR") -> None:
    body = order_body(
        external_id=external_id,
        placed_at=placed_at,
        total_price=total,
        currency=currency,
        line_items=[],
        customer={"phone": PHONES[contact]},
    )
    assert (await api.post("/orders", body)).status_code == 201


async def _funnel(api: Api, period: dict[str, str]) -> dict:
    answer = await gql(api, _FUNNEL, period)
    assert "errors" not in answer, answer
    return answer["data"]["recoveryFunnel"]


async def test_the_funnel_of_a_month(api: Api) -> None:
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _cart(api, "C2", "B", "2026-05-02T11:00:00Z")
    await _cart(api, "C3", "C", "2026-05-03T10:00:00Z")  # messaged, never bought
    await _cart(api, "C4", "D", "2026-05-04T10:00:00Z")
    await _order(api, "O-D", "D", "2026-05-04T10:30:00Z", "10.00")  # recovers C4 before any message
    await _cart(api, "C5", "E", "2026-04-20T10:00:00Z")  # abandoned in April
    assert (await api.db.write(fire_due_recoveries, datetime(2026, 5, 5, tzinfo=UTC))).fired == 4  # C1, C2, C3, C5
    await _order(api, "O-A1", "A", "2026-05-06T10:00:00Z", "49.90")  # recovers C1 after its message
    await _order(api, "O-A2", "A", "2026-05-07T10:00:00Z", "20.00")  # A's second order: not the recovering one
    await _order(api, "O-B", "B", "2026-05-06T12:00:00Z", "1500", currency="JPY")
    await _order(api, "O-E", "E", "2026-05-06T12:00:00Z", "99.00")  # recovers an April cart
    assert await _funnel(api, MAY) == {
        "cartsAbandoned": 4,
        "recoveriesFired": 3,
        "cartsRecovered": 3,
        "ordersAfterRecovery": 2,
        "revenue": [
            {"currency": "EUR", "amount": "49.90", "orders": 1, "average": "49.90"},
            {"currency": "JPY", "amount": "1500", "orders": 1, "average": "1500"},
        ],
    }
    april = await _funnel(api, {"from": "2026-04-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"})
    assert april == {
        "cartsAbandoned": 1,
        "recoveriesFired": 1,
        "cartsRecovered": 1,
        "ordersAfterRecovery": 1,
        "revenue": [{"currency": "EUR", "amount": "99.00", "orders": 1, "average": "99.00"}],
    }


async def test_a_recovery_suppressed_for_want_of_consent_is_not_a_message(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _cart(api, "C2", "B", "2026-05-02T10:00:00Z", marketing="unsubscribed")
    assert (await api.db.write(fire_due_recoveries, datetime(2026, 5, 5, tzinfo=UTC))).fired == 1  # C1 only
    funnel = await _funnel(api, MAY)
    assert (funnel["cartsAbandoned"], funnel["recoveriesFired"]) == (2, 1)


async def test_one_order_recovering_two_messaged_carts_counts_once(api: Api) -> None:
    await _cart(api, "C1", "A", "2026-05-02T10:00:00Z")
    await _cart(api, "C2", "A", "2026-05-03T10:00:00Z")
    await api.db.write(fire_due_recoveries, datetime(2026, 5, 5, tzinfo=UTC))
    await _order(api, "O-A", "A", "2026-05-06T10:00:00Z", "30.00")
    funnel = await _funnel(api, MAY)
    assert (funnel["cartsAbandoned"], funnel["recoveriesFired"], funnel["cartsRecovered"]) == (2, 2, 2)
    assert (funnel["ordersAfterRecovery"], funnel["revenue"]) == (
        1,
        [{"currency": "EUR", "amount": "30.00", "orders": 1, "average": "30.00"}],
    )


async def test_an_empty_period_is_all_zero(api: Api) -> None:
    assert await _funnel(api, MAY) == {
        "cartsAbandoned": 0,
        "recoveriesFired": 0,
        "cartsRecovered": 0,
        "ordersAfterRecovery": 0,
        "revenue": [],
    }


@pytest.mark.parametrize(
    ("period", "field"),
    [
        ({"from": "2026-06-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"}, ["to"]),
        ({"from": "2026-05-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"}, ["to"]),
    ],
)
async def test_a_period_that_ends_before_it_starts_is_bad_user_input(api: Api, period: dict, field: list) -> None:
    answer = await gql(api, _FUNNEL, period)
    assert [(e["message"], e["extensions"]) for e in answer["errors"]] == [
        ("`to` must be after `from`.", {"code": "BAD_USER_INPUT", "field": field})
    ]


# The contact's orders after the message (external id, placed_at, total), written in this order,
# and the one order that recovered the cart: the first placed, of those placed in the same
# second the one stored first (README, "Recovery funnel").
FIRST_ORDERS = {
    "tied, the smaller stored first": (
        [("G-O1", "2026-05-06T10:00:00Z", "100.00"), ("G-O2", "2026-05-06T10:00:00Z", "1000.00")],
        "100.00",
    ),
    "tied, the larger stored first": (
        [("G-O1", "2026-05-06T10:00:00Z", "1000.00"), ("G-O2", "2026-05-06T10:00:00Z", "100.00")],
        "1000.00",
    ),
    "three tied": (
        [
            ("G-O1", "2026-05-06T10:00:00Z", "7.00"),
            ("G-O2", "2026-05-06T10:00:00Z", "100.00"),
            ("G-O3", "2026-05-06T10:00:00Z", "1000.00"),
        ],
        "7.00",
    ),
    "a second apart, the later stored first": (
        [("G-O1", "2026-05-06T10:00:01Z", "1000.00"), ("G-O2", "2026-05-06T10:00:00Z", "100.00")],
        "100.00",
    ),
    "tied after an earlier one": (
        [
            ("G-O1", "2026-05-06T10:00:01Z", "1000.00"),
            ("G-O2", "2026-05-06T10:00:01Z", "100.00"),
            ("G-O3", "2026-05-06T10:00:00Z", "7.00"),
        ],
        "7.00",
    ),
}


@pytest.mark.parametrize(("placed", "amount"), FIRST_ORDERS.values(), ids=FIRST_ORDERS.keys())
async def test_one_order_recovers_a_cart_whatever_ties_its_placed_at(
    api: Api, placed: list[tuple[str, str, str]], amount: str
) -> None:
    await _cart(api, "G1", "A", "2026-05-02T10:00:00Z")
    assert (await api.db.write(fire_due_recoveries, datetime(2026, 5, 5, tzinfo=UTC))).fired == 1
    for external_id, placed_at, total in placed:
        await _order(api, external_id, "A", placed_at, total)
    assert await _funnel(api, MAY) == {
        "cartsAbandoned": 1,
        "recoveriesFired": 1,
        "cartsRecovered": 1,
        "ordersAfterRecovery": 1,
        "revenue": [{"currency": "EUR", "amount": amount, "orders": 1, "average": amount}],
    }
