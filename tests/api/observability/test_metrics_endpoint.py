"""/metrics (app.observability): the Prometheus text format for an admin key or the metrics
token; requests by route template, method and status; records by resource and outcome;
rate-limited requests; the outbox read from the database; deliveries by outcome; and no
label that carries store data."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from app.automations.delivery import Backoff
from app.automations.worker import Worker
from app.config import Settings
from app.db.tables import deliveries, events
from app.main import create_app
from app.services import keys, stores, webhooks
from app.services.results import utcnow
from tests.api.calls import gql
from tests.api.graphql.documents import UPSERT_ORDER, order_input
from tests.conftest import order_body
from tests.receiver import Receiver

ORDERS = "/api/v1/stores/{store_id}/orders"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def scrape(api, key: str) -> dict[tuple[str, frozenset], float]:
    response = await api.client.get("/metrics", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return samples(response.text)


def value(scraped, name: str, **labels: str) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def admin(api) -> str:
    key, _ = await keys.create_key(api.db, admin=True)
    return key


async def _team_key(api):
    await stores.create_store(api.db, 124, "Team shop", "FR", "north")
    key, _ = await keys.create_key(api.db, team="north")
    return key


ACCESS = {
    "no header": (None, 401, {"error": "API key is missing"}),
    "not bearer": (lambda api: api.key, 401, {"error": "API key is missing"}),
    "unknown key": (lambda api: "Bearer kanal_sk_live_" + "y" * 32, 401, {"error": "Invalid API key"}),
    "store key": (lambda api: f"Bearer {api.key}", 403, {"error": "Metrics need an admin key or the metrics token"}),
    "wrong token": (lambda api: "Bearer not-the-token", 401, {"error": "Invalid API key"}),
}


@pytest.mark.parametrize("case", ACCESS, ids=list(ACCESS))
async def test_metrics_are_refused_without_an_admin_key_or_the_token(api, case):
    header, status, body = ACCESS[case]
    headers = {"Authorization": header(api)} if header else {}
    response = await api.client.get("/metrics", headers=headers)
    assert (response.status_code, response.json()) == (status, body)


async def test_a_team_key_is_refused(api):
    response = await api.client.get("/metrics", headers={"Authorization": f"Bearer {await _team_key(api)}"})
    assert response.status_code == 403


async def test_a_revoked_admin_key_is_refused(api, admin):
    await keys.revoke_key(api.db, admin)
    response = await api.client.get("/metrics", headers={"Authorization": f"Bearer {admin}"})
    assert response.status_code == 401


async def test_the_metrics_token_reads_them(settings):
    import httpx

    app = create_app(Settings.from_env(**{**settings.__dict__, "metrics_token": "scrape-me-0123456789"}))
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test") as client:
            ok = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-0123456789"})
            wrong = await client.get("/metrics", headers={"Authorization": "Bearer scrape-me-012345678"})
    finally:
        await app.state.db.dispose()
    assert ok.status_code == 200 and "kanal_events_pending" in ok.text
    assert wrong.status_code == 401


async def test_requests_are_counted_by_route_method_and_status(api, admin):
    before = await scrape(api, admin)
    for _ in range(3):
        await api.post("/orders", order_body())
    await api.client.post("/api/v1/stores/123/orders", json={})
    await api.client.get("/no/such/path")
    after = await scrape(api, admin)
    count = "kanal_http_request_duration_seconds_count"

    def delta(**labels):
        return value(after, count, **labels) - value(before, count, **labels)

    assert delta(route=ORDERS, method="POST", status="201") == 1
    assert delta(route=ORDERS, method="POST", status="200") == 2
    assert delta(route=ORDERS, method="POST", status="401") == 1
    assert delta(route="unmatched", method="GET", status="404") == 1
    inf = value(
        after, "kanal_http_request_duration_seconds_bucket", route=ORDERS, method="POST", status="200", le="+Inf"
    )
    assert inf == value(after, count, route=ORDERS, method="POST", status="200")


async def test_records_are_counted_by_resource_and_outcome(api, admin):
    before = await scrape(api, admin)
    await api.post("/orders", order_body(updated_at="2026-05-18T12:00:00Z"))  # created
    await api.post("/orders", order_body(updated_at="2026-05-18T12:00:00Z"))  # unchanged
    await api.post("/orders", order_body(updated_at="2026-05-18T13:00:00Z", total_price=59.9))  # updated
    await api.post("/orders", order_body(updated_at="2026-05-18T11:00:00Z"))  # stale
    await api.post("/orders", order_body(currency="EURO"))  # rejected
    await gql(api, UPSERT_ORDER, {"input": order_input(externalId="ORDER-G")})  # created
    await gql(api, UPSERT_ORDER, {"input": order_input(currency="EURO")})  # rejected
    await api.post("/customers", {"external_id": "CUST-9", "phone": "+33698765432"})  # created
    after = await scrape(api, admin)
    name = "kanal_records_written_total"
    counted = {
        (resource, outcome): value(after, name, resource=resource, outcome=outcome)
        - value(before, name, resource=resource, outcome=outcome)
        for resource in ("order", "customer")
        for outcome in ("created", "updated", "unchanged", "stale", "rejected")
    }
    assert {k: v for k, v in counted.items() if v} == {
        ("order", "created"): 2,
        ("order", "unchanged"): 1,
        ("order", "updated"): 1,
        ("order", "stale"): 1,
        ("order", "rejected"): 2,
        ("customer", "created"): 1,
    }


async def test_rate_limited_requests_are_counted(api, admin):
    await stores.set_rate_limit(api.db, 123, 2)
    before = await scrape(api, admin)
    statuses = [(await api.post("/orders", order_body())).status_code for _ in range(4)]
    after = await scrape(api, admin)
    assert statuses == [201, 200, 429, 429]
    name = "kanal_rate_limited_requests_total"
    assert value(after, name, route=ORDERS) - value(before, name, route=ORDERS) == 2


async def test_the_outbox_is_read_at_scrape_time(api, admin):
    empty = await scrape(api, admin)
    assert (
        value(empty, "kanal_database_up") == 1
    )  # 0 when unavailable: tests/api/test_an_unavailable_database_is_503.py
    assert value(empty, "kanal_events_pending") == 0
    assert value(empty, "kanal_events_oldest_pending_age_seconds") == 0
    await api.post("/orders", order_body())
    await api.post("/orders", order_body(external_id="ORDER-1002"))
    hour_ago = utcnow() - timedelta(hours=1)
    await api.db.write(lambda conn: conn.execute(update(events).where(events.c.id == 1).values(created_at=hour_ago)))
    pending = await api.count("events")
    scraped = await scrape(api, admin)
    assert value(scraped, "kanal_events_pending") == pending >= 2
    assert 3600 <= value(scraped, "kanal_events_oldest_pending_age_seconds") < 3700


async def test_deliveries_and_dead_letters_are_counted(api, admin):
    before = await scrape(api, admin)
    with Receiver() as good, Receiver(failures=100) as bad:
        await webhooks.add_webhook(api.db, 123, good.url, None)
        await webhooks.add_webhook(api.db, 123, bad.url, None)
        await api.post("/orders", order_body())
        worker = Worker(api.db, Backoff(base_seconds=3600.0, max_attempts=2))
        await worker.run_once()  # delivered to one, the other's retry an hour away
        retrying = await scrape(api, admin)
        due = deliveries.update().where(deliveries.c.status == "pending").values(next_attempt_at=utcnow())
        await api.db.write(lambda conn: conn.execute(due))
        await worker.run_once()  # its last attempt
        await worker.aclose()
    after = await scrape(api, admin)
    events_sent = len(good.received)
    assert events_sent >= 1
    name = "kanal_webhook_deliveries_total"

    def delta(scraped, outcome):
        return value(scraped, name, outcome=outcome) - value(before, name, outcome=outcome)

    assert delta(retrying, "delivered") == events_sent
    assert delta(retrying, "retrying") == events_sent
    assert delta(retrying, "dead") == 0
    assert delta(after, "dead") == events_sent
    assert value(retrying, "kanal_deliveries_pending") == events_sent
    assert value(after, "kanal_deliveries_pending") == 0
    assert value(after, "kanal_dead_letters") - value(before, "kanal_dead_letters") == events_sent


async def test_no_label_carries_store_data(api, admin):
    await api.post("/orders", order_body())
    await api.get("/orders/ORDER-1001")
    await gql(api, '{ contact(storeId: 123, phone: "+33612345678") { phone } }')
    response = await api.client.get("/metrics", headers={"Authorization": f"Bearer {admin}"})
    labels = {
        (key, val)
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        for key, val in s.labels.items()
    }
    routes = {val for key, val in labels if key == "route"}
    templates = {re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path) for route in api.app.router.routes}
    # The registry is the process's: test_one_json_line_per_request's app has a route of its own.
    others = {"/broken"}
    assert routes - others <= templates | {"unmatched"}  # as OpenAPI writes them: `{external_id}`
    assert not any("123" in val for _, val in labels)
    for forbidden in ("ORDER-1001", "612345678", "Marie", api.key, admin):
        assert forbidden not in response.text, forbidden
