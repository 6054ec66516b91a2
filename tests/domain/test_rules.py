"""The named business rules (app/domain/rules), as plain functions: no database, no app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from app.domain.rules import (
    completed_checkout_is_a_purchase,
    erased_records_stay_detached,
    erasure,
    purchase_recovers_cart,
    recovery_follows_the_orders,
    replay_keeps_patch,
)
from app.services.contacts import MERGED_FIELDS

T0 = datetime(2026, 5, 18, 10, 0, tzinfo=UTC)


# --- replay_keeps_patch -------------------------------------------------------------------------

STORED = {"financial_status": "paid", "tags": ["patched"], "metadata": {"a": 1}}


@pytest.mark.parametrize(
    ("previous", "post", "kept"),
    [
        pytest.param(None, {"financial_status": "pending"}, {}, id="no POST recorded: the POST replaces"),
        pytest.param(
            {"financial_status": "pending"},
            {"financial_status": "pending"},
            {"financial_status": "paid"},
            id="replay keeps the PATCH",
        ),
        pytest.param({"financial_status": "pending"}, {"financial_status": "refunded"}, {}, id="new value replaces"),
        pytest.param({"tags": ["a", "b"]}, {"tags": ["a", "b"]}, {"tags": ["patched"]}, id="same list kept"),
        pytest.param({"tags": ["a", "b"]}, {"tags": ["b", "a"]}, {}, id="list order counts"),
        pytest.param(
            {"metadata": {"x": 1, "y": 2}},
            {"metadata": {"y": 2, "x": 1}},
            {"metadata": {"a": 1}},
            id="key order does not count",
        ),
        pytest.param(
            {"metadata": {"n": 1}}, {"metadata": {"n": Decimal("1.0")}}, {"metadata": {"a": 1}}, id="1 is 1.0"
        ),
        pytest.param({"metadata": {"flag": False}}, {"metadata": {"flag": 0}}, {}, id="false is not 0"),
        pytest.param({"metadata": {"flag": True}}, {"metadata": {"flag": 1}}, {}, id="true is not 1"),
        pytest.param(
            {"financial_status": None}, {"financial_status": None}, {"financial_status": "paid"}, id="null repeated"
        ),
        pytest.param({}, {"financial_status": None}, {}, id="empty record: the POST replaces"),
    ],
)
def test_a_replayed_post_keeps_what_a_patch_set(previous, post, kept):
    assert replay_keeps_patch.kept_by_replay(previous, post, STORED) == kept


# --- purchase_recovers_cart ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "abandoned_at", "recovered"),
    [
        ("abandoned", T0 - timedelta(minutes=1), True),
        ("abandoned", T0, False),  # placed at the same instant: not after
        ("abandoned", T0 + timedelta(minutes=1), False),  # abandoned after the purchase
        ("active", T0 - timedelta(minutes=1), False),
        ("recovered", T0 - timedelta(minutes=1), False),
        ("completed", T0 - timedelta(minutes=1), False),
        ("expired", T0 - timedelta(minutes=1), False),
    ],
)
def test_an_order_recovers_the_carts_abandoned_before_it(status, abandoned_at, recovered):
    assert purchase_recovers_cart.recovers(status, abandoned_at, placed_at=T0) is recovered


@pytest.mark.parametrize(("ordered", "status"), [(True, "recovered"), (False, "abandoned")])
def test_a_cart_arriving_after_the_order_is_recovered_at_once(ordered, status):
    assert purchase_recovers_cart.status_on_arrival(ordered) == status


# --- completed_checkout_is_a_purchase -----------------------------------------------------------

MINUTE = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("completed_at", "sent", "status"),
    [
        pytest.param(None, True, None, id="no completed_at: no say"),
        pytest.param(T0 + MINUTE, True, "recovered", id="bought after abandoning"),
        pytest.param(T0 + MINUTE, False, "recovered", id="bought after abandoning, kept from before"),
        pytest.param(T0, True, "completed", id="bought at the abandoned_at"),
        pytest.param(T0, False, "completed", id="bought at the abandoned_at, kept from before"),
        pytest.param(T0 - MINUTE, True, "completed", id="the bought checkout's later update"),
        pytest.param(T0 - MINUTE, False, None, id="a later abandonment without completed_at"),
    ],
)
def test_a_completed_checkout_is_a_purchase(completed_at, sent, status):
    assert completed_checkout_is_a_purchase.bought(completed_at, T0, sent=sent) == status


@pytest.mark.parametrize(
    ("ordered", "bought", "status"),
    [(True, "completed", "completed"), (False, "recovered", "recovered"), (True, None, "recovered")],
)
def test_a_new_carts_own_purchase_comes_first(ordered, bought, status):
    assert purchase_recovers_cart.status_on_arrival(ordered, bought) == status


# --- recovery_follows_the_orders ---------------------------------------------------------------

# the order as it was: first written at T0, placed at T0 + 20 minutes; the cart abandoned before
ORDER_BEFORE = (T0, T0 + 20 * MINUTE)
ABANDONED_AT = T0 - 20 * MINUTE


@pytest.mark.parametrize(
    ("status", "completed_at", "marked", "recovered_recorded_at", "abandoned_at", "ordered_now", "unrecovered"),
    [
        pytest.param("recovered", None, False, T0, ABANDONED_AT, False, True, id="recovered by the order"),
        pytest.param(
            "recovered", None, False, T0 - MINUTE, ABANDONED_AT, False, True, id="recovered by an earlier order too"
        ),
        pytest.param("recovered", None, True, T0, ABANDONED_AT, False, False, id="the shop's mark, after"),
        pytest.param("recovered", None, True, T0 - MINUTE, ABANDONED_AT, False, False, id="the shop's mark, before"),
        pytest.param("recovered", None, None, T0, ABANDONED_AT, False, True, id="unmarked: by the order"),
        pytest.param("recovered", None, None, None, ABANDONED_AT, False, True, id="unmarked: its time unknown"),
        pytest.param("recovered", None, None, T0 - MINUTE, ABANDONED_AT, False, False, id="unmarked: before the order"),
        pytest.param("recovered", None, False, T0, ABANDONED_AT, True, False, id="another order still follows"),
        pytest.param("recovered", None, False, T0, T0 + 20 * MINUTE, False, False, id="abandoned when it was placed"),
        pytest.param("recovered", T0 - MINUTE, False, T0, ABANDONED_AT, False, False, id="bought by its completed_at"),
        pytest.param("completed", None, True, None, ABANDONED_AT, False, False, id="marked completed"),
        pytest.param("abandoned", None, False, None, ABANDONED_AT, False, False, id="not recovered"),
    ],
)
def test_a_corrected_order_no_longer_recovers_a_cart(
    status, completed_at, marked, recovered_recorded_at, abandoned_at, ordered_now, unrecovered
):
    found = recovery_follows_the_orders.unrecovers(
        status, completed_at, abandoned_at, marked, recovered_recorded_at, ORDER_BEFORE, ordered_now
    )
    assert found is unrecovered


# --- erasure ------------------------------------------------------------------------------------


def test_erasure_nulls_every_personal_field_and_stamps_the_time():
    values = erasure.erased_contact(T0)
    assert values == {**dict.fromkeys(erasure.PERSONAL_FIELDS), "erased_at": T0, "updated_at": T0}
    # every field an embedded customer can write onto a contact is personal data, so erased
    assert set(MERGED_FIELDS) <= set(erasure.PERSONAL_FIELDS)
    assert {"phone", "phone_type", "external_id"} <= set(erasure.PERSONAL_FIELDS)


@pytest.mark.parametrize(
    ("contact", "reachable"),
    [(None, False), ({"erased_at": None}, True), ({"erased_at": T0}, False)],
)
def test_an_erased_contact_is_never_messaged(contact, reachable):
    assert erasure.can_be_messaged(contact) is reachable


@pytest.mark.parametrize(
    ("data", "kept"),
    [
        pytest.param(
            {
                "subject": {"type": "order", "id": 1, "external_id": "O-1"},
                "contact": {"phone": "+33612345678"},
                "before": None,
                "after": {},
            },
            {"subject": {"type": "order", "id": 1, "external_id": "O-1"}, "contact": None, "before": None, "after": {}},
            id="an order's event keeps the order and what changed",
        ),
        pytest.param(
            {
                "subject": {"type": "contact", "id": 7, "external_id": "CUST-42"},
                "contact": {"phone": "+33612345678"},
                "before": {"marketing": {}},
                "after": {"marketing": {}},
            },
            {
                "subject": {"type": "contact", "id": 7, "external_id": None},
                "contact": None,
                "before": None,
                "after": None,
            },
            id="a contact's event keeps neither its customer id nor what changed",
        ),
    ],
)
def test_an_erased_contacts_events_keep_what_changed_but_not_the_contact(data, kept):
    assert erasure.scrubbed(data) == kept


# --- erased_records_stay_detached ---------------------------------------------------------------


def test_a_detached_record_keeps_its_erased_contact_and_writes_no_personal_column():
    written = {"contact_id": 9, "customer_external_id": "CUST-42", "shipping_address": {}, "billing_address": {}}
    kept = erased_records_stay_detached.detached({**written, "financial_status": "paid"}, {"contact_id": 7})
    assert kept == {
        "contact_id": 7,
        "customer_external_id": None,
        "shipping_address": None,
        "billing_address": None,
        "financial_status": "paid",
    }
