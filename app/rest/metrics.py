"""GET /metrics: the Prometheus text format, for an admin key or the metrics token.

Protected because it tells how busy the service is (nothing of any store: labels carry
routes, resources and outcomes, never a store id). Two ways in, both `Authorization: Bearer`:
an admin key (`kanal keys create --admin`), or the token in KANAL_METRICS_TOKEN when set,
which a scraper can hold without the power to write to every store. Refusals are REST's
(`app.policies.access`): 401 without a key or with an unknown one, 403 for a store or team
key.

When the database cannot serve (app/db/unavailable.py), a scrape with the metrics token still
answers 200: the counters are this process's, and `kanal_database_up` says 0 where the outbox
figures would be — a scrape that failed with the database would lose every metric just when
they are wanted. An admin key is itself read from the database: that scrape is 503, as every
request a key opens."""

from __future__ import annotations

import hmac
import logging

from sqlalchemy import Connection, select
from starlette.requests import Request
from starlette.responses import Response

from app.db.tables import api_keys
from app.db.unavailable import DatabaseUnavailable
from app.observability.metrics import CONTENT_TYPE, exposition
from app.observability.outbox import read_figures
from app.observability.sent_path import sent_path
from app.services import keys
from app.services.results import utcnow

from .headers import joined_header
from .responses import auth_failure, error

FORBIDDEN = "Metrics need an admin key or the metrics token"
log = logging.getLogger("kanal")


def _key_scope(conn: Connection, digest: str) -> str | None:
    query = select(api_keys.c.scope).where(api_keys.c.key_hash == digest, api_keys.c.revoked_at.is_(None))
    return conn.scalar(query)


def _same(token: str, expected: str) -> bool:
    return hmac.compare_digest(token.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


async def metrics_endpoint(request: Request) -> Response:
    state = request.app.state
    try:
        token = keys.bearer_token(joined_header(request, b"authorization"))
    except keys.MissingKey as missing:
        return auth_failure(missing)
    expected = state.settings.metrics_token
    if not (expected and _same(token, expected)):
        scope = await state.db.read(_key_scope, keys.hash_key(token))
        if scope is None:
            return auth_failure(keys.InvalidKey())
        if scope != keys.ADMIN:
            return error(403, FORBIDDEN)
    try:
        figures = await state.db.read(read_figures, utcnow())
    except DatabaseUnavailable as exc:  # the counters still answer; kanal_database_up says 0
        log.warning("database unavailable on %s %s: %s", request.method, sent_path(request), exc.cause)
        figures = None
    return Response(exposition(figures), media_type=CONTENT_TYPE, headers={"Cache-Control": "no-store"})
