"""README ("Live updates", "When the database is unavailable"): an error that ends a
`storeEvents` subscription over the websocket (graphql-transport-ws) is at the field that
asked, as a query's is: `path` the field's response key (its alias when it has one) and
`locations` the field's, its message and extensions those of the same error in a query. That
holds for a refusal before the stream begins (a key missing, unknown or of another store, a
store unknown or paused, a bad argument, the store's budget spent, the rate-limit storage or
the database unavailable) and for one that ends it later (the key revoked, the store paused,
the database gone, a subscriber too slow). Such errors had neither path nor locations: the
stream's errors came at iteration, which graphql-core does not locate. The log is as it was:
one warning line naming `WEBSOCKET /graphql` for an unavailable database or rate-limit storage,
nothing for a refusal.

Each case runs on the app's websocket driven in-process as an ASGI server would, on each
engine, with and without an alias."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.routing import WebSocketRoute

from app.config import Settings
from app.db.unavailable import DatabaseUnavailable
from app.domain.event_types import EventType
from app.main import create_app
from app.policies.ids import MAX_ID
from app.policies.rate_limit import TOO_MANY
from app.services import keys, stores
from graphql_schema import subscriptions
from tests.api.calls import GraphQLSocket
from tests.api.test_an_unavailable_database_is_503 import _drop_every_table, _migrated
from tests.conftest import STORE_ID, order_body

ORDERS = f"/api/v1/stores/{STORE_ID}/orders"
OTHER_STORE = STORE_ID + 1
RATE_LIMIT_MESSAGE = (
    "The rate limit cannot be checked right now (its storage is unavailable), so the request was "
    "not run. Try again in a few seconds."
)
TYPES_MESSAGE = "types must name at least one event type or pattern; leave it out for every type."
UNKNOWN_TYPE = f"Must be an event type, or a pattern matching some such as order.*: {', '.join(EventType)}."

# the document's form -> (its text, the error's path, its locations)
FORMS: dict[str, tuple[str, list[str], list[dict[str, int]]]] = {
    "field": ("subscription {\n  storeEvents({arguments}) { type }\n}", ["storeEvents"], [{"line": 2, "column": 3}]),
    "alias": (
        "subscription Watch {\n\n    live: storeEvents({arguments}) { type subjectType }\n}",
        ["live"],
        [{"line": 3, "column": 5}],
    ),
}


@dataclass
class Served:
    """The app a case runs on, with store STORE_ID and OTHER_STORE, each with a key."""

    app: Any
    url: str
    key: str
    other_key: str
    client: httpx.AsyncClient

    @property
    def db(self) -> Any:
        return self.app.state.db

    async def order(self, n: int = 1) -> None:
        """`n` new orders written in one commit (a batch): their events come in one read of the
        feed. Called once with each `n`."""
        items = [order_body(external_id=f"O-{n}-{i}") for i in range(n)]
        response = await self.client.post(f"{ORDERS}/batch", json={"items": items}, headers=_auth(self.key))
        assert response.status_code in {200, 207}, response.text


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


async def _spend_the_budget(served: Served) -> None:
    await stores.set_rate_limit(served.db, STORE_ID, 1)
    assert (await served.client.get(f"{ORDERS}/NONE", headers=_auth(served.key))).status_code == 404


async def _pause(served: Served) -> None:
    await stores.pause(served.db, STORE_ID)


async def _revoke(served: Served) -> None:
    assert await keys.revoke_key(served.db, served.key) == 1


async def _drop_the_tables(served: Served) -> None:
    await _drop_every_table(served.url)


async def _too_many(served: Served) -> None:
    await served.order(5)


def _slow_feed(served: Served) -> None:
    """Each subscriber may fall one event behind (the app's QUEUE is 1,000)."""
    (route,) = [route for route in served.app.routes if isinstance(route, WebSocketRoute)]
    route.endpoint.feed.queue = 1


@dataclass
class Case:
    """A subscription that ends with `error` (message and extensions). `connect` is the key the
    connection_init payload gives (a name of `_answers`' `given`, or None), `arguments` those of
    storeEvents; `before` runs once the connection is acknowledged, `during` once the
    subscription has heard an event; `logged` is what the log says of it, its lines of level
    WARNING and above (level, the first line's text before its `: cause`, whether a traceback
    follows): by default nothing, a refusal being no fault of the service."""

    error: dict[str, Any]
    arguments: str = f"storeId: {STORE_ID}"
    connect: str | None = "key"
    before: Callable[[Served], Awaitable[None]] | None = None
    during: Callable[[Served], Awaitable[None]] | None = None
    feed: Callable[[Served], None] | None = None
    storage: str = "memory://"
    logged: list[tuple[str, str, bool]] = field(default_factory=list)
    drops_tables: bool = False


def _coded(message: str, code: str, **extensions: Any) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": code, **extensions}}


UNAVAILABLE = _coded(DatabaseUnavailable(Exception()).args[0], "DATABASE_UNAVAILABLE")
ON_THE_SOCKET = "on WEBSOCKET /graphql"
# REST's WWW-Authenticate error_description, GraphQL's extensions.description
UNKNOWN_KEY = "The API key is unknown or revoked"
NOT_BEARER = "The Authorization header must be: Bearer <API key>"
SEVERAL = "The Authorization header must be sent once, with one key: Bearer <API key>"
UNAVAILABLE_LOGGED = [("WARNING", f"database unavailable {ON_THE_SOCKET}", False)]
# What a subscriber too slow is answered: a bound of the feed, no bug (neither masked nor logged)
TOO_SLOW = (
    "The subscriber fell more than 1 events behind, so its subscription ended. Subscribe again to hear the "
    "store's events from then on; the events query lists those in between."
)

CASES: dict[str, Case] = {
    "no key": Case(_coded("API key is missing", "UNAUTHENTICATED"), connect=None),
    "a key not written Bearer <key>": Case(
        _coded("API key is missing", "UNAUTHENTICATED", description=NOT_BEARER), connect="bare"
    ),
    "two keys": Case(_coded("API key is missing", "UNAUTHENTICATED", description=SEVERAL), connect="two"),
    "the key under AUTHORIZATION (another store's)": Case(
        _coded("API key does not authorize this store", "FORBIDDEN"), connect="upper-case name"
    ),
    "Authorization and AUTHORIZATION": Case(
        _coded("API key is missing", "UNAUTHENTICATED", description=SEVERAL), connect="two names"
    ),
    "a list of two keys": Case(
        _coded("API key is missing", "UNAUTHENTICATED", description=SEVERAL), connect="a list of two"
    ),
    "a number": Case(_coded("API key is missing", "UNAUTHENTICATED", description=NOT_BEARER), connect="a number"),
    "an unknown key": Case(_coded("Invalid API key", "UNAUTHENTICATED", description=UNKNOWN_KEY), connect="unknown"),
    "another store's key": Case(_coded("API key does not authorize this store", "FORBIDDEN"), connect="other"),
    "a store that does not exist": Case(_coded("Store not found or paused", "FORBIDDEN"), arguments="storeId: 999"),
    "a paused store": Case(_coded("Store not found or paused", "FORBIDDEN"), before=_pause),
    "a storeId that is no id": Case(
        _coded(f"storeId must be a whole number from 0 to {MAX_ID}.", "BAD_USER_INPUT", field=["storeId"]),
        arguments='storeId: "abc"',
    ),
    "types: []": Case(
        _coded(TYPES_MESSAGE, "BAD_USER_INPUT", field=["types"]), arguments=f"storeId: {STORE_ID}, types: []"
    ),
    "a type no event has": Case(
        _coded(UNKNOWN_TYPE, "BAD_USER_INPUT", field=["types"]), arguments=f'storeId: {STORE_ID}, types: ["nope.*"]'
    ),
    "the store's budget spent": Case(_coded(TOO_MANY, "THROTTLED"), before=_spend_the_budget),
    "the rate-limit storage unavailable": Case(
        _coded(RATE_LIMIT_MESSAGE, "RATE_LIMIT_UNAVAILABLE"),
        storage="redis://127.0.0.1:1",  # nothing listens on port 1
        logged=[("WARNING", f"rate limit storage unavailable {ON_THE_SOCKET}", False)],
    ),
    "the database unavailable": Case(
        UNAVAILABLE, before=_drop_the_tables, drops_tables=True, logged=UNAVAILABLE_LOGGED
    ),
    "the key revoked mid-stream": Case(
        _coded("Invalid API key", "UNAUTHENTICATED", description=UNKNOWN_KEY), during=_revoke
    ),
    "the store paused mid-stream": Case(_coded("Store not found or paused", "FORBIDDEN"), during=_pause),
    # past OUTAGE_SECONDS without an answer; the feed's tailer, reading meanwhile, says so first
    "the database unavailable mid-stream": Case(
        UNAVAILABLE,
        during=_drop_the_tables,
        drops_tables=True,
        logged=[("WARNING", "event feed", False), *UNAVAILABLE_LOGGED],
    ),
    "a subscriber too slow": Case(_coded(TOO_SLOW, "SUBSCRIBER_TOO_SLOW"), feed=_slow_feed, during=_too_many),
}


@contextlib.asynccontextmanager
async def _served(url: str, storage: str) -> AsyncIterator[Served]:
    app = create_app(Settings.from_env(database_url=url, rate_limit_storage_uri=storage))
    db = app.state.db
    for store_id in (STORE_ID, OTHER_STORE):
        await stores.create_store(db, store_id, "Shop", "FR")
    key, _ = await keys.create_key(db, store_id=STORE_ID, name="test")
    other_key, _ = await keys.create_key(db, store_id=OTHER_STORE, name="other")
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            yield Served(app, url, key, other_key, client)
    finally:
        await db.dispose()


@contextlib.asynccontextmanager
async def _database(engine: str, case: Case, database_url: str, template: Path, tmp: Path) -> AsyncIterator[str]:
    """`database_url` (migrated, empty), or on PostgreSQL, for a case dropping its tables, a
    scratch database of its own: the run's shared one must keep them."""
    if engine == "sqlite" or not case.drops_tables:
        yield database_url
        return
    async with _migrated(engine, template, tmp) as url:
        yield url


async def _answers(served: Served, case: Case, document: str) -> list[dict[str, Any]]:
    """The messages of the subscription `document` until its `complete`, those of its events
    (heard before `during` ran) left out."""
    socket = GraphQLSocket(served.app)
    given = {
        "key": f"Bearer {served.key}",
        "other": f"Bearer {served.other_key}",
        "unknown": "Bearer kanal_sk_live_" + "0" * 32,
        "bare": served.key,  # not written `Bearer <key>`
        "two": f"Bearer {served.key}, Bearer {served.other_key}",
        # the payload's name in any case, as a header's (RFC 9110 §5.1); a list is several lines
        "upper-case name": {"AUTHORIZATION": f"Bearer {served.other_key}"},
        "two names": {"Authorization": f"Bearer {served.key}", "AUTHORIZATION": f"Bearer {served.key}"},
        "a list of two": {"Authorization": [f"Bearer {served.key}", f"Bearer {served.key}"]},
        "a number": {"Authorization": 5},
    }
    try:
        await socket.open(given[case.connect] if case.connect else None)
        if case.before is not None:
            await case.before(served)
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": document}})
        if case.during is not None:
            await served.order()
            heard = await socket.receive()
            assert heard["type"] == "next" and "errors" not in heard["payload"], heard
            await case.during(served)
        answers = [await socket.receive()]
        while answers[-1]["type"] != "complete":
            answers.append(await socket.receive())
        return [answer for answer in answers if answer["type"] != "next" or answer["payload"].get("errors")]
    finally:
        await socket.close()


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize("name", list(CASES))
async def test_an_error_ending_a_subscription_is_at_its_field(
    engine_name: str,
    database_url: str,
    migrated_template: Path,
    tmp_path: Path,
    name: str,
    form: str,
    monkeypatch,
    caplog,
) -> None:
    case = CASES[name]
    monkeypatch.setattr(subscriptions, "RECHECK_SECONDS", 0.05)  # a key checked again 20 times a second
    monkeypatch.setattr(subscriptions, "OUTAGE_SECONDS", 1.0)  # four reads of the feed's tailer
    text, path, locations = FORMS[form]
    expected = {**case.error, "path": path, "locations": locations}
    async with (
        _database(engine_name, case, database_url, migrated_template, tmp_path) as url,
        _served(url, case.storage) as served,
    ):
        if case.feed is not None:
            case.feed(served)
        with caplog.at_level(logging.INFO):
            async with asyncio.timeout(60):  # the guard of a test that would wait forever
                answers = await _answers(served, case, text.replace("{arguments}", case.arguments))
    assert answers == [
        {"id": "1", "type": "next", "payload": {"data": None, "errors": [expected]}},
        {"id": "1", "type": "complete"},
    ]
    logged = [
        (r.levelname, r.getMessage().splitlines()[0].split(": ")[0], r.exc_info is not None)
        for r in caplog.records
        if r.levelno >= logging.WARNING
    ]
    assert logged == case.logged
