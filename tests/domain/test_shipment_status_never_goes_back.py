"""rules.shipment_status_never_goes_back, over every stored status × written status × arrival."""

from __future__ import annotations

import itertools

import pytest

from app.domain.rules.shipment_status_never_goes_back import FINAL, goes_back
from app.domain.rules.stale_writes import Arrival
from app.domain.statuses import ShipmentStatus

STATUSES: list[str | None] = [*(status.value for status in ShipmentStatus), None]
# Every way a write that is not stale may arrive (stale writes are never written at all).
WRITTEN = (Arrival.UNDATED, Arrival.FIRST_DATED, Arrival.REPLAY, Arrival.NEWER)


def expected(stored: str | None, sent: str | None, came: Arrival) -> bool:
    """The table, spelled out: only a final status goes back, to an earlier one (pending,
    in_transit, failed or none), and only when the write is not strictly newer."""
    final = {"delivered", "returned"}
    return stored in final and sent not in final and came is not Arrival.NEWER


@pytest.mark.parametrize(("stored", "sent", "came"), list(itertools.product(STATUSES, STATUSES, WRITTEN)))
def test_goes_back(stored: str | None, sent: str | None, came: Arrival) -> None:
    assert goes_back(stored, sent, came) is expected(stored, sent, came)


def test_final_statuses_are_delivered_and_returned() -> None:
    assert FINAL == {ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED}


@pytest.mark.parametrize(
    ("stored", "sent", "came", "result"),
    [
        pytest.param("delivered", "in_transit", Arrival.UNDATED, True, id="late in_transit after delivered"),
        pytest.param("delivered", "pending", Arrival.REPLAY, True, id="pending with the same time"),
        pytest.param("returned", "failed", Arrival.UNDATED, True, id="late failed after returned"),
        pytest.param("delivered", None, Arrival.UNDATED, True, id="no status after delivered"),
        pytest.param("delivered", "in_transit", Arrival.FIRST_DATED, True, id="first dated write is not newer"),
        pytest.param("delivered", "in_transit", Arrival.NEWER, False, id="strictly newer: allowed"),
        pytest.param("delivered", "returned", Arrival.UNDATED, False, id="delivered then returned"),
        pytest.param("failed", "in_transit", Arrival.UNDATED, False, id="failed is retried"),
        pytest.param("in_transit", "pending", Arrival.UNDATED, False, id="not final: last write wins"),
    ],
)
def test_named_cases(stored: str, sent: str | None, came: Arrival, result: bool) -> None:
    assert goes_back(stored, sent, came) is result
