"""REST routes under /api/v1/stores/{store_id}: authorise, rate-limit, call the service, render."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.domain.answers import AUTOMATIONS
from app.domain.commands import (
    CartInput,
    CartUpdate,
    Command,
    CustomerInput,
    OrderInput,
    OrderUpdate,
    PhoneErasure,
    PhoneLookup,
    ShipmentInput,
    validate,
)
from app.domain.errors import ErrorCode, FieldError, NotFound, ValidationFailed
from app.domain.text import may_hold_unsafe_text
from app.observability import writes
from app.policies import backfill, content_type
from app.policies.ids import id_or_none
from app.services import batches, carts, customers, keys, order_batches, orders, shipments
from app.services.results import Written
from app.services.stores import Store

from .body import BadRequest, check_declared, parse_object, read_body
from .headers import joined_header
from .responses import (
    EXPECTED_FAILURES,
    Json,
    WrittenJson,
    auth_failure,
    domain_failure,
    too_many_requests,
    validation_body,
)

Handler = Callable[[Request, Store], Awaitable[Response]]


def store_endpoint(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Checks, in the documented order: key present, key valid, store active, key covers store
    (`app.policies.access`; a path store id that is no id is an unknown store,
    `app.policies.ids`); then spends one unit of the store's budget (`app.policies.rate_limit`).
    Every authorised response carries the rate-limit headers."""

    async def endpoint(request: Request) -> Response:
        state = request.app.state
        try:
            store = await keys.authorize(
                state.db, joined_header(request, b"authorization"), id_or_none(request.path_params["store_id"])
            )
        except keys.AuthFailure as failure:
            return auth_failure(failure)
        quota = await state.limiter.hit(store.id, store.rate_limit_per_minute)
        if not quota.allowed:
            response: Response = too_many_requests()
        else:
            try:
                response = await handler(request, store)
            except EXPECTED_FAILURES as exc:
                response = domain_failure(exc)
                if isinstance(exc, content_type.UnsupportedMediaType):  # RFC 5789 §2.2, RFC 9110 §15.5.16
                    response.headers.update(exc.advice(request.method))
        response.raw_headers.extend(quota.raw_headers())
        return response

    return endpoint


async def _json_object(request: Request) -> tuple[dict[str, Any], bool]:
    """The body as a JSON object: its declared type first (`app.policies.content_type`, 415),
    then its size (413; the setting's bytes), encoding and syntax (400); and whether its text
    writes no NUL nor lone surrogate (`validate`'s `text_checked`), found in its bytes."""
    raw = await _json_body(request, request.app.state.settings.max_body_bytes)
    return parse_object(raw), not may_hold_unsafe_text(raw)


async def _json_body(request: Request, limit: int) -> bytes:
    """The body's bytes, once its declared type and coding (415) and its size (413 over
    `limit`) pass."""
    check_declared(request)
    return await read_body(request, limit)


def _backfill(request: Request) -> bool:
    """`Kanal-Backfill: true` marks a historical import: stored, its events never delivered
    (`app.policies.backfill`; a value neither true nor false is a 400). Sent on several lines,
    the header is their values joined (`false` and `true`: refused, not the first line's)."""
    try:
        return backfill.backfill(joined_header(request, b"kanal-backfill"))
    except backfill.InvalidBackfill as exc:
        raise BadRequest(str(exc)) from None


def _written(result: Written[Any]) -> Response:
    """A record is its own body (orjson renders dataclasses; see app.domain.records). A stale
    write (older than the stored record: nothing written) is answered with the stored record
    and `Kanal-Stale: true`. The body also lists the automations the write caused or
    suppressed (`automations`). Counted here (`app.observability.writes`)."""
    writes.written(result)
    response = WrittenJson((result.record, result.automations), 201 if result.created else 200)
    if result.stale:
        response.headers["kanal-stale"] = "true"
    return response


def upsert(model: type[Command], service: Callable[..., Awaitable[Written[Any]]]) -> Handler:
    """POST: the body becomes the command `model` here, at the edge; the service gets it typed."""

    async def handler(request: Request, store: Store) -> Response:
        backfilled = _backfill(request)
        data, text_checked = await _json_object(request)
        with writes.Refusals(model):
            command = validate(model, data, store.region, text_checked)
            result = await service(request.app.state.db, store, command, backfill=backfilled)
        return _written(result)

    return handler


def patch(model: type[Command], service: Callable[..., Awaitable[Written[Any]]]) -> Handler:
    async def handler(request: Request, store: Store) -> Response:
        backfilled = _backfill(request)
        data, text_checked = await _json_object(request)
        external_id = request.path_params["external_id"]
        with writes.Refusals(model):
            command = validate(model, data, store.region, text_checked)
            result = await service(request.app.state.db, store, external_id, command, backfill=backfilled)
        return _written(result)

    return handler


def batch(kind: batches.Kind) -> Handler:
    """POST …/batch: `{"items": [...]}` (at most `batches.MAX_ITEMS`, `batches.MAX_BODY_BYTES`),
    each item written as the single upsert would, an item larger than the single POST's body
    limit refused on its own (`too_large`); 200 with one result per item, in order
    (`batch_result`). `Kanal-Backfill` applies to every item."""

    async def handler(request: Request, store: Store) -> Response:
        backfilled = _backfill(request)
        single = request.app.state.settings.max_body_bytes
        raw = await _json_body(request, max(batches.MAX_BODY_BYTES, single))
        items = batches.check_items(parse_object(raw).get("items"))
        # a body within the single POST's limit holds no item over it: none is measured
        largest = single if len(raw) > single else None
        text_checked = not may_hold_unsafe_text(raw)  # once for every item
        results = await batches.write_batch(
            request.app.state.db, store, kind, items, backfilled, largest, text_checked=text_checked
        )
        return Json({"results": [batch_result(result) for result in results]})

    return handler


def batch_result(result: batches.ItemResult) -> dict[str, Any]:
    """`{"index", "external_id", "status": 201|200|422}`; a written item adds `automations`,
    as the single upsert's body lists them, and a stale one `"stale": true` (the single
    upsert's `Kanal-Stale`); a refused one the single upsert's 422 body fields `message`,
    `errors` and `codes` (by field)."""
    body: dict[str, Any] = {"index": result.index, "external_id": result.external_id}
    if result.written is not None:
        body["status"] = 201 if result.written.created else 200
        if result.written.stale:
            body["stale"] = True
        body[AUTOMATIONS] = [decision.as_json() for decision in result.written.automations]
        return body
    assert result.failure is not None
    return {**body, "status": 422, **validation_body(result.failure)}


def read(query: Callable[..., Awaitable[Any]]) -> Handler:
    async def handler(request: Request, store: Store) -> Response:
        return Json(await query(request.app.state.db, store, request.path_params["external_id"]))

    return handler


async def upsert_customer(request: Request, store: Store) -> Response:
    """A customer write records no event of its own: `Kanal-Backfill` marks the
    `contact.consent_changed` its `whatsapp_consent` may record as backfill, never delivered."""
    backfill = _backfill(request)
    data, text_checked = await _json_object(request)
    with writes.Refusals(CustomerInput):
        command = validate(CustomerInput, data, store.region, text_checked)
        result = await customers.upsert_customer(request.app.state.db, store, command, backfill)
    return _written(result)


async def erase_customer(request: Request, store: Store) -> Response:
    external_id = request.path_params["external_id"]
    await customers.erase_customer(request.app.state.db, store, external_id, backfill=_backfill(request))
    return Response(status_code=204)


_PHONE_IN_THE_QUERY = "The phone field is required: give it in the query string, ?phone=%2B33612345678."
_PLUS_IN_A_QUERY = "; a + in a query string is written %2B (a bare + reads as a space)."


def _phone_in_the_query(request: Request, store: Store, model: type[Command]) -> Any:
    """The command `model` of the query string's `phone` (`?phone=…`), read as `POST /customers`
    reads a phone. Given twice, 400 (which phone was meant is not known: one erasure must not
    erase one of two people, one read must not show one of them); left out or blank, 422
    `required` saying where it goes (a body is not read), one of spaces how a `+` is written
    (a bare one reads as a space); unreadable, 422 at `phone`, a value led by a
    space told that its `+` was read as one."""
    given = request.query_params.getlist("phone")
    if len(given) > 1:
        raise BadRequest(f"The `phone` query parameter is given {len(given)} times; give it once.")
    if not given or not given[0] or given[0].isspace():  # `?phone=+` reads as a space
        where = _PHONE_IN_THE_QUERY if not given or not given[0] else _PHONE_IN_THE_QUERY[:-1] + _PLUS_IN_A_QUERY
        raise ValidationFailed([FieldError(("phone",), ErrorCode.REQUIRED, where)])
    try:
        return validate(model, {"phone": given[0]}, store.region)
    except ValidationFailed as failure:
        if not given[0].startswith(" ") or given[0].isspace():
            raise
        told = [replace(error, message=error.message.rstrip(".") + _PLUS_IN_A_QUERY) for error in failure.errors]
        raise ValidationFailed(told) from None


async def read_phone(request: Request, store: Store) -> Response:
    """GET /customers?phone=…: the customer of a phone (`customers.get_customer_by_phone`), a
    guest buyer's included; 404 when no contact has it; the phone refused as the erasure's."""
    command = _phone_in_the_query(request, store, PhoneLookup)
    return Json(await customers.get_customer_by_phone(request.app.state.db, store, command))


async def erase_phone(request: Request, store: Store) -> Response:
    """DELETE /customers?phone=…: the contact of a phone erased (`customers.erase_phone`), 204
    whether it had one or not. Nothing is erased when the phone is refused
    (`_phone_in_the_query`)."""
    backfilled = _backfill(request)
    command = _phone_in_the_query(request, store, PhoneErasure)
    await customers.erase_phone(request.app.state.db, store, command, backfill=backfilled)
    return Response(status_code=204)


def _whole_path(route: Route) -> Route:
    """Matches the whole path, line breaks included. Starlette's `{…:path}` is `.*` and its
    patterns end in `$`: `.` stops at a line break and `$` matches before a final one, so an id
    holding one (%0A) met the router's 404, or lost its final line break and named another id."""
    route.path_regex = re.compile(route.path_regex.pattern.removesuffix("$") + r"\Z", re.DOTALL)
    return route


def _route(path: str, handler: Handler, method: str) -> Route:
    return _whole_path(Route(path, store_endpoint(handler), methods=[method]))


def _cart_routes(base: str, resource: str | None = None) -> list[Route]:
    """The carts' routes under `base`: `/carts`, or its alias `/checkouts` (README "Endpoints"),
    whose 404 names the record as its path does, `resource` ("Checkout not found")."""
    handlers: list[tuple[str, Handler, str]] = [
        (base, upsert(CartInput, carts.upsert_cart), "POST"),
        (base + "/batch", batch(carts.BATCH), "POST"),
        (base + "/{external_id:path}", patch(CartUpdate, carts.update_cart), "PATCH"),
        (base + "/{external_id:path}", read(carts.get_cart), "GET"),
    ]
    return [_route(path, _not_found_as(resource, h) if resource else h, method) for path, h, method in handlers]


def _not_found_as(resource: str, handler: Handler) -> Handler:
    """`handler`, its NotFound naming `resource`: an alias's own word for the record."""

    async def named(request: Request, store: Store) -> Response:
        try:
            return await handler(request, store)
        except NotFound:
            raise NotFound(resource) from None

    return named


STORE_PATH = "/api/v1/stores/{store_id}"


def api_routes() -> list[Route]:
    """Each route carries the whole path (no Mount and sub-router): one pattern per request."""
    return [
        _route(STORE_PATH + "/orders", upsert(OrderInput, order_batches.upsert_order), "POST"),
        _route(STORE_PATH + "/orders/batch", batch(order_batches.BATCH), "POST"),
        _route(STORE_PATH + "/orders/{external_id:path}", patch(OrderUpdate, orders.update_order), "PATCH"),
        _route(STORE_PATH + "/orders/{external_id:path}", read(orders.get_order), "GET"),
        _route(STORE_PATH + "/shipments", upsert(ShipmentInput, shipments.upsert_shipment), "POST"),
        _route(STORE_PATH + "/shipments/batch", batch(shipments.BATCH), "POST"),
        _route(STORE_PATH + "/shipments/{external_id:path}", read(shipments.get_shipment), "GET"),
        *_cart_routes(STORE_PATH + "/carts"),
        *_cart_routes(STORE_PATH + "/checkouts", "Checkout"),
        _route(STORE_PATH + "/customers", upsert_customer, "POST"),
        _route(STORE_PATH + "/customers", read_phone, "GET"),
        _route(STORE_PATH + "/customers", erase_phone, "DELETE"),
        _route(STORE_PATH + "/customers/batch", batch(customers.BATCH), "POST"),
        _route(STORE_PATH + "/customers/{external_id:path}", read(customers.get_customer), "GET"),
        _route(STORE_PATH + "/customers/{external_id:path}", erase_customer, "DELETE"),
    ]
