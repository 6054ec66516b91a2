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

# (setting, its service, its column, its default, the refusal, value, accepted)
DELAY = ("recovery delay", stores.set_recovery_delay, "recovery_delay_minutes", 60, "from 0 to 525,600 minutes")
RATE = ("rate limit", stores.set_rate_limit, "rate_limit_per_minute", None, "from 1 to 2,147,483,647 requests")
CASES = [
    (*DELAY, -1, False),
    (*DELAY, 0, True),
    (*DELAY, stores.MAX_RECOVERY_DELAY_MINUTES, True),
    (*DELAY, stores.MAX_RECOVERY_DELAY_MINUTES + 1, False),
    (*DELAY, 2_000_000_000, False),
    (*DELAY, 99_999_999_999_999, False),
    (*RATE, 0, False),
    (*RATE, 1, True),
    (*RATE, 2**31 - 1, True),
    (*RATE, 2**31, False),
    (*RATE, 10**20, False),
]


@pytest.mark.parametrize(
    ("setting", "service", "column", "default", "refusal", "value", "accepted"),
    CASES,
    ids=[f"{case[0]} {case[5]}" for case in CASES],
)
async def test_a_setting_outside_its_range_is_refused_and_changes_nothing(
    api, setting, service, column, default, refusal, value, accepted
):
    if accepted:
        await service(api.db, STORE_ID, value)
    else:
        with pytest.raises(stores.StoreError, match=refusal):
            await service(api.db, STORE_ID, value)
    stored = [row[column] for row in await api.rows("stores") if row["id"] == STORE_ID]
    assert stored == [value if accepted else default]


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
