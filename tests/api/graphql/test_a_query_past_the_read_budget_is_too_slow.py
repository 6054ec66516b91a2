"""A query whose read runs past the read budget (KANAL_READ_TIMEOUT) is stopped and answered
with a top-level error, code QUERY_TOO_SLOW, at the field that asked for it; never a masked
internal error, and logged as one warning line without a traceback. The next query is answered
as before."""

from __future__ import annotations

import logging

import pytest

from app.config import Settings
from tests.api.calls import gql
from tests.api.graphql.documents import seed_orders
from tests.api.slow_reads import BUDGET, budget_settings, endless_reads_of

STATS = '{ storeStats(storeId: 123, from: "2026-05-01T00:00:00Z", to: "2026-06-01T00:00:00Z") { orderCount } }'
SEARCH = '{ orders(storeId: 123, first: 50, filter: {search: "O-0"}) { edges { node { externalId } } } }'
MESSAGE = (
    f"The query ran longer than the read time budget ({BUDGET:g} s) and was stopped. "
    "Ask for less (a shorter period, a narrower filter, a smaller page) or try again later."
)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return budget_settings(database_url)


@pytest.mark.parametrize(
    ("query", "field", "answer", "table"),
    [
        # a month on the hour: storeStats reads the order summaries (README "Store stats")
        (STATS, "storeStats", {"storeStats": {"orderCount": 12}}, "order_hours"),
        (
            SEARCH,
            "orders",
            {"orders": {"edges": [{"node": {"externalId": f"O-{i:03d}"}} for i in range(11, -1, -1)]}},
            "orders",
        ),
    ],
)
async def test_a_query_past_the_budget_is_query_too_slow_and_the_next_one_is_answered(
    api, query, field, answer, table, caplog
):
    await seed_orders(api, 12)
    with endless_reads_of(api.db, table), caplog.at_level(logging.INFO):
        body = await gql(api, query)
    logged = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING]
    # one line naming the request, no traceback
    assert logged == [("WARNING", f"read past its time budget on POST /graphql: {MESSAGE}", None)]
    assert body == {
        "data": None,
        "errors": [
            {
                "message": MESSAGE,
                "locations": body["errors"][0]["locations"],
                "path": [field],
                "extensions": {"code": "QUERY_TOO_SLOW"},
            }
        ],
    }
    assert await gql(api, query) == {"data": answer}
