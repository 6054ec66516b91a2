"""README "When the rate-limit storage is unavailable": a request whose budget cannot be
counted because KANAL_RATE_LIMIT_STORAGE's server refuses connections is answered 503 with
Retry-After (REST) or a top-level error with code RATE_LIMIT_UNAVAILABLE and HTTP 503
(GraphQL), one warning line in the log and no traceback, and it changes nothing; it was a 500
"Internal server error" with a traceback. So is one whose server accepts the connection and
never answers, after the client's bound (`REDIS_TIMEOUT_SECONDS`), and every other failure of
the storage's client (`FAILURES`). /healthz says which of the database and the storage
answers. A Redis that answers counts as before."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from redis.asyncio import Redis
from starlette.types import ASGIApp

from app.config import Settings
from app.main import create_app
from app.services import keys, stores
from tests.api.calls import GraphQLSocket
from tests.api.graphql.documents import UPSERT_ORDER, order_input
from tests.conftest import STORE_ID, order_body

MESSAGE = (
    "The rate limit cannot be checked right now (its storage is unavailable), so the request was "
    "not run. Try again in a few seconds."
)
ORDERS = f"/api/v1/stores/{STORE_ID}/orders"
REFUSING = "redis://127.0.0.1:1"  # nothing listens on port 1
ANSWERING = "redis://127.0.0.1:6379/13"  # this machine's Redis, a database of this test's own

OTHER_STORE = STORE_ID + 1
READ = f"{{ orders(storeId: {STORE_ID}, first: 5) {{ edges {{ node {{ id }} }} }} }}"
READ_BOTH = f"{{ a: store(storeId: {STORE_ID}) {{ name }} b: store(storeId: {OTHER_STORE}) {{ name }} }}"
SUBSCRIBE = f"subscription {{ storeEvents(storeId: {STORE_ID}) {{ type }} }}"

# What a shop or a dashboard asks: method, path, and its JSON body (a GET: its query parameters)
REQUESTS = {
    "order upsert": ("POST", ORDERS, order_body()),
    "order read": ("GET", ORDERS + "/ORDER-1001", None),
    "GraphQL read": ("POST", "/graphql", {"query": READ}),
    "GraphQL mutation": ("POST", "/graphql", {"query": UPSERT_ORDER, "variables": {"input": order_input()}}),
    "GraphQL read over GET": ("GET", "/graphql", {"query": READ}),
    "GraphQL read of two stores": ("POST", "/graphql", {"query": READ_BOTH}),
}


@asynccontextmanager
async def _app(
    database_url: str, storage: str, store_ids: tuple[int, ...] = (STORE_ID, OTHER_STORE)
) -> AsyncIterator[tuple[ASGIApp, str]]:
    """An app on `storage` over a database with the stores `store_ids`, and an admin key."""
    app = create_app(Settings.from_env(database_url=database_url, rate_limit_storage_uri=storage))
    for store_id in store_ids:
        if await stores.get_store(app.state.db, store_id) is None:
            await stores.create_store(app.state.db, store_id, "Demo", "FR")
    key, _ = await keys.create_key(app.state.db, admin=True)
    try:
        yield app, key
    finally:
        await app.state.db.dispose()


@asynccontextmanager
async def _client(database_url: str, storage: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client of `_app`'s app, with its key."""
    async with _app(database_url, storage) as (app, key):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            client.headers["Authorization"] = f"Bearer {key}"
            yield client


async def _request(client: httpx.AsyncClient, method: str, path: str, body: object) -> httpx.Response:
    given = {"params": body} if method == "GET" else {"json": body}
    return await client.request(method, path, **given)  # type: ignore[arg-type]


async def _subscribe(app: ASGIApp, key: str) -> dict:
    """`SUBSCRIBE` over graphql-transport-ws on the app's /graphql websocket, driven in-process:
    the payload of the answer to the subscribe."""
    socket = GraphQLSocket(app)
    try:
        await socket.open(f"Bearer {key}")
        await socket.send({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
        answer = await socket.receive()
        assert answer["type"] == "next", answer
        return answer["payload"]
    finally:
        await socket.close()


def _answer(response: httpx.Response) -> tuple:
    if response.request.url.path == "/graphql":
        errors = response.json().get("errors") or []
        codes = [(e["message"], e.get("extensions", {}).get("code")) for e in errors]
        return response.status_code, codes, response.headers.get("retry-after")
    return response.status_code, response.json(), response.headers.get("retry-after")


def _unavailable(request_name: str) -> tuple:
    """The answer of a refused request: on /graphql, the error at each field naming a store."""
    if REQUESTS[request_name][1] == "/graphql":
        fields = 2 if request_name == "GraphQL read of two stores" else 1
        return 503, [(MESSAGE, "RATE_LIMIT_UNAVAILABLE")] * fields, "5"
    return 503, {"error": MESSAGE}, "5"


async def _swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A server that reads what it is sent and never answers."""
    while await reader.read(4096):
        pass
    writer.close()


async def _http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """A server that is no Redis: an HTTP server's answer to whatever it is sent."""
    await reader.read(4096)
    writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    await writer.drain()
    writer.close()


@asynccontextmanager
async def _serving(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    """The redis:// URI of a local server running `handler` on each connection."""
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    async with server:
        yield f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def _refused(
    database_url: str,
    storage: str,
    request_name: str,
    caplog: pytest.LogCaptureFixture,
    causes: tuple[str, ...] = ("ConnectionError", "TimeoutError"),
) -> None:
    """The request `request_name` on an app counting in `storage`: 503, one warning line
    naming its method and path and a cause among `causes`, nothing written."""
    method, path, body = REQUESTS[request_name]
    async with _client(database_url, storage) as client:
        with caplog.at_level(logging.INFO):
            async with asyncio.timeout(30):  # the guard of a test that would wait forever
                response = await _request(client, method, path, body)
    assert _answer(response) == _unavailable(request_name)
    _one_warning(caplog, f"{method} {path}", causes)
    async with _client(database_url, "memory://") as client:  # nothing was written
        assert (await client.get(ORDERS + "/ORDER-1001")).status_code == 404


def _one_warning(
    caplog: pytest.LogCaptureFixture, request: str, causes: tuple[str, ...] = ("ConnectionError", "TimeoutError")
) -> None:
    """The log's one warning line is README's, naming `request` (its method and path), with
    the cause (an error of one of the classes `causes`) and no traceback."""
    warnings = [(r.levelname, r.getMessage(), r.exc_info) for r in caplog.records if r.levelno >= logging.WARNING]
    assert [(level, text.split(": ")[0], info) for level, text, info in warnings] == [
        ("WARNING", f"rate limit storage unavailable on {request}", None)
    ]
    assert warnings[0][1].split(": ", 1)[1].split(": ")[0] in causes


@pytest.mark.parametrize("request_name", REQUESTS, ids=list(REQUESTS))
async def test_a_storage_refusing_connections_is_503_and_changes_nothing(database_url, request_name, caplog):
    await _refused(database_url, REFUSING, request_name, caplog)


@pytest.mark.parametrize("request_name", ["order upsert", "GraphQL mutation"])
async def test_a_storage_that_never_answers_is_503_after_its_bound(database_url, request_name, caplog):
    async with _serving(_swallow) as storage:
        await _refused(database_url, storage, request_name, caplog)


# The other ways a storage can fail to count (a refused port and a silent server: above), as
# its client says it (README, "When the rate-limit storage is unavailable"): name -> (the URI,
# or the local server to count in, and the class of the error the warning line names). A
# redis+cluster:// URI naming a Redis that is not a cluster, or none of whose nodes answers
# (RedisClusterException, which is no RedisError), was a 500, GraphQL's "Internal server error".
NO_SOCKET = "redis+unix:///nonexistent/kanal-redis.sock"
FAILURES: dict[str, tuple[str | Callable[..., Awaitable[None]], str]] = {
    "a server that is no Redis": (_http, "InvalidResponse"),
    "no socket file": (NO_SOCKET, "ConnectionError"),
    "TLS to a plain Redis": ("rediss://127.0.0.1:6379/7", "TimeoutError"),
    "a database past the server's": ("redis://127.0.0.1:6379/99", "ResponseError"),
    "a sentinel without the master": ("redis+sentinel://127.0.0.1:6379/kanal-absent", "MasterNotFoundError"),
    "a cluster URI on a Redis that is none": ("redis+cluster://127.0.0.1:6379", "RedisClusterException"),
    "a cluster none of whose nodes answers": ("redis+cluster://127.0.0.1:1", "RedisClusterUnreachableError"),
}


@pytest.mark.parametrize("request_name", ["order upsert", "GraphQL mutation"])
@pytest.mark.parametrize("failure", FAILURES, ids=list(FAILURES))
async def test_every_failure_of_the_storage_is_503_and_changes_nothing(database_url, failure, request_name, caplog):
    storage, cause = FAILURES[failure]
    if isinstance(storage, str):
        await _refused(database_url, storage, request_name, caplog, (cause,))
        return
    async with _serving(storage) as uri:
        await _refused(database_url, uri, request_name, caplog, (cause,))


async def test_a_subscribe_over_the_websocket_is_refused_and_logged_alike(database_url, caplog):
    """A websocket's `subscribe` spends a unit of the store's budget as a query does: refused
    with the same error, its warning line naming it as `WEBSOCKET /graphql`."""
    async with _app(database_url, REFUSING) as (app, key):
        with caplog.at_level(logging.INFO):
            async with asyncio.timeout(30):
                payload = await _subscribe(app, key)
    errors = [(e["message"], e["extensions"]["code"]) for e in payload["errors"]]
    assert (payload["data"], errors) == (None, [(MESSAGE, "RATE_LIMIT_UNAVAILABLE")])
    _one_warning(caplog, "WEBSOCKET /graphql")


# storage -> what each request gets from an app on it: an answering Redis counts as memory does
ANSWERED = {
    "order upsert": (201, "60"),
    "order read": (404, "60"),
    "GraphQL read": (200, "60"),
    "GraphQL mutation": (200, "60"),
    "GraphQL read over GET": (200, "60"),
    "GraphQL read of two stores": (200, "60"),
}


@pytest.mark.parametrize("request_name", REQUESTS, ids=list(REQUESTS))
async def test_an_answering_redis_counts_the_budget(database_url, request_name):
    method, path, body = REQUESTS[request_name]
    async with _client(database_url, ANSWERING) as client:
        response = await _request(client, method, path, body)
    assert (response.status_code, response.headers.get("x-ratelimit-limit")) == ANSWERED[request_name]
    if path == "/graphql":
        assert "errors" not in response.json()


# A URI whose options redis-py takes (README, Configuration) counts in the database it names:
# this machine's Redis, database 7, for a store of this test's own on each engine (the two run
# at once), whose counters no other test touches.
OWN_STORES = {"sqlite": 914_141, "postgresql": 914_142}
TAKEN = {
    "the socket bounds": "redis://127.0.0.1:6379/7?socket_timeout=1.5&socket_connect_timeout=0.5",
    "the database as an option": "redis://127.0.0.1:6379?db=7",
    "a health check and a client name": "redis://127.0.0.1:6379/7?health_check_interval=10&client_name=kanal",
    "async+ and a bound": "async+redis://127.0.0.1:6379/7?socket_timeout=0.25",
}


@pytest.mark.parametrize("storage", TAKEN.values(), ids=list(TAKEN))
async def test_a_storage_with_options_its_client_takes_counts_there(database_url, engine_name, storage):
    store = OWN_STORES[engine_name]
    counters = f"LIMITS:kanal-store/{store}/*"  # the limiter's keys, under the limits library's prefix
    redis = Redis.from_url("redis://127.0.0.1:6379/7")
    try:
        await redis.delete(*await redis.keys(counters) or ["-"])
        async with _app(database_url, storage, (store,)) as (app, key):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
                response = await client.post(
                    f"/api/v1/stores/{store}/orders", json=order_body(), headers={"Authorization": f"Bearer {key}"}
                )
        counted = [await redis.get(name) for name in await redis.keys(counters)]
        await redis.delete(*await redis.keys(counters) or ["-"])
    finally:
        await redis.aclose()
    assert (response.status_code, response.headers.get("x-ratelimit-remaining"), counted) == (201, "59", [b"1"])


# storage -> /healthz's answer (the database answers in each)
HEALTH = {
    "memory://": (200, {"status": "ok", "database": True, "rate_limit_storage": True}),
    ANSWERING: (200, {"status": "ok", "database": True, "rate_limit_storage": True}),
    REFUSING: (503, {"status": "unavailable", "database": True, "rate_limit_storage": False}),
}


@pytest.mark.parametrize("storage", HEALTH, ids=list(HEALTH))
async def test_healthz_says_whether_the_storage_answers(database_url, storage):
    async with _client(database_url, storage) as client:
        response = await client.get("/healthz")
    assert (response.status_code, response.json()) == HEALTH[storage]
