"""The /graphql endpoint: POST JSON, GET for queries, and the offline GraphiQL page in a browser.

A request refused before a document runs (a transport error: a body that is not JSON or too
large, a declared type that is not JSON, no query, a mutation over GET) is answered as JSON in
the shape of every GraphQL error, `{"errors": [{"message", "extensions": {"code"}}]}`, with its
HTTP status (GraphQL over HTTP, "Request errors"), never as text."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncGenerator, Mapping
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from graphql import GraphQLError, OperationType
from starlette.datastructures import ImmutableMultiDict
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.exceptions import NonJsonMessageReceived, WebSocketDisconnected
from strawberry.http.types import QueryParams
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import BaseGraphQLTransportWSHandler, Operation
from strawberry.subscriptions.protocols.graphql_transport_ws.types import ConnectionInitMessage
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message as ProtocolMessage
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from app.db.database import Database
from app.db.read_budget import ReadTimedOut
from app.db.unavailable import DatabaseUnavailable
from app.domain.json_values import json_default, read_json
from app.observability import facts
from app.observability.sent_path import sent_path
from app.policies import content_type, rate_limit
from app.policies.rate_limit import StoreRateLimiter
from app.read.feed import EventFeed
from app.rest.body import PayloadTooLarge, check_declared, read_body
from app.rest.headers import joined_header

from .context import Context, new_context
from .documents import parse_document
from .limits import MAX_TOKENS
from .operations import OperationNotFound, chosen_operation
from .schema import schema

# HTTP status -> `extensions.code` of a request refused before a document runs.
TRANSPORT_CODES = {
    400: "BAD_REQUEST",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
}
# A GET's parameters (GraphQL over HTTP, "Request parameters").
REQUEST_PARAMETERS = ("query", "operationName", "variables", "extensions")
# strawberry answers a mutation over GET with 400; GraphQL over HTTP says 405 (`Allow: POST`).
_MUTATION_OVER_GET = "mutations are not allowed when using GET"


def transport_error(status: int, message: str) -> Response:
    """A request error as JSON: `{"errors": [{"message", "extensions": {"code"}}]}` (codes in
    TRANSPORT_CODES) with `status`; a mutation sent over GET is 405 with `Allow: POST`."""
    headers = {}
    if status == 400 and message == _MUTATION_OVER_GET:
        status, message, headers = 405, "Mutations are sent with POST: GET runs queries only.", {"allow": "POST"}
    code = TRANSPORT_CODES.get(status, "BAD_REQUEST")
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status, headers, media_type="application/json")


# The method a request was sent with, where it is run as another (a HEAD as its GET): the log
# names the one sent.
_ASKED_METHOD = "kanal.asked_method"


def graphql_method_refused(method: str) -> str:
    """The message of a 405 on /graphql for a method it does not take (PUT, DELETE, …)."""
    return f"GraphQL requests are sent with POST (a query also with GET), not {method}."


class TextFrames(ASGIWebSocketAdapter):
    """The websocket side of /graphql. Each graphql-transport-ws message goes as a text frame,
    as the protocol has them: the HTTP answers' encoder gives bytes, which Strawberry would send
    as binary frames, and a browser's client (graphql-ws) refuses those ("Message is missing the
    'type' property")."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message, default=json_default).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def iter_json(self, *, ignore_parsing_errors: bool = False) -> AsyncGenerator[object, None]:
        """Strawberry's, with a message that is not a JSON object (refused by
        `KanalGraphQL.decode_json` as an HTTP 400, or a list, which it passes on for HTTP
        batching) closing the socket with 4400, as the protocol says, instead of failing the
        connection with a traceback."""
        try:
            async for message in super().iter_json(ignore_parsing_errors=ignore_parsing_errors):
                if not isinstance(message, dict):
                    raise NonJsonMessageReceived
                yield message
        except HTTPException:
            raise NonJsonMessageReceived from None


def protocol_violation(message: Mapping[str, object]) -> str | None:
    """Why a graphql-transport-ws message is not one the protocol has, or None. Checked:
    `subscribe` (`id` a non-empty string; `payload` an object whose `query` is a string, whose
    `variables` and `extensions` are objects or null, whose `operationName` is a string or null)
    and `complete` (`id`), the messages naming an operation (graphql-transport-ws, PROTOCOL.md).
    Other types strawberry checks itself."""
    kind = message.get("type")
    if kind not in {"subscribe", "complete"}:
        return None
    operation_id = message.get("id")
    if not isinstance(operation_id, str) or not operation_id:
        return f'The {kind} message\'s "id" must be a non-empty string.'
    if kind == "complete":
        return None
    payload = message.get("payload")
    if not isinstance(payload, dict):
        return 'The subscribe message\'s "payload" must be an object.'
    if not isinstance(payload.get("query"), str):
        return 'The subscribe message\'s "payload.query" must be a string.'
    for name, kinds, expected in (
        ("variables", dict, "an object"),
        ("extensions", dict, "an object"),
        ("operationName", str, "a string"),
    ):
        if not isinstance(payload.get(name), (kinds, type(None))):
            return f'The subscribe message\'s "payload.{name}" must be {expected} or null.'
    return None


class OperationsAsRequests(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws with each operation of a socket (each `subscribe` message: a
    subscription, a query or a mutation) run on a context of its own, so it is admitted as an
    HTTP request naming the store is: the key checked again, one unit of the store's budget
    spent, DataLoaders that read the database now (README, "Live updates"). Strawberry gives
    every operation the socket's one context, whose first admission then held for the socket's
    life: a key revoked since still wrote, the budget was spent once per socket, and reads
    answered what the first one had loaded."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.connection = self.context  # its key is set by connection_init, before any operation

    async def handle_message(self, message: ProtocolMessage) -> None:
        """strawberry's, with a `subscribe` or `complete` message not in the protocol's shape
        closing the socket with 4400 and the reason, as the reference server does: strawberry
        reads only the keys it needs, and a payload that was no object or an id that was a list
        dropped the connection with a traceback, a null query answered "Internal server error".
        So does a `subscribe` whose document does not parse, with its syntax error as strawberry
        closes for one (`syntax_error`): it answered a bare `complete`, the error only logged."""
        reason = protocol_violation(message) or syntax_error(message)
        if reason is not None:
            await self.websocket.close(code=4400, reason=reason)
            return
        await super().handle_message(message)

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        """strawberry's, with a null payload read as none sent: graphql-transport-ws has
        `payload?: Record<string, unknown> | null`, and strawberry closed the socket with 4400
        `Invalid connection init payload` for null alone. Any other payload that is no object is
        still refused so."""
        if message.get("payload") is None:  # null, or absent already
            message = {"type": "connection_init"}
        await super().handle_connection_init(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        # strawberry reads `self.context` as the operation starts, before its first await, so
        # each operation gets the context made for it even while others run.
        self.context = self.connection.for_operation()
        await super().run_operation(operation)


# The longest reason a websocket close frame holds (RFC 6455 §5.5: 125 bytes, 2 of them the code).
CLOSE_REASON_BYTES = 123


def syntax_error(message: Mapping[str, object]) -> str | None:
    """The syntax error of a `subscribe` message's document (a message in the protocol's shape:
    `protocol_violation`), as the schema's parse finds it (`parse_document`, the token limit
    included), cut to what a close frame holds; None for another message or a document that
    parses."""
    payload = message.get("payload")
    if message.get("type") != "subscribe" or not isinstance(payload, dict):
        return None
    try:
        parse_document(payload["query"], max_tokens=MAX_TOKENS)
    except GraphQLError as error:
        reason = error.message.encode()
        if len(reason) <= CLOSE_REASON_BYTES:
            return error.message
        return reason[: CLOSE_REASON_BYTES - 3].decode(errors="ignore") + "…"
    return None


OVER_THE_WEBSOCKET = "A subscription is served over the websocket at /graphql (graphql-transport-ws), not over HTTP."


def _chooses_a_subscription(request_data: GraphQLRequestData) -> bool:
    """Whether the request's document and operationName choose a subscription; False when they
    choose none, left to strawberry's own answers (a syntax error, GraphQL spec §6.1)."""
    if not isinstance(request_data.query, str):
        return False
    try:
        # as the schema's extensions parse it (the same options: one parse, cached)
        document = parse_document(request_data.query, max_tokens=MAX_TOKENS)
        operation = chosen_operation(document, request_data.operation_name)
    except (GraphQLError, OperationNotFound):
        return False
    return operation.operation == OperationType.SUBSCRIPTION


# The request log's code for an error that has none (a document that does not parse or validate).
UNCODED = "GRAPHQL_ERROR"


class KanalGraphQL(GraphQL[Context, None]):
    """`limiter` is the one REST spends: a GraphQL request spends one unit of each store it
    names, and its HTTP response carries the figures and, over budget, 429 and Retry-After."""

    websocket_adapter_class = TextFrames
    graphql_transport_ws_handler_class = OperationsAsRequests

    def __init__(self, db: Database, limiter: StoreRateLimiter, max_body_bytes: int, feed: EventFeed):
        super().__init__(
            schema,
            graphql_ide="graphiql",
            allow_queries_via_get=True,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=timedelta(seconds=10),
        )
        self.db = db
        self.limiter = limiter
        self.max_body_bytes = max_body_bytes
        self.feed = feed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A POST's declared type and coding are checked first (`app.policies.content_type`:
        415), its body read under the same limit as REST (SPEC §7: 413 beyond it), then handed
        on as it came, declared `application/json` (a +json type or none is read as JSON too)."""
        if scope["type"] != "http":
            return await super().__call__(scope, receive, send)
        if scope["method"] != "POST":
            return await self._answer(scope, receive, send)
        request = Request(scope, receive)
        try:
            check_declared(request)
        except content_type.UnsupportedMediaType as exc:
            refusal = transport_error(content_type.STATUS, str(exc))
            refusal.headers.update(exc.advice("POST"))
            return await refusal(scope, receive, send)
        try:
            body = await read_body(request, self.max_body_bytes)
        except PayloadTooLarge as exc:
            return await transport_error(413, str(exc))(scope, receive, send)
        headers = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
        scope = {**scope, "headers": [*headers, (b"content-type", b"application/json")]}
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if sent:
                return await receive()  # a disconnect, after the body
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self._answer(scope, replay, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> None:
        """strawberry's HTTP handling, with its request errors answered as JSON. A HEAD is run
        as the GET it asks about (RFC 9110 §9.3.2; strawberry refused it with 405), its answer
        sent as every route's is, the server leaving out the body."""
        asked = {**scope, "method": "GET", _ASKED_METHOD: "HEAD"} if scope["method"] == "HEAD" else scope
        try:
            response = await self.run(Request(asked, receive))
        except HTTPException as exc:
            response = transport_error(exc.status_code, exc.reason)
        await response(scope, receive, send)

    async def execute_single(  # noqa: PLR0917 (strawberry's signature)
        self,
        request: Any,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """strawberry's, with a subscription refused as a request error (400): over HTTP one ran
        as a query and answered "Internal server error" (a stream is no single result).
        `storeEvents` is served over the websocket."""
        if _chooses_a_subscription(request_data):
            raise HTTPException(400, OVER_THE_WEBSOCKET)
        return await super().execute_single(request, request_adapter, sub_response, context, root_value, request_data)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        """strawberry's, with an `operationName` that is not a string refused as a request error
        (400; GraphQL over HTTP, "Request parameters"), where it was read as the name "5"."""
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData) and not isinstance(data.operation_name, (str, type(None))):
            raise HTTPException(400, "The GraphQL operation's `operationName` must be a string or null, if provided.")
        return data

    def decode_json(self, data: str | bytes) -> object:
        """Strict UTF-8 and a JSON object (or a list, which batching refuses): else 400, as REST."""
        try:
            text = data.decode("utf-8") if isinstance(data, bytes) else data
        except UnicodeDecodeError:
            raise HTTPException(400, "The request body is not valid UTF-8.") from None
        try:
            decoded = read_json(text)
        except RecursionError:
            raise HTTPException(400, "The request body is nested too deeply.") from None
        except ValueError:
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(decoded, (dict, list)):
            raise HTTPException(400, "The request body must be a JSON object.")
        return decoded

    def parse_query_params(self, params: QueryParams) -> dict[str, Any]:
        """A GET's parameters, its `variables` and `extensions` read as JSON as a POST body is
        (`read_json`); one that is not JSON (`[1`, empty, `NaN`) is a request error naming it (400,
        GraphQL over HTTP, "JSON parsing failure"), where it was "Unable to parse request body as
        JSON" for a GET without one. Their shape (an object or null) is checked afterwards, as a
        POST body's is. A parameter given twice is a request error naming it, where the last was
        taken: which one the client meant is not known."""
        for name in REQUEST_PARAMETERS:  # starlette's parameters keep every value given
            given = len(params.getlist(name)) if isinstance(params, ImmutableMultiDict) else 1
            if given > 1:
                raise HTTPException(400, f"The `{name}` query parameter is given {given} times; give it once.")
        data: dict[str, Any] = dict(params)
        for name in ("variables", "extensions"):
            text = data.get(name)
            if text is None:
                continue
            try:
                data[name] = read_json(text)
            except RecursionError:
                raise HTTPException(400, f"The `{name}` query parameter is nested too deeply.") from None
            except ValueError as exc:
                detail = f": {exc.msg} at character {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
                raise HTTPException(400, f"The `{name}` query parameter is not valid JSON{detail}.") from None
        return data

    async def get_context(self, request: Any, response: Any) -> Context:
        # `response` is the sub-response strawberry merges into the answer (status, headers);
        # over a websocket, the websocket itself, which has none.
        sub_response = response if isinstance(response, Response) else None
        # every `Authorization` line, joined: several are refused (`keys.SeveralCredentials`)
        authorization = joined_header(request, b"authorization")
        method = (
            request.scope.get(_ASKED_METHOD, request.method) if isinstance(request, Request) else rate_limit.WEBSOCKET
        )
        return new_context(
            self.db, self.limiter, self.feed, authorization, sub_response, method=method, path=sent_path(request)
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        """The key of a websocket is the `Authorization` of its connection_init payload (a
        browser cannot set headers on a websocket); a header, if sent, is the fallback. A
        payload's `Authorization` is named in any case, as a header is (RFC 9110 §5.1); given
        under several names, or as a list, it is read as a header's lines are, their values
        joined (blank ones left out), and refused as several credentials; a value that is no
        text (a number, an object) is its JSON, no `Bearer <key>`."""
        params = context.connection_params or {}
        given: list[str] = []
        for name, value in params.items():
            if name.lower() == "authorization" and value is not None:
                lines = value if isinstance(value, list) else [value]
                given += [line if isinstance(line, str) else json.dumps(line) for line in lines]
        if given:
            context.authorization = ", ".join(value.strip() for value in given if value.strip())
        # The first subscription gets what is committed from now on: a client shows "live" on
        # the acknowledgement, before its subscribe reaches the feed.
        with contextlib.suppress(DatabaseUnavailable, ReadTimedOut):  # the subscribe will say so
            context.feed_start = await self.feed.start()
        return UNSET

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
