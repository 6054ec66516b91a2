"""The request log: one JSON line per request with its id, store, route template, status,
duration and record outcome (app.observability.request_log); expected client errors are that
line alone, an unexpected error adds one traceback."""

from __future__ import annotations

import asyncio
import logging
import re

import pytest
from starlette.routing import Route

from app.config import Settings
from app.main import create_app
from app.observability import request_log
from app.services import keys, stores
from tests.api.calls import gql
from tests.api.graphql.documents import UPSERT_ORDER, order_input
from tests.api.observability.logs import request_lines
from tests.conftest import cart_body, order_body

FIELDS = {"time", "request_id", "method", "route", "status", "duration_ms", "store", "resource", "outcome", "errors"}
ORDERS = "/api/v1/stores/{store_id}/orders"
ORDER = "/api/v1/stores/{store_id}/orders/{external_id}"  # as OpenAPI writes it


async def _created(api):
    return await api.post("/orders", order_body())


async def _replayed(api):
    await api.post("/orders", order_body())
    return await api.post("/orders", order_body())


async def _updated(api):
    await api.post("/orders", order_body())
    return await api.post("/orders", order_body(total_price=59.90))


async def _stale(api):
    await api.post("/orders", order_body(updated_at="2026-05-18T12:00:00Z"))
    return await api.post("/orders", order_body(updated_at="2026-05-18T11:00:00Z"))


async def _patched(api):
    await api.post("/orders", order_body())
    return await api.patch("/orders/ORDER-1001", {"financial_status": "paid"})


async def _invalid(api):
    return await api.post("/orders", order_body(currency="EURO"))


async def _no_key(api):
    return await api.client.post("/api/v1/stores/123/orders", json=order_body())


async def _wrong_key(api):
    return await api.post("/orders", order_body(), key="kanal_sk_live_" + "x" * 32)


async def _other_store(api):
    await stores.create_store(api.db, 456, "Other shop", "FR")
    return await api.post("/orders", order_body(), store=456)


async def _unknown_order(api):
    return await api.get("/orders/NOPE")


async def _over_budget(api):
    await stores.set_rate_limit(api.db, 123, 1)
    await api.get("/orders/NOPE")
    return await api.get("/orders/NOPE")


async def _slashed(api):
    return await api.client.post("/api/v1/stores/123/orders/", json=order_body(), headers=api.auth())


async def _slashed_order(api):
    await api.post("/orders", order_body())
    return await api.client.get("/api/v1/stores/123/orders/ORDER-1001/", headers=api.auth())


async def _no_route(api):
    return await api.client.get("/nowhere/123")


# request -> (status, route, store, resource, outcome) of its line
CASES = {
    "created": (_created, 201, ORDERS, 123, "order", "created"),
    "replayed unchanged": (_replayed, 200, ORDERS, 123, "order", "unchanged"),
    "updated": (_updated, 200, ORDERS, 123, "order", "updated"),
    "stale": (_stale, 200, ORDERS, 123, "order", "stale"),
    "patched": (_patched, 200, ORDER, 123, "order", "updated"),
    "invalid body": (_invalid, 422, ORDERS, 123, "order", "rejected"),
    "no key": (_no_key, 401, ORDERS, 123, None, None),
    "unknown key": (_wrong_key, 401, ORDERS, 123, None, None),
    "key of another store": (_other_store, 403, ORDERS, 456, None, None),
    "unknown order": (_unknown_order, 404, ORDER, 123, None, None),
    "over budget": (_over_budget, 429, ORDER, 123, None, None),
    "trailing slash: the route without it": (_slashed, 201, ORDERS, 123, "order", "created"),
    "an order's path with a slash": (_slashed_order, 200, ORDER, 123, None, None),
    "no route": (_no_route, 404, "unmatched", None, None, None),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
async def test_a_request_logs_one_line_with_its_facts(api, case, caplog):
    call, status, route, store, resource, outcome = CASES[case]
    answered = []

    async def count(response):
        answered.append(response)

    api.client.event_hooks["response"].append(count)
    with request_lines() as lines, caplog.at_level(logging.DEBUG):
        response = await call(api)
        assert response.status_code == status, response.text
        line = lines.parsed[-1]
    assert set(line) == FIELDS
    assert (line["status"], line["route"], line["store"], line["resource"], line["outcome"]) == (
        status,
        route,
        store,
        resource,
        outcome,
    )
    assert line["request_id"] == response.headers["x-request-id"]
    assert line["method"] == response.request.method
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["errors"] is None
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", line["time"])
    assert len(lines.texts) == len(answered)  # one line per request the case made
    # an expected failure is the line alone: nothing else logged, no traceback
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


GRAPHQL_CASES = {
    "bad first": ("{ orders(storeId: 123, first: 500) { edges { node { externalId } } } }", "BAD_USER_INPUT"),
    "unknown store": ("{ orders(storeId: 999, first: 5) { edges { node { externalId } } } }", "FORBIDDEN"),
    "bad store id": ('{ orders(storeId: "x", first: 5) { edges { node { externalId } } } }', "BAD_USER_INPUT"),
    "unknown field": ("{ nothing }", "GRAPHQL_VALIDATION_FAILED"),
    "syntax error": ("{ orders(", "GRAPHQL_PARSE_FAILED"),
}


@pytest.mark.parametrize("case", GRAPHQL_CASES, ids=list(GRAPHQL_CASES))
async def test_an_expected_graphql_error_is_one_line_without_a_traceback(api, case, caplog):
    query, code = GRAPHQL_CASES[case]
    with request_lines() as lines, caplog.at_level(logging.DEBUG):
        body = await gql(api, query)
    assert body["errors"], body
    assert body["errors"][0].get("extensions", {}).get("code", "GRAPHQL_ERROR") == code
    assert [(line["route"], line["status"], line["errors"]) for line in lines.parsed] == [("/graphql", 200, [code])]
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


async def test_a_graphql_mutation_logs_its_record_outcome(api):
    with request_lines() as lines:
        first = await gql(api, UPSERT_ORDER, {"input": order_input()})
        invalid = await gql(api, UPSERT_ORDER, {"input": order_input(currency="EURO")})
    assert first["data"]["upsertOrder"]["created"] is True, first
    assert invalid["data"]["upsertOrder"]["userErrors"], invalid
    assert [(line["store"], line["resource"], line["outcome"]) for line in lines.parsed] == [
        (123, "order", "created"),
        (123, "order", "rejected"),
    ]


async def test_an_unexpected_error_is_a_masked_500_one_line_and_one_traceback(api, caplog):
    async def broken(request):
        raise RuntimeError("a bug")

    api.app.router.routes.append(Route("/broken", broken))
    with request_lines() as lines, caplog.at_level(logging.DEBUG):
        response = await api.client.get("/broken")
    assert response.status_code == 500 and response.json() == {"error": "Internal server error"}
    assert [(line["route"], line["status"]) for line in lines.parsed] == [("/broken", 500)]
    assert lines.parsed[0]["request_id"] == response.headers["x-request-id"]
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 1 and isinstance(tracebacks[0].exc_info[1], RuntimeError)


SAFE_IDS = ["0f8fe6ec-2f2c-4fd6-9d3c-0c7a5a0b9c11", "Root=1-67891233-abcdef012345678912345678", "a", "x" * 128]
UNSAFE_IDS = ["x" * 129, "has space", 'quote"d', "semi;colon", "<script>", "tab\there", "ünïcode"]


@pytest.mark.parametrize("sent", SAFE_IDS)
async def test_a_safe_client_request_id_is_kept_and_echoed(api, sent):
    with request_lines() as lines:
        response = await api.client.get("/healthz", headers={"X-Request-Id": sent})
    assert response.headers["x-request-id"] == sent
    assert lines.parsed[-1]["request_id"] == sent


@pytest.mark.parametrize("sent", UNSAFE_IDS)
async def test_an_unsafe_client_request_id_is_replaced(api, sent):
    with request_lines() as lines:
        response = await api.client.get("/healthz", headers={"X-Request-Id": sent.encode()})
    assert response.status_code == 200
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["x-request-id"])
    assert lines.parsed[-1]["request_id"] == response.headers["x-request-id"]


async def test_without_a_request_id_each_request_gets_a_new_one(api):
    ids = {(await api.client.get("/healthz")).headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5 and all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in ids)


async def test_the_log_can_be_turned_off(settings):
    import httpx

    app = create_app(Settings.from_env(**{**settings.__dict__, "request_log": False}))
    transport = httpx.ASGITransport(app=app)
    try:
        with request_lines() as lines:
            async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test") as client:
                response = await client.get("/healthz")
        assert response.status_code == 200 and response.headers["x-request-id"]
        assert lines.texts == []
    finally:
        await app.state.db.dispose()
        request_log.install(True)  # on again for the tests that follow
    assert request_log.enabled()


SECRETS = {
    "key": lambda api: api.key,
    "phone": lambda api: "612345678",
    "email": lambda api: "marie@example.com",
    "first name": lambda api: "Marie",
    "last name": lambda api: "Curie",
}


@pytest.mark.parametrize("secret", SECRETS, ids=list(SECRETS))
async def test_no_line_carries_a_key_or_personal_data(api, secret):
    customer = {"external_id": "CUST-42", "phone": "+33612345678", "email": "marie@example.com"}
    customer.update(first_name="Marie", last_name="Curie")
    body = order_body(customer=customer)
    admin, _ = await keys.create_key(api.db, admin=True)
    with request_lines() as lines:
        await api.post("/orders", body)
        await api.post("/orders", {**body, "currency": "EURO"})  # a refusal quotes nothing back into the log
        await api.post("/customers", customer)
        await api.client.post("/api/v1/stores/123/orders", json=body, headers={"Authorization": api.key})
        await api.get("/orders/ORDER-1001")
        await gql(api, '{ contact(storeId: 123, phone: "+33612345678") { phone } }')
        await api.client.get("/metrics", headers={"Authorization": f"Bearer {admin}"})
    text = "\n".join(lines.texts)
    assert len(lines.texts) == 7
    assert SECRETS[secret](api) not in text
    assert admin not in text


async def test_the_lines_of_one_turn_are_written_together_in_whole_lines(api):
    """Concurrent requests answered in the same turns of the loop share writes: fewer writes
    than lines, each of whole lines and at most PIPE_BUF bytes (atomic on a shared pipe)."""
    bodies = [order_body(external_id=f"ORDER-BATCH-{n}") for n in range(40)]
    with request_lines() as lines:
        answers = await asyncio.gather(*(api.post("/orders", body) for body in bodies))
        parsed = lines.parsed
    assert [answer.status_code for answer in answers] == [201] * 40
    assert sorted(line["request_id"] for line in parsed) == sorted(a.headers["x-request-id"] for a in answers)
    assert len(lines.writes) < len(parsed)
    assert all(text.endswith("\n") and len(text.encode()) <= 4096 for text in lines.writes)


def _orders(*external_ids: str) -> list[dict]:
    return [order_body(external_id=external_id) for external_id in external_ids]


# batch path and items -> (resource, outcome) of its line: each resource once, each outcome
# once with its count when more than one, in the order created, updated, unchanged, stale, rejected
BATCH_CASES = {
    "one new order": ("/orders/batch", _orders("A"), "order", "created"),
    "a mix": (
        "/orders/batch",
        [
            *_orders("A"),
            order_body(external_id="B", currency="EURO"),
            *_orders("C"),
            order_body(external_id="A", financial_status="paid"),
            {"placed_at": "2026-05-18T10:00:00Z"},
            *_orders("C"),
        ],
        "order",
        "created:2,updated,unchanged,rejected:2",
    ),
    "every outcome": (
        "/orders/batch",
        [
            order_body(external_id="A", updated_at="2026-05-18T12:00:00Z"),
            order_body(external_id="A", updated_at="2026-05-18T12:00:00Z"),
            order_body(external_id="A", updated_at="2026-05-18T11:00:00Z"),
            order_body(external_id="A", updated_at="2026-05-18T13:00:00Z", financial_status="paid"),
            order_body(external_id="B", currency="EURO"),
        ],
        "order",
        "created,updated,unchanged,stale,rejected",
    ),
    "1,000 new orders": ("/orders/batch", _orders(*(f"O-{n}" for n in range(1000))), "order", "created:1000"),
    "carts": (
        "/carts/batch",
        [cart_body(), {**cart_body(), "currency": "EURO"}, cart_body()],
        "cart",
        "created,unchanged,rejected",
    ),
    "shipments, all refused": ("/shipments/batch", [{"external_id": "S-1"}] * 3, "shipment", "rejected:3"),
}


@pytest.mark.parametrize("case", BATCH_CASES, ids=list(BATCH_CASES))
async def test_a_batch_logs_one_short_line_with_its_outcomes_counted(api, case):
    path, items, resource, outcome = BATCH_CASES[case]
    with request_lines() as lines:
        response = await api.post(path, {"items": items})
        assert response.status_code == 200, response.text
        [line] = lines.parsed
        [text] = lines.texts
    assert (line["status"], line["store"], line["resource"], line["outcome"]) == (200, 123, resource, outcome)
    assert len(text) < 400  # whatever the batch's size
