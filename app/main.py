"""create_app(): the Starlette application, its state, routes and error handling, wrapped in
the request log and metrics (`app.observability`)."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp

from app.automations.delivery import Backoff
from app.automations.sender import Limits
from app.automations.worker import Worker
from app.config import Settings, from_env_or_exit
from app.dashboard import dashboard_routes
from app.db.database import Database
from app.db.read_budget import ReadTimedOut
from app.db.unavailable import RETRY_AFTER_SECONDS, DatabaseUnavailable
from app.observability import request_log
from app.observability.sent_path import sent_path
from app.policies import rate_limit
from app.policies.rate_limit import RateLimitUnavailable, StoreRateLimiter
from app.read.feed import EventFeed
from app.rest.docs import docs_routes
from app.rest.methods import allowed_methods
from app.rest.metrics import metrics_endpoint
from app.rest.paths import route_trailing_slashes_like_none
from app.rest.responses import Json, error
from app.rest.routes import api_routes
from graphql_schema.app import KanalGraphQL, graphql_method_refused, transport_error
from graphql_schema.ide import ide_routes

log = logging.getLogger("kanal")


async def healthz(request: Request) -> Response:
    """200 `{"status": "ok", "database": true, "rate_limit_storage": true}` when both answer,
    else 503 with status "unavailable" and which did not: no API request is served without
    either (README, "When the rate-limit storage is unavailable")."""
    state = request.app.state
    database, storage = await asyncio.gather(state.db.ping(), state.limiter.reachable())
    ok = database and storage
    return Json(
        {"status": "ok" if ok else "unavailable", "database": database, "rate_limit_storage": storage},
        200 if ok else 503,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return _method_not_allowed(request, exc)
    messages = {404: "Not found"}
    return error(exc.status_code, messages.get(exc.status_code, exc.detail))


def _method_not_allowed(request: Request, exc: HTTPException) -> Response:
    # Every 405 lists the methods its path takes (RFC 9110 §15.5.6, app/rest/methods.py); on
    # /graphql in the shape of its other request errors.
    allow = allowed_methods(request.app.router.routes, request.scope, exc.headers)
    if isinstance(request.scope.get("endpoint"), KanalGraphQL):
        response: Response = transport_error(405, graphql_method_refused(request.method))
    else:
        response = error(405, "Method not allowed")
    response.headers["allow"] = allow
    return response


async def _read_timed_out(request: Request, exc: Exception) -> Response:
    # Any route, authorisation included: the read budget is spent (app/db/read_budget.py).
    return error(503, str(exc))


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    # No bug: the database cannot serve now (app/db/unavailable.py). One line, no traceback.
    assert isinstance(exc, DatabaseUnavailable)
    log.warning("database unavailable on %s %s: %s", request.method, sent_path(request), exc.cause)
    response = error(503, str(exc))
    if exc.retry_after:
        response.headers["retry-after"] = str(RETRY_AFTER_SECONDS)
    return response


async def _rate_limit_unavailable(request: Request, exc: Exception) -> Response:
    # No bug: the rate-limit storage cannot count now (app/policies/rate_limit.py). One line.
    assert isinstance(exc, RateLimitUnavailable)
    rate_limit.log_unavailable(request.method, sent_path(request), exc)
    response = error(503, str(exc))
    response.headers["retry-after"] = str(rate_limit.RETRY_AFTER_SECONDS)
    return response


# nginx's "client closed request": no HTTP status says it, and no answer reaches the client.
CLIENT_CLOSED_REQUEST = 499


async def _client_went_away(request: Request, exc: Exception) -> Response:
    # No bug: the client closed its connection before its body was all sent (a timeout, a
    # restart). Nothing is written; the request log and metrics count it as 499, not 500.
    log.info("client closed the connection on %s %s before its body was read", request.method, sent_path(request))
    return Response(status_code=CLIENT_CLOSED_REQUEST)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    # Masked: the body never carries internals (nor a key from a header).
    log.error("unhandled error on %s %s: %s", request.method, sent_path(request), type(exc).__name__, exc_info=exc)
    return error(500, "Internal server error")


class AppState(State):
    """Starlette's `app.state`, each value also an attribute of the object itself. Starlette's
    keeps them only in a dict read by `__getattr__`, which Python calls after the ordinary
    look-up has failed and built an AttributeError: four of them per ingested order."""

    def __setattr__(self, key: Any, value: Any) -> None:
        super().__setattr__(key, value)
        self.__dict__[key] = value

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self.__dict__[key] = value

    def __delattr__(self, key: Any) -> None:
        super().__delattr__(key)
        del self.__dict__[key]


class Kanal(Starlette):
    """Starlette with the request log and metrics outermost, around its error handling: they
    see the status of every response, a masked 500 included, and every response carries
    X-Request-Id. Its `state` is an `AppState`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state = AppState()

    def build_middleware_stack(self) -> ASGIApp:
        return request_log.Observed(super().build_middleware_stack())


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or from_env_or_exit()
    db = Database(settings)
    # One budget per store, spent by REST routes and GraphQL requests alike.
    limiter = StoreRateLimiter(settings.rate_limit_storage_uri, settings.default_rate_limit_per_minute)
    request_log.install(settings.request_log)
    feed = EventFeed(db)  # the live events GraphQL subscriptions read
    graphql = KanalGraphQL(db, limiter, settings.max_body_bytes, feed)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Long-lived start-up objects leave the collector's generations, and young-generation
        # collections run less often: request handling allocates many short-lived objects.
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
        stop = asyncio.Event()
        worker = None
        if settings.worker_in_process(db.dialect):
            worker = asyncio.create_task(
                Worker(
                    db, Backoff.from_settings(settings), Limits.from_settings(settings), settings.event_retention
                ).run(stop, settings.worker_interval_seconds)
            )
        yield
        stop.set()
        if worker is not None:
            await worker
        await feed.aclose()
        await db.dispose()
        request_log.flush()  # the last turn's lines

    app = Kanal(
        routes=[
            *api_routes(),  # first: the ingest endpoints are the ones called most
            Route("/healthz", healthz, methods=["GET"]),
            Route("/metrics", metrics_endpoint, methods=["GET"]),
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),  # subscriptions (graphql-transport-ws)
            *ide_routes(),
            *docs_routes(),
            *dashboard_routes(),
        ],
        exception_handlers={
            HTTPException: _http_error,
            ReadTimedOut: _read_timed_out,
            DatabaseUnavailable: _database_unavailable,
            RateLimitUnavailable: _rate_limit_unavailable,
            ClientDisconnect: _client_went_away,
            Exception: _unexpected_error,
        },
        lifespan=lifespan,
    )
    route_trailing_slashes_like_none(app)
    app.state.settings = settings
    app.state.db = db
    app.state.limiter = limiter
    return app
