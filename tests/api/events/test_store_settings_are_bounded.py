"""A store's recovery delay and rate limit are refused outside their range, nothing changed
(a delay past what a date holds was stored and then stopped every worker pass, for every
store; a rate limit past PostgreSQL's integer was a database traceback); and a delay stored
before the bound keeps no other store's cart from its recovery."""

import pytest
from sqlalchemy import update

from app.automations.worker import Worker
from app.db.tables import stores as stores_table
from app.services import stores
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, cart_body

OTHER_STORE = 300

RECOVERY_DELAYS = [
    (-1, False),
    (0, True),
    (stores.MAX_RECOVERY_DELAY_MINUTES, True),
    (stores.MAX_RECOVERY_DELAY_MINUTES + 1, False),
    (2_000_000_000, False),
    (99_999_999_999_999, False),
]
RATE_LIMITS = [(0, False), (1, True), (2**31 - 1, True), (2**31, False), (10**20, False)]


async def _stored(api, column):
    return [row[column] for row in await api.rows("stores") if row["id"] == STORE_ID]


@pytest.mark.parametrize(("minutes", "accepted"), RECOVERY_DELAYS, ids=[str(m) for m, _ in RECOVERY_DELAYS])
async def test_a_recovery_delay_outside_zero_to_a_year_is_refused(api, minutes, accepted):
    if accepted:
        await stores.set_recovery_delay(api.db, STORE_ID, minutes)
        assert await _stored(api, "recovery_delay_minutes") == [minutes]
        return
    with pytest.raises(stores.StoreError, match="from 0 to 525,600 minutes"):
        await stores.set_recovery_delay(api.db, STORE_ID, minutes)
    assert await _stored(api, "recovery_delay_minutes") == [60]


@pytest.mark.parametrize(("per_minute", "accepted"), RATE_LIMITS, ids=[str(n) for n, _ in RATE_LIMITS])
async def test_a_rate_limit_outside_one_to_the_column_s_range_is_refused(api, per_minute, accepted):
    if accepted:
        await stores.set_rate_limit(api.db, STORE_ID, per_minute)
        assert await _stored(api, "rate_limit_per_minute") == [per_minute]
        return
    with pytest.raises(stores.StoreError, match="from 1 to 2,147,483,647 requests per minute"):
        await stores.set_rate_limit(api.db, STORE_ID, per_minute)
    assert await _stored(api, "rate_limit_per_minute") == [None]


async def test_a_delay_stored_past_what_a_date_holds_holds_back_no_other_store(api):
    await stores.create_store(api.db, OTHER_STORE, "Other", "FR")

    def overflowing(conn):  # as a store set before the bound may hold it
        conn.execute(
            update(stores_table).where(stores_table.c.id == OTHER_STORE).values(recovery_delay_minutes=2**31 - 1)
        )

    await api.db.write(overflowing)
    await stores.set_recovery_delay(api.db, STORE_ID, 60)
    await api.post(
        "/carts", cart_body(customer={"phone": "+33612345678", "whatsapp_consent": {"marketing": "subscribed"}})
    )
    worker = Worker(api.db, FAST)
    tally = await worker.run_once()
    await worker.aclose()
    assert tally.recoveries == 1
