"""A webhook delivery carries no cookie: what one endpoint's answer sets is never sent back, to it
or to another store's endpoint on the same host (a load balancer's affinity cookie, a session).
Each delivery stands alone, as the platforms' webhooks do."""

import pytest

from app.automations.worker import Worker
from app.services import keys, stores, webhooks
from tests.api.events.outbox import FAST
from tests.conftest import STORE_ID, order_body
from tests.receiver import Receiver

OTHER_STORE = 77

SET_COOKIES = [
    "session=abc123",
    "AWSALB=affinity; Path=/; Max-Age=604800",
    "tracking=1; Path=/hooks; HttpOnly",
    "pref=dark; Domain=localhost; Path=/",
]


@pytest.mark.parametrize("set_cookie", SET_COOKIES)
async def test_no_delivery_sends_a_cookie_an_endpoint_set(api, set_cookie):
    with Receiver(set_cookie=set_cookie) as receiver:
        # by host name: a cookie jar keeps cookies of names, not of IP addresses
        url = f"http://localhost:{receiver.port}/hooks"
        await webhooks.add_webhook(api.db, STORE_ID, url, ["order.*"])
        await stores.create_store(api.db, OTHER_STORE, "Other shop", "FR")
        await webhooks.add_webhook(api.db, OTHER_STORE, url, ["order.*"])
        other_key, _ = await keys.create_key(api.db, store_id=OTHER_STORE, name="other")
        worker = Worker(api.db, FAST)
        for index in range(3):  # one turn each: every delivery after the first saw an answer
            await api.post("/orders", order_body(external_id=f"A-{index}"))
            answer = await api.client.post(
                f"/api/v1/stores/{OTHER_STORE}/orders",
                json=order_body(external_id=f"B-{index}"),
                headers={"Authorization": f"Bearer {other_key}"},
            )
            assert answer.status_code == 201, answer.text
            assert (await worker.run_once()).delivered == 2
        await worker.aclose()
    assert len(receiver.received) == 6
    assert [{name.lower() for name in item["headers"]} & {"cookie", "cookie2"} for item in receiver.received] == [
        set()
    ] * 6
