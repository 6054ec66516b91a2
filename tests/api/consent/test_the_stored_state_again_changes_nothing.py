"""README "WhatsApp consent" (SPEC §6: an event per real change, never because a shop retried):
a consent that repeats a purpose's stored state changes nothing and records nothing — no
`consent_changes` row, no `contact.consent_changed` — whether it is undated, names the stored
source, another one or none (the stored source is kept: a field left out is kept), or is dated
at or before the stored time. Only a newer dated one moves the stored time forward (and takes
the source it names), still without a change recorded. A new state is a change: recorded once.

Every purpose, every state, through every write that carries a consent: a customer, an
order's and a cart's (checkout's) customer, over REST and the GraphQL mutations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from app.domain.consent import ConsentState, Purpose
from tests.api.calls import gql
from tests.api.consent.consent import consent, customer, stored_consent, write
from tests.conftest import STORE_ID, Api, cart_body

T1, T2, T3 = "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", "2026-05-03T00:00:00Z"
D2, D3 = datetime(2026, 5, 2, tzinfo=UTC), datetime(2026, 5, 3, tzinfo=UTC)
NEVER = (None, None, None)


async def _checkout(api: Api, given: dict[str, Any] | None, number: int) -> dict[str, Any]:
    body = cart_body(external_id=f"CHECKOUT-{number}", customer=customer(given))
    response = await api.client.post(f"/api/v1/stores/{STORE_ID}/checkouts", json=body, headers=api.auth())
    assert response.status_code in (200, 201), response.text
    return {"automations": response.json()["automations"]}


def _rest(kind: str) -> Callable[[Api, dict[str, Any] | None, int], Awaitable[dict[str, Any]]]:
    async def send(api: Api, given: dict[str, Any] | None, number: int) -> dict[str, Any]:
        response = await write(api, kind, given, number)
        assert response.status_code in (200, 201), response.text
        return {"automations": response.json()["automations"]}

    return send


CUSTOMER = '{externalId: "CUST-42", phone: "+33612345678", whatsappConsent: $consent}'
MUTATIONS = {
    "upsertCustomer": f"upsertCustomer(storeId: 123, input: {CUSTOMER})",
    "upsertOrder": (
        'upsertOrder(storeId: 123, input: {externalId: $id, placedAt: "2026-05-18T10:00:00Z", totalPrice: 1, '
        f"customer: {CUSTOMER}}})"
    ),
    "upsertCart": (
        'upsertCart(storeId: 123, input: {externalId: $id, abandonedAt: "2026-05-18T09:40:00Z", totalPrice: 1, '
        f"customer: {CUSTOMER}}})"
    ),
}


def _graphql(mutation: str) -> Callable[[Api, dict[str, Any] | None, int], Awaitable[dict[str, Any]]]:
    async def send(api: Api, given: dict[str, Any] | None, number: int) -> dict[str, Any]:
        names = {"consented_at": "consentedAt"}
        variables = {
            "consent": None if given is None else {names.get(key, key): value for key, value in given.items()},
            "id": f"{mutation}-{number}",
        }
        declared = "$consent: WhatsappConsentInput" + (", $id: String!" if "$id" in MUTATIONS[mutation] else "")
        query = f"mutation({declared}) {{ {MUTATIONS[mutation]} {{ automations {{ reason }} userErrors {{ code }} }} }}"
        body = await gql(api, query, {k: v for k, v in variables.items() if k != "id" or "$id" in query})
        assert not body.get("errors"), body
        payload = body["data"][mutation]
        assert payload["userErrors"] == [], payload
        return {"automations": payload["automations"]}

    return send


WRITES = {
    "POST /customers": _rest("customer"),
    "POST /orders": _rest("order"),
    "POST /carts": _rest("cart"),
    "POST /checkouts": _checkout,
    **{mutation: _graphql(mutation) for mutation in MUTATIONS},
}

# The second consent, for the purpose whose state is stored (at T2, from "STOP"): (consented_at,
# source) sent with that same state -> what is stored after it (None: what was stored).
REPEATS: dict[str, tuple[str | None, str | None, tuple[datetime, str] | None]] = {
    "undated, no source": (None, None, None),
    "undated, the same source": (None, "STOP", None),
    "undated, another source": (None, "sms", None),
    "same time, no source": (T2, None, None),
    "same time, another source": (T2, "sms", None),
    "older, another source": (T1, "sms", None),
    "newer, no source: the time moves, the source stays": (T3, None, (D3, "STOP")),
    "newer, another source: the time moves with it": (T3, "sms", (D3, "sms")),
}
STATES = list(ConsentState)


async def _recorded(api: Api) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    changes = await api.rows("consent_changes")
    events = [row for row in await api.rows("events") if row["type"] == "contact.consent_changed"]
    return changes, events


async def _contact(api: Api) -> dict[str, Any]:
    """The contact row but its `revision`, which every contact upsert counts (a replay too: it
    tells an insert from an update); `updated_at` moves only when a value changes."""
    (contact,) = [row for row in await api.rows("contacts") if row["erased_at"] is None]
    return {name: value for name, value in contact.items() if name != "revision"}


@pytest.mark.parametrize("repeat", list(REPEATS))
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("writer", list(WRITES))
async def test_the_stored_state_again_changes_nothing(
    api: Api, writer: str, purpose: Purpose, state: ConsentState, repeat: str
) -> None:
    first = await write(api, "customer", {purpose.value: state.value, "consented_at": T2, "source": "STOP"})
    assert first.status_code == 201, first.text
    contact, recorded = await _contact(api), await _recorded(api)
    at, source, moved = REPEATS[repeat]
    await WRITES[writer](api, consent(**{purpose.value: state.value}, at=at, source=source), 2)
    other = next(each for each in Purpose if each != purpose) if len(Purpose) > 1 else None
    expected = {purpose.value: (state.value, *(moved or (D2, "STOP")))}
    if other is not None:
        expected[other.value] = NEVER
    assert await stored_consent(api) == expected
    assert await _recorded(api) == recorded  # no history row, no event
    after = await _contact(api)
    if moved is None:  # nothing written: not even the row's time
        assert after == contact
    else:
        assert after["updated_at"] > contact["updated_at"]


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("writer", list(WRITES))
async def test_an_undated_stored_state_again_changes_nothing(
    api: Api, writer: str, purpose: Purpose, state: ConsentState
) -> None:
    """Stored undated (dated by its arrival), then sent again undated without its source: the
    newcomer's case (`{"marketing": "unsubscribed"}` after `{…, "source": "STOP"}`). An undated
    `not_subscribed` first is itself the state a consent never given reads as: nothing stored."""
    assert (await write(api, "customer", {purpose.value: state.value, "source": "STOP"})).status_code == 201
    contact, recorded = await _contact(api), await _recorded(api)
    stored = await stored_consent(api)
    if state == ConsentState.NOT_SUBSCRIBED:
        assert stored[purpose.value] == NEVER and recorded == ([], [])
    else:
        assert (stored[purpose.value][0], stored[purpose.value][2], len(recorded[1])) == (state.value, "STOP", 1)
    await WRITES[writer](api, {purpose.value: state.value}, 2)
    assert await stored_consent(api) == stored
    assert await _recorded(api) == recorded
    assert await _contact(api) == contact


# The time of the record each write carries its consent in, which dates a new state sent without
# `consented_at` (an order's placed_at, a cart's abandoned_at; None: a customer with no
# updated_at, dated by its arrival).
RECORD_TIMES: dict[str, datetime | None] = {
    "POST /customers": None,
    "POST /orders": datetime(2026, 5, 18, 10, tzinfo=UTC),
    "POST /carts": datetime(2026, 5, 18, 9, 40, tzinfo=UTC),
    "POST /checkouts": datetime(2026, 5, 18, 9, 40, tzinfo=UTC),
    "upsertCustomer": None,
    "upsertOrder": datetime(2026, 5, 18, 10, tzinfo=UTC),
    "upsertCart": datetime(2026, 5, 18, 9, 40, tzinfo=UTC),
}

# A new state after the stored one: (consented_at, source) sent -> stored time and source
# (None: the record's time, `RECORD_TIMES`, else the write's arrival).
CHANGES: dict[str, tuple[str | None, str | None, datetime | None, str | None]] = {
    "undated, no source: its own none": (None, None, None, None),
    "undated, a source": (None, "sms", None, "sms"),
    "newer, no source": (T3, None, D3, None),
    "same time, a source": (T2, "sms", D2, "sms"),
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("purpose", list(Purpose))
@pytest.mark.parametrize("writer", list(WRITES))
async def test_a_new_state_is_one_change(api: Api, writer: str, purpose: Purpose, change: str) -> None:
    first = await write(api, "customer", {purpose.value: "subscribed", "consented_at": T2, "source": "STOP"})
    assert first.status_code == 201
    before = datetime.now(UTC)
    at, source, stored_at, stored_source = CHANGES[change]
    stored_at = stored_at or RECORD_TIMES[writer]
    await WRITES[writer](api, consent(**{purpose.value: "unsubscribed"}, at=at, source=source), 2)
    state, consented_at, kept_source = (await stored_consent(api))[purpose.value]
    assert (state, kept_source) == ("unsubscribed", stored_source)
    assert consented_at == stored_at if stored_at is not None else before <= consented_at <= datetime.now(UTC)
    changes, events = await _recorded(api)
    assert [(row["purpose"], row["previous_state"], row["state"], row["source"]) for row in changes] == [
        (purpose.value, "not_subscribed", "subscribed", "STOP"),
        (purpose.value, "subscribed", "unsubscribed", stored_source),
    ]
    assert [
        (event["data"]["before"][purpose.value]["state"], event["data"]["after"][purpose.value]["state"])
        for event in events
    ] == [("not_subscribed", "subscribed"), ("subscribed", "unsubscribed")]
    assert [set(event["data"]["after"]) for event in events] == [{purpose.value}, {purpose.value}]
