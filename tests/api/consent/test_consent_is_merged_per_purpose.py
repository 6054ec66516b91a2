"""Issue 15: customers, and the customer embedded in orders and carts, carry `whatsapp_consent`;
it is merged like the other contact fields, per purpose (absent keeps, older ignored, newer
wins), stored with its history (which write, when, from where), shown where the contact is, and
each change is a `contact.consent_changed` event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.api.consent.consent import consent, reasons, stored_consent, write
from tests.conftest import Api

T1, T2, T3 = "2026-05-01T00:00:00Z", "2026-05-02T00:00:00Z", "2026-05-03T00:00:00Z"
D1, D2, D3 = (datetime(2026, 5, day, tzinfo=UTC) for day in (1, 2, 3))
KINDS = ["customer", "order", "cart"]

# What is stored after a first consent (both purposes subscribed at T2 from checkout), then a
# second write carrying `second`.
CASES = {
    "absent keeps": (None, ("subscribed", D2, "checkout"), ("subscribed", D2, "checkout")),
    "no purpose given keeps the other": (
        consent(utility="unsubscribed", at=T3, source="sms"),
        ("subscribed", D2, "checkout"),
        ("unsubscribed", D3, "sms"),
    ),
    "older ignored": (
        consent(marketing="unsubscribed", utility="unsubscribed", at=T1, source="sms"),
        ("subscribed", D2, "checkout"),
        ("subscribed", D2, "checkout"),
    ),
    "newer wins": (
        consent(marketing="unsubscribed", utility="not_subscribed", at=T3, source="sms"),
        ("unsubscribed", D3, "sms"),
        ("not_subscribed", D3, "sms"),
    ),
    "same time wins": (
        consent(marketing="unsubscribed", at=T2),
        ("unsubscribed", D2, None),
        ("subscribed", D2, "checkout"),
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", list(CASES))
async def test_merge(api: Api, kind: str, case: str) -> None:
    second, marketing, utility = CASES[case]
    first = await write(api, "customer", consent("subscribed", "subscribed", T2, "checkout"))
    assert first.status_code == 201
    events_before = await api.count("events")
    response = await write(api, kind, second, number=2)
    assert response.status_code in (200, 201), response.text
    assert await stored_consent(api) == {"marketing": marketing, "utility": utility}
    changed = (marketing, utility) != (("subscribed", D2, "checkout"), ("subscribed", D2, "checkout"))
    types = [row["type"] for row in (await api.rows("events"))[events_before:]]
    assert types.count("contact.consent_changed") == (1 if changed else 0)


@pytest.mark.parametrize("kind", KINDS)
async def test_history_names_the_write(api: Api, kind: str) -> None:
    await write(api, kind, consent(marketing="subscribed", at=T1, source="checkout"), number=7)
    await write(api, kind, consent(marketing="unsubscribed", at=T2, source="whatsapp"), number=7)
    await write(api, kind, consent(marketing="unsubscribed", at=T2, source="whatsapp"), number=7)  # replay
    rows = await api.rows("consent_changes")
    written_by_id = {"customer": "CUST-42", "order": "ORDER-7", "cart": "CART-7"}[kind]
    assert [
        (row["purpose"], row["previous_state"], row["state"], row["consented_at"], row["source"], row["written_by"])
        for row in rows
    ] == [
        ("marketing", "not_subscribed", "subscribed", D1, "checkout", kind),
        ("marketing", "subscribed", "unsubscribed", D2, "whatsapp", kind),
    ]
    assert {row["written_by_id"] for row in rows} == {written_by_id}
    changes = [row for row in await api.rows("events") if row["type"] == "contact.consent_changed"]
    assert [(row["data"]["before"], row["data"]["after"]) for row in changes] == [
        (
            {"marketing": {"state": "not_subscribed", "consented_at": None, "source": None}},
            {"marketing": {"state": "subscribed", "consented_at": "2026-05-01T00:00:00+00:00", "source": "checkout"}},
        ),
        (
            {"marketing": {"state": "subscribed", "consented_at": "2026-05-01T00:00:00+00:00", "source": "checkout"}},
            {"marketing": {"state": "unsubscribed", "consented_at": "2026-05-02T00:00:00+00:00", "source": "whatsapp"}},
        ),
    ]


async def test_the_customer_answer_and_read_show_the_consent(api: Api) -> None:
    response = await write(api, "customer", consent(marketing="subscribed", at=T1, source="checkout"))
    expected = {
        "marketing": {"state": "subscribed", "consented_at": "2026-05-01T00:00:00+00:00", "source": "checkout"},
        "utility": {"state": "not_subscribed", "consented_at": None, "source": None},
    }
    assert response.json()["whatsapp_consent"] == expected
    assert (await api.get("/customers/CUST-42")).json()["whatsapp_consent"] == expected
    assert reasons(response) == []  # a customer write fires no automation of its own


async def test_erasure_clears_the_consent_and_its_history(api: Api) -> None:
    await write(api, "customer", consent("subscribed", "subscribed", T1, "checkout"))
    await write(api, "order", consent(marketing="unsubscribed", at=T2, source="sms"))
    assert await api.count("consent_changes") == 3
    assert (await api.delete("/customers/CUST-42")).status_code == 204
    (contact,) = await api.rows("contacts")
    assert {name: contact[name] for name in contact if "consent" in name} == dict.fromkeys(
        (
            f"{purpose}_{suffix}"
            for purpose in ("marketing", "utility")
            for suffix in ("consent", "consented_at", "consent_source")
        ),
        None,
    )
    assert await api.count("consent_changes") == 0
    changes = [row["data"] for row in await api.rows("events") if row["type"] == "contact.consent_changed"]
    assert changes and all((data["contact"], data["before"], data["after"]) == (None, None, None) for data in changes)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("ahead", ["2126-11-30T12:00:00Z", "in five minutes"])
async def test_a_consent_dated_after_its_arrival_never_locks_out_a_later_opt_out(
    api: Api, kind: str, ahead: str
) -> None:
    """A consent dated later than it arrives (a shop's clock ahead, a typo) is dated by its
    arrival: an opt-out sent after it, undated, wins (an order's or a cart's dated by the
    checkout it comes from, placed or abandoned now)."""
    if ahead == "in five minutes":
        ahead = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    sent = datetime.now(UTC)
    assert (
        await write(api, "customer", consent(marketing="subscribed", at=ahead, source="checkout"))
    ).status_code == 201
    _, marketing_at, _ = (await stored_consent(api))["marketing"]
    assert sent <= marketing_at <= datetime.now(UTC)
    now = datetime.now(UTC).isoformat()
    response = await write(api, kind, consent(marketing="unsubscribed", source="STOP reply"), number=3, placed=now)
    assert response.status_code == (200 if kind == "customer" else 201), response.text
    assert (await stored_consent(api))["marketing"][0] == "unsubscribed"
