"""Stale and out-of-order writes (README; amends SPEC §10 "Ordering"): a customer POST whose
`updated_at` is older than the stored one answers 200 with the stored customer and
`Kanal-Stale: true`, and changes neither the customer record nor its contact; equal, newer or
absent `updated_at` is written as before. (Customers have no PATCH and record no event.)"""

from __future__ import annotations

import pytest

from tests.api.stale_writes import ARRIVALS, STORED_AT, Write, check_replay, check_write
from tests.conftest import Api

CUSTOMER = {"external_id": "CUST-42", "phone": "+33612345678", "first_name": "Marie", "tags": ["vip"]}
RENAMED = Write("POST", "/customers", {**CUSTOMER, "first_name": "Jeanne"}, ("first_name", "Jeanne"))


@pytest.mark.parametrize("arrival", ARRIVALS)
async def test_an_older_write_is_stale(api: Api, arrival: str) -> None:
    assert (await api.post("/customers", {**CUSTOMER, "updated_at": STORED_AT})).status_code == 201
    await check_write(api, "customers", "/customers/CUST-42", RENAMED, arrival)
    (contact,) = await api.rows("contacts")
    assert contact["first_name"] == ("Marie" if arrival == "older" else "Jeanne")


@pytest.mark.parametrize("arrival", ["equal", "absent"])
async def test_a_replay_changes_nothing(api: Api, arrival: str) -> None:
    """Our own updated_at and the revision stay when a POST changes nothing."""
    await api.post("/customers", {**CUSTOMER, "updated_at": STORED_AT})
    body = {**CUSTOMER, "updated_at": STORED_AT} if arrival == "equal" else CUSTOMER
    await check_replay(api, "customers", "/customers/CUST-42", "POST", "/customers", body)


async def test_without_external_id_the_time_is_not_used(api: Api) -> None:
    """A customer without external_id is its contact, merged from orders and carts too: no
    source time is kept for it, so no such write is stale."""
    phone_only = {"phone": "+33612345678", "first_name": "Marie", "updated_at": STORED_AT}
    assert (await api.post("/customers", phone_only)).status_code == 201
    late = await api.post("/customers", {**phone_only, "first_name": "Jeanne", "updated_at": "2020-01-01T00:00:00Z"})
    assert (late.status_code, late.json()["first_name"], "kanal-stale" in late.headers) == (200, "Jeanne", False)
