"""`kanal webhooks add --events` given more than once subscribes to the patterns of each, as
one `--events` listing them all does: the last one alone counted, and the webhook silently
missed the events of the others. A pattern given more than once is subscribed once, where it
was stored (and listed) as often as it was given."""

import pytest

from tests.api.events.test_outbox_prune import run_cli_streams
from tests.conftest import STORE_ID

ADD = ["webhooks", "add", "--store", str(STORE_ID), "--url", "http://127.0.0.1:9/h"]
# the --events arguments: the webhook's patterns, as stored and printed
EVENTS = {
    ("--events", "order.*", "shipment.created"): ["order.*", "shipment.created"],
    ("--events", "order.*", "--events", "shipment.created"): ["order.*", "shipment.created"],
    ("--events", "order.*", "--events", "cart.*", "*.created"): ["order.*", "cart.*", "*.created"],
    (): ["*"],
    ("--events", "order.created", "order.created"): ["order.created"],
    ("--events", "order.*", "--events", "cart.*", "order.*"): ["order.*", "cart.*"],
    ("--events", "*", "shipment.created", "*", "shipment.created"): ["*", "shipment.created"],
}


@pytest.mark.parametrize("events", EVENTS, ids=" ".join)
async def test_every_pattern_given_is_subscribed(api, database_url, monkeypatch, events):
    _, notice = await run_cli_streams(monkeypatch, database_url, [*ADD, *events])
    patterns = EVENTS[events]
    assert notice.splitlines()[0] == f"Webhook 1 for store {STORE_ID}: http://127.0.0.1:9/h ({', '.join(patterns)})."
    assert [row["events"] for row in await api.rows("webhooks")] == [patterns]
