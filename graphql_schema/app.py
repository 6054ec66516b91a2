"""The /graphql endpoint: POST JSON, GET for queries, and the offline GraphiQL page in a browser."""

from __future__ import annotations

import json
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from app.db.database import Database
from app.db.types import json_default
from app.observability import facts
from app.policies.rate_limit import StoreRateLimiter
from app.rest.body import PayloadTooLarge, read_body
from app.rest.responses import error

from .context import Context, new_context
from .schema import schema

# The request log's code for an error that has none (a document that does not parse or validate).
UNCODED = "GRAPHQL_ERROR"


class KanalGraphQL(GraphQL[Context, None]):
    """`limiter` is the one REST spends: a GraphQL request spends one unit of each store it
    names, and its HTTP response carries the figures and, over budget, 429 and Retry-After."""

    def __init__(self, db: Database, limiter: StoreRateLimiter, max_body_bytes: int):
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.db = db
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A POST body is read here first, under the same limit as REST (SPEC §7: 413 beyond it),
        then handed on as it came."""
        if scope["type"] != "http" or scope["method"] != "POST":
            return await super().__call__(scope, receive, send)
        try:
            body = await read_body(Request(scope, receive), self.max_body_bytes)
        except PayloadTooLarge as exc:
            return await error(413, str(exc))(scope, receive, send)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # a disconnect, after the body
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await super().__call__(scope, replay, send)

    def decode_json(self, data: str | bytes) -> object:
        """Strict UTF-8 and a JSON object (or a list, which batching refuses): else 400, as REST."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise HTTPException(400, "The request body is not valid UTF-8.") from None
        try:
            decoded = json.loads(text)  # as strawberry reads it: a lone surrogate's escape is text
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(decoded, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object.")
        return decoded

    async def get_context(self, request: Any, response: Any) -> Context:
        # `response` is the sub-response strawberry merges into the answer (status, headers).
        return new_context(self.db, self.limiter, request.headers.get("authorization"), response)

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Notes the codes of the top-level errors for the request log (`app.observability`)."""
        if result.errors:
            facts.note_errors([(error.extensions or {}).get("code") or UNCODED for error in result.errors])
        return await super().process_result(request, result)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data, default=json_default)

    async def render_graphql_ide(self, request: Request) -> Response:
        from .ide import ide_page

        return await ide_page(request)
