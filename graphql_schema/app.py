"""The /graphql endpoint: POST JSON, GET for queries, and the offline GraphiQL page in a browser."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response
from strawberry.asgi import GraphQL

from app.db.database import Database
from app.db.types import json_default
from app.policies.rate_limit import StoreRateLimiter

from .context import Context, new_context
from .schema import schema


class KanalGraphQL(GraphQL[Context, None]):
    """`limiter` is the one REST spends: a GraphQL request spends one unit of each store it
    names, and its HTTP response carries the figures and, over budget, 429 and Retry-After."""

    def __init__(self, db: Database, limiter: StoreRateLimiter):
        super().__init__(schema, graphql_ide="graphiql", allow_queries_via_get=True)
        self.db = db
        self.limiter = limiter

    async def get_context(self, request: Any, response: Any) -> Context:
        # `response` is the sub-response strawberry merges into the answer (status, headers).
        return new_context(self.db, self.limiter, request.headers.get("authorization"), response)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data, default=json_default)

    async def render_graphql_ide(self, request: Request) -> Response:
        from .ide import ide_page

        return await ide_page(request)
