"""A cart recovered by an order is `abandoned` again once no order of its contact follows it,
whichever order recovered it last (README "Carts and purchases",
rules/recovery_follows_the_orders): a cart recovered by a first order, abandoned again when
that order was corrected away, then recovered by a second order, stayed `recovered` once the
second was corrected away too, its recovery never sent, as if the shop had marked it (the
recovery's first recorded time, before the second order existed, was read as the shop's
mark). A status the shop did mark `recovered` by `PATCH`, before or after the order, stays.

Each write is sent as a single request and as a one-item batch: the same cart status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import update

from app.db.tables import carts
from tests.conftest import Api

PHONE = "+33622000002"
OTHER = {"ORD-A": "+33622000003", "ORD-B": "+33622000004"}


def _order(external_id: str, phone: str) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "placed_at": "2026-11-16T12:00:00Z",
        "total_price": "5",
        "customer": {"phone": phone},
    }


CART = {
    "external_id": "CART-1",
    "abandoned_at": "2026-11-06T10:00:00Z",
    "total_price": "5",
    "customer": {"phone": PHONE},
}

Send = Callable[[str, dict[str, Any]], Awaitable[None]]


def _sender(api: Api, way: str) -> Send:
    async def send(path: str, body: dict[str, Any]) -> None:
        if way == "single":
            response = await api.post(path, body)
            assert response.status_code in (200, 201), response.text
        else:
            response = await api.post(f"{path}/batch", {"items": [body]})
            assert response.status_code == 200, response.text
            assert response.json()["results"][0]["status"] in (200, 201), response.text

    return send


async def _mark(api: Api, status: str) -> None:
    response = await api.patch("/carts/CART-1", {"status": status})
    assert (response.status_code, response.json()["status"]) == (200, status), response.text


# the writes after the cart, each an order (its external id, and whether it is on the cart's
# phone) or the shop's mark (a status) -> the cart's status at the end
STORIES: dict[str, tuple[list[tuple[str, Any]], str]] = {
    "a first order, corrected away, then a second, corrected away": (
        [("ORD-A", True), ("ORD-A", False), ("ORD-B", True), ("ORD-B", False)],
        "abandoned",
    ),
    "two orders after it, corrected away one after the other": (
        [("ORD-A", True), ("ORD-B", True), ("ORD-A", False), ("ORD-B", False)],
        "abandoned",
    ),
    "a second order, one still following it": (
        [("ORD-A", True), ("ORD-A", False), ("ORD-B", True), ("ORD-A", True), ("ORD-B", False)],
        "recovered",
    ),
    "the shop's mark after the order": (
        [("ORD-A", True), ("mark", "expired"), ("mark", "recovered"), ("ORD-A", False)],
        "recovered",
    ),
    "the shop's mark before the order": ([("mark", "recovered"), ("ORD-A", True), ("ORD-A", False)], "recovered"),
    "the shop's recovered sent over the order's": (
        [("ORD-A", True), ("mark", "recovered"), ("ORD-A", False)],
        "recovered",
    ),
    "the shop's mark after an order was corrected away": (
        [("ORD-A", True), ("ORD-A", False), ("mark", "recovered"), ("ORD-B", True), ("ORD-B", False)],
        "recovered",
    ),
}


@pytest.mark.parametrize("way", ["single", "batch"])
@pytest.mark.parametrize("story", list(STORIES))
async def test_a_cart_follows_the_orders_as_they_now_stand(api: Api, way: str, story: str) -> None:
    writes, expected = STORIES[story]
    send = _sender(api, way)
    await send("/carts", CART)
    for subject, detail in writes:
        if subject == "mark":
            await _mark(api, detail)
        else:
            await send("/orders", _order(subject, PHONE if detail else OTHER[subject]))
    cart = await api.get("/carts/CART-1")
    assert cart.json()["status"] == expected


async def _written_before_the_mark_was_kept(api: Api) -> None:
    """The cart's status as a release before migration 0029 left it: no word of who set it."""
    await api.db.write(lambda conn: conn.execute(update(carts).values(status_marked=None)))


# a cart stored before migration 0029 (its status_marked null) is read by the time its recovery
# was first recorded: before the order existed, the shop's mark
LEGACY: dict[str, tuple[list[tuple[str, Any]], str]] = {
    "recovered by the order": ([("ORD-A", True), ("legacy", None), ("ORD-A", False)], "abandoned"),
    "marked recovered before the order": (
        [("mark", "recovered"), ("ORD-A", True), ("legacy", None), ("ORD-A", False)],
        "recovered",
    ),
}


@pytest.mark.parametrize("story", list(LEGACY))
async def test_a_cart_stored_before_the_mark_was_kept_is_read_by_time(api: Api, story: str) -> None:
    writes, expected = LEGACY[story]
    send = _sender(api, "single")
    await send("/carts", CART)
    for subject, detail in writes:
        if subject == "mark":
            await _mark(api, detail)
        elif subject == "legacy":
            await _written_before_the_mark_was_kept(api)
        else:
            await send("/orders", _order(subject, PHONE if detail else OTHER[subject]))
    cart = await api.get("/carts/CART-1")
    assert cart.json()["status"] == expected
