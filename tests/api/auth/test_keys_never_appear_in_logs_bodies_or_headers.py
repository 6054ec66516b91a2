"""A key never appears in a log record (every logger at DEBUG, SQL with its parameters included)
nor in a response body or header, whatever the request does: success, 401, 403, 404, 422, 400,
413, 405, GraphQL errors, a masked 500 (SPEC §2: "a key is shown once at creation")."""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.main import create_app
from app.services import keys, order_batches, stores
from tests.conftest import STORE_ID, Api, cart_body, order_body, shipment_body

LOGGERS = [
    "",  # root
    "kanal",
    "kanal.worker",
    "uvicorn",
    "uvicorn.error",
    "uvicorn.access",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.engine.Engine",
    "sqlalchemy.pool",
    "sqlalchemy.dialects",
    "aiosqlite",
    "asyncpg",
    "strawberry",
    "strawberry.execution",
    "graphql",
    "starlette",
    "httpx",
    "httpcore",
    "asyncio",
]


@pytest.fixture
async def logged(settings: Any, caplog: pytest.LogCaptureFixture) -> AsyncIterator[tuple[Api, dict[str, str]]]:
    """A fresh app created *after* every logger is at DEBUG (SQLAlchemy decides whether to log
    statements and parameters when a connection is made), with keys of every kind."""
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name or None)
    app = create_app(settings)
    db = app.state.db
    await stores.create_store(db, STORE_ID, "Demo shop", "FR")
    await stores.create_store(db, 124, "Other shop", "FR", team="other-team")
    store_key, _ = await keys.create_key(db, store_id=STORE_ID, name="store")
    other_key, _ = await keys.create_key(db, store_id=124, name="other store")
    team_key, _ = await keys.create_key(db, team="other-team", name="team")
    revoked_key, _ = await keys.create_key(db, store_id=STORE_ID, name="revoked")
    assert await keys.revoke_key(db, revoked_key) == 1
    never_issued = keys.KEY_PREFIX + "Zq8" * 10 + "x7"
    secrets = {
        "store": store_key,
        "other store": other_key,
        "team": team_key,
        "revoked": revoked_key,
        "never issued": never_issued,
    }
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://kanal.test") as client:
        yield Api(app=app, client=client, key=store_key), secrets
    await db.dispose()


def _needles(secrets: dict[str, str]) -> dict[str, str]:
    found = {}
    for name, raw in secrets.items():
        found[f"{name} key"] = raw
        found[f"{name} key, random part"] = raw.removeprefix(keys.KEY_PREFIX)
    return found


def _record_text(record: logging.LogRecord) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    parts = [formatter.format(record), repr(record.args), repr(vars(record))]
    if record.exc_info:
        parts.append(formatter.formatException(record.exc_info))
    if record.stack_info:
        parts.append(record.stack_info)
    return "\n".join(parts)


async def test_keys_never_appear_in_logs_bodies_or_headers(
    logged: tuple[Api, dict[str, str]], caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    api, secrets = logged
    store_key = secrets["store"]
    responses: list[tuple[str, httpx.Response]] = []

    async def call(label: str, method: str, url: str, key: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = kwargs.pop("headers", None) or ({"Authorization": f"Bearer {key}"} if key else {})
        response = await api.client.request(method, url, headers=headers, **kwargs)
        responses.append((label, response))
        return response

    base = f"/api/v1/stores/{STORE_ID}"
    # successes
    assert (await call("POST order", "POST", f"{base}/orders", store_key, json=order_body())).status_code == 201
    assert (await call("GET order", "GET", f"{base}/orders/ORDER-1001", store_key)).status_code == 200
    assert (
        await call("PATCH order", "PATCH", f"{base}/orders/ORDER-1001", store_key, json={"financial_status": "paid"})
    ).status_code == 200
    assert (
        await call("POST shipment", "POST", f"{base}/shipments", store_key, json=shipment_body())
    ).status_code == 201
    assert (await call("POST cart", "POST", f"{base}/carts", store_key, json=cart_body())).status_code == 201
    customer = {"external_id": "CUST-42", "phone": "+33612345678"}
    assert (await call("POST customer", "POST", f"{base}/customers", store_key, json=customer)).status_code == 201
    assert (await call("DELETE customer", "DELETE", f"{base}/customers/CUST-42", store_key)).status_code == 204
    # every documented failure
    expected = {
        "invalid key": (await call("invalid", "GET", f"{base}/orders/ORDER-1001", secrets["never issued"]), 401),
        "revoked key": (await call("revoked", "GET", f"{base}/orders/ORDER-1001", secrets["revoked"]), 401),
        "store key, other store": (
            await call("forbidden", "POST", f"{base}/orders", secrets["other store"], json=order_body()),
            403,
        ),
        "team key, other team": (
            await call("forbidden team", "GET", f"{base}/orders/ORDER-1001", secrets["team"]),
            403,
        ),
        "unknown store": (await call("no store", "GET", "/api/v1/stores/999/orders/X", store_key), 404),
        "validation": (await call("422", "POST", f"{base}/orders", store_key, json=order_body(total_price=-1)), 422),
        "validation, key in a field": (
            await call("422 key", "POST", f"{base}/orders", store_key, json={"authorization": store_key}),
            422,
        ),
        "record not found": (await call("404", "GET", f"{base}/orders/NOPE", store_key), 404),
        "patch not found": (await call("404 patch", "PATCH", f"{base}/carts/NOPE", store_key, json={"tags": []}), 404),
        "not json": (await call("400", "POST", f"{base}/orders", store_key, content=b"{nope"), 400),
        "too large": (await call("413", "POST", f"{base}/orders", store_key, content=b" " * (1024 * 1024 + 1)), 413),
        "no route": (await call("no route", "GET", "/api/v1/nowhere", store_key), 404),
        "wrong method": (await call("405", "PUT", f"{base}/orders", store_key, json={}), 405),
        "malformed header": (
            await call(
                "malformed", "GET", f"{base}/orders/ORDER-1001", headers={"Authorization": f"Token {store_key}"}
            ),
            401,
        ),
        "key with trailing junk": (
            await call("junk", "GET", f"{base}/orders/ORDER-1001", headers={"Authorization": f"Bearer {store_key} x"}),
            401,
        ),
        "key in the query string": (await call("query", "GET", f"{base}/orders/ORDER-1001?api_key={store_key}"), 401),
    }
    for label, (response, status) in expected.items():
        assert response.status_code == status, (label, response.status_code, response.text[:300])

    # GraphQL: success, userErrors, and every kind of top-level error (HTTP 200 each time), with
    # the messages each one answers
    forbidden, invalid = "API key does not authorize this store", "Invalid API key"
    documents = {
        "query": ("{ orders(storeId: 123) { edges { node { externalId } } } }", store_key, []),
        "mutation with userErrors": (
            'mutation { updateOrder(storeId: 123, externalId: "NOPE", input: {tags: []}) { userErrors { code } } }',
            store_key,
            [],
        ),
        "invalid key": ("{ store(storeId: 123) { id } }", secrets["never issued"], [invalid]),
        "revoked key": ("{ store(storeId: 123) { id } }", secrets["revoked"], [invalid]),
        "forbidden store": ("{ store(storeId: 123) { id } }", secrets["other store"], [forbidden]),
        "forbidden team": ("{ store(storeId: 123) { id } }", secrets["team"], [forbidden]),
        "unknown store": ("{ store(storeId: 999) { id } }", store_key, ["Store not found or paused"]),
        "bad user input": (
            "{ orders(storeId: 123, first: 1000) { totalCount } }",
            store_key,
            ["first must be between 0 and 100."],
        ),
        "syntax error": ("{ orders(storeId: 123 { edges }", store_key, ["Syntax Error: Expected Name, found '{'."]),
        "unknown field": ("{ nope }", store_key, ["Cannot query field 'nope' on type 'Query'."]),
        "no key": ("{ store(storeId: 123) { id } }", None, ["API key is missing"]),
    }
    for label, (query, key, messages) in documents.items():
        response = await call(f"graphql {label}", "POST", "/graphql", key, json={"query": query})
        answered = [error["message"] for error in response.json().get("errors", [])]
        assert (response.status_code, answered) == (200, messages), label
    query = urllib.parse.quote("{ store(storeId: 123) { name } }")
    response = await call(
        "graphql GET query",
        "GET",
        f"/graphql?query={query}",
        headers={"Authorization": f"Bearer {store_key}", "Accept": "application/json"},
    )
    assert (response.status_code, response.json()) == (200, {"data": {"store": {"name": "Demo shop"}}})

    # an unexpected failure, masked as a 500 by REST and as "Internal server error" by GraphQL
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(order_batches, "STORE_ORDER", boom)
    crashed = await call("500", "POST", f"{base}/orders", store_key, json=order_body())
    assert crashed.status_code == 500 and crashed.json() == {"error": "Internal server error"}
    masked = await call(
        "graphql 500",
        "POST",
        "/graphql",
        store_key,
        json={
            "query": 'mutation { upsertOrder(storeId: 123, input: {externalId: "X", placedAt: "2026-01-01T00:00:00Z", totalPrice: 1, customer: {phone: "+33612345678"}}) { created } }'
        },
    )
    assert (masked.status_code, [error["message"] for error in masked.json()["errors"]]) == (
        200,
        ["Internal server error"],
    )

    # the capture is real: SQL statements with their parameters were logged, and so was the crash
    logger_names = {record.name for record in caplog.records}
    assert any(name.startswith("sqlalchemy.engine") for name in logger_names), logger_names
    assert any(record.name == "kanal" and record.exc_info for record in caplog.records)
    assert any(keys.hash_key(store_key) in _record_text(record) for record in caplog.records)  # params are logged

    needles = _needles(secrets)
    leaks = []
    for label, response in responses:
        places = {"body": response.text, **{f"header {name}": value for name, value in response.headers.items()}}
        for place, text in places.items():
            for needle_name, needle in needles.items():
                if needle in text:
                    leaks.append(f"{label}: {needle_name} in response {place}")
    for record in caplog.records:
        if record.name.startswith(("httpx", "httpcore")):
            continue  # the test's own HTTP client logging the URL it was asked to call, not the server
        text = _record_text(record)
        for needle_name, needle in needles.items():
            if needle in text:
                leaks.append(f"{needle_name} in log record {record.name}: {record.getMessage()[:200]}")
    assert not leaks, "\n".join(leaks)
    assert len(responses) > 35
