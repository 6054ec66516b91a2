"""A REST read that runs past the read budget (KANAL_READ_TIMEOUT) is stopped and answered 503
with a message that says so; never a 500. It changes nothing, and the next request is answered
as before."""

from __future__ import annotations

import pytest

from app.config import Settings
from tests.api.slow_reads import BUDGET, budget_settings, endless_reads_of
from tests.conftest import order_body


@pytest.fixture
def settings(database_url: str) -> Settings:
    return budget_settings(database_url)


@pytest.mark.parametrize(
    ("table", "path"),
    [
        ("orders", "/orders/ORDER-1001"),  # the record read
        ("api_keys", "/orders/ORDER-1001"),  # the key read by authorisation
        ("contacts", "/customers/CUST-42"),
    ],
)
async def test_a_read_past_the_budget_is_503_and_the_next_read_is_answered(api, table, path):
    assert (await api.post("/orders", order_body())).status_code == 201
    api.db.auth_rows.forget()  # authorisation reads the key afresh
    before = await api.snapshot()
    with endless_reads_of(api.db, table):
        response = await api.get(path)
    assert (response.status_code, response.json()) == (
        503,
        {
            "error": f"The query ran longer than the read time budget ({BUDGET:g} s) and was stopped. "
            "Ask for less (a shorter period, a narrower filter, a smaller page) or try again later."
        },
    )
    assert await api.snapshot() == before
    assert (await api.get(path)).status_code == 200
