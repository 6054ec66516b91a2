"""The OpenAPI document, generated from the models that validate requests and describe responses."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter, create_model

from app.domain import records
from app.domain.answers import AUTOMATIONS
from app.domain.commands import CartInput, CartUpdate, CustomerInput, OrderInput, OrderUpdate, ShipmentInput
from app.services.batches import MAX_BODY_BYTES, MAX_ITEMS

from . import examples, schemas
from .blank_schemas import allow_blanks
from .described_schemas import describe_requests
from .null_schemas import allow_nulls
from .platform_schemas import describe_platform_names

_REF = "#/components/schemas/{model}"
_STORE = {"name": "store_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_EXTERNAL_ID = {"name": "external_id", "in": "path", "required": True, "schema": {"type": "string"}}
# Read by every write (app.policies.backfill), and only by writes: a parameter of theirs, so that the
# document says it and /docs' "Try it out" can send it.
_BACKFILL = {
    "name": "Kanal-Backfill",
    "in": "header",
    "required": False,
    "description": "`true` imports history: stored, its events recorded and never delivered (no "
    "automation fires). `false`, empty or absent: a live write. Case and spaces do not matter; "
    "any other value is 400 and nothing is written.",
    "schema": {"type": "string", "examples": ["true"]},  # any case and spaces: no enum says that
}
_BAD_BACKFILL = "Kanal-Backfill is neither true nor false"
# /healthz's answer (app.main.healthz), 200 and 503 alike
_HEALTH = {
    "type": "object",
    "description": "Whether the service can serve requests: the database and the rate-limit storage both answer",
    "properties": {
        "status": {"type": "string", "enum": ["ok", "unavailable"], "description": "`ok` when both answer"},
        "database": {"type": "boolean", "description": "Whether the database answered"},
        "rate_limit_storage": {"type": "boolean", "description": "Whether the rate-limit storage answered"},
    },
    "required": ["status", "database", "rate_limit_storage"],
    "additionalProperties": False,
}
_RATE_HEADERS = {
    "X-RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests allowed per minute"},
    "X-RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Requests left in this minute"},
}


def _ref(model: type) -> dict[str, str]:
    return {"$ref": _REF.format(model=model.__name__)}


def _json(model: type, description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": _ref(model)}}}
    if headers:
        response["headers"] = headers
    return response


_COMMON = {
    "401": _json(
        schemas.Error,
        "API key missing or invalid",
        {
            "WWW-Authenticate": {
                "schema": {"type": "string"},
                "description": 'RFC 6750 challenge: `Bearer` (no key sent), `Bearer error="invalid_request"` '
                '(an Authorization header that is not `Bearer <key>`) or `Bearer error="invalid_token"` '
                "(a key unknown or revoked)",
            }
        },
    ),
    "403": _json(schemas.Error, "The key does not authorize this store"),
    # a record not found is answered after the store's budget is spent: it carries its figures
    "404": _json(schemas.Error, "Store (or record) not found, or store paused", _RATE_HEADERS),
    "429": _json(
        schemas.TooManyAttempts,
        "Rate limit exceeded",
        {**_RATE_HEADERS, "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait"}},
    ),
    "503": _json(
        schemas.Error,
        "The database cannot serve the request now (unreachable, restarting, locked by another "
        "process's write) and nothing was written; or the rate-limit storage cannot count it (its "
        "server refuses or is unreachable) and nothing was done; or a read ran past the read time budget",
        {
            **_RATE_HEADERS,
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait (database or rate-limit storage unavailable)",
            },
        },
    ),
}
# Answered after the key and store checks and the store's budget: each carries its figures
# (app.rest.routes.store_endpoint), as every answer an authorised request gets.
_WITH_BODY = {
    "400": _json(schemas.Error, f"Body is not JSON or not an object, or {_BAD_BACKFILL}", _RATE_HEADERS),
    "413": _json(schemas.Error, "Body larger than the limit", _RATE_HEADERS),
    "415": _json(
        schemas.Error,
        "Content-Type is not JSON: application/json, an application/…+json type, or none is read "
        "(charset UTF-8); text/plain, forms and others are refused before the body is read, as is a "
        "compressed body (Content-Encoding other than identity; Accept-Encoding: identity)",
        _RATE_HEADERS,
    ),
    "422": _json(schemas.ValidationError, "Validation failure", _RATE_HEADERS),
}


_STALE_HEADER = {
    "Kanal-Stale": {
        "schema": {"type": "string", "enum": ["true"]},
        "description": "The write's updated_at is older than the stored one: nothing written, the stored record back",
    }
}


def _written(result: type) -> dict[str, Any]:
    """A write's answer: the record, and the automations it caused or suppressed."""
    automations = {
        "type": "array",
        "items": _ref(schemas.AutomationDecision),
        "description": "What this write caused or suppressed, and why",
    }
    return {"allOf": [_ref(result), {"type": "object", "properties": {AUTOMATIONS: automations}}]}


def _operation(summary: str, body: type | None, result: type | None, ok: dict[str, str]) -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for status, description in ok.items():
        headers = {**_RATE_HEADERS, **_STALE_HEADER} if body is not None and status == "200" else _RATE_HEADERS
        responses[status] = (
            _json(result, description, headers) if result else {"description": description, "headers": headers}
        )
        if result and body is not None:
            responses[status]["content"]["application/json"]["schema"] = _written(result)
    responses.update(_COMMON)
    parameters = [_STORE]
    if body is not None:
        parameters.append(_BACKFILL)
        responses.update(_WITH_BODY)
    operation: dict[str, Any] = {"summary": summary, "parameters": parameters, "responses": responses}
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "description": _BODY_TYPES,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


_BODY_TYPES = (
    "JSON: Content-Type application/json, any application/…+json type (application/merge-patch+json "
    "suits a PATCH), or none at all; a charset must be UTF-8, and the body uncompressed. Any other "
    "type, or a Content-Encoding other than identity, is 415."
)
_UPSERTED = {"201": "Created", "200": "Updated (same body)"}


_MIB = MAX_BODY_BYTES // (1024 * 1024)
_TOO_LARGE_ITEM = (
    "item larger than a single POST's body limit (1 MiB by default, as compact JSON) is refused on its own, "
    "code too_large"
)
_BATCH = (
    f"At most {MAX_ITEMS:,} items and {_MIB} MiB (413 beyond); `items` not a non-empty "
    "list, or longer, is 422. Each item is validated and written as the single upsert would, in order (an "
    "external_id named twice is two writes), and answered in `results` (HTTP 200 even when items failed); an "
    f"{_TOO_LARGE_ITEM}. "
    "The batch counts as one request against the rate limit; Kanal-Backfill applies to every item."
)


def _batch_of(model: type[BaseModel], post: str) -> type[BaseModel]:
    """`{"items": [model]}`, the body of a batch of `model`s, each item the body of `post` (the
    single write), named `<model>Batch`."""
    items: Any = (
        list[model],  # type: ignore[valid-type]
        Field(
            min_length=1,
            max_length=MAX_ITEMS,
            description=f"1 to {MAX_ITEMS:,} items (none, or more, is 422), each the body {post} takes; the whole "
            f"body at most {_MIB} MiB (413 beyond). An {_TOO_LARGE_ITEM}",
        ),
    )
    return create_model(
        f"{model.__name__}Batch",
        __doc__=f"Many writes in one request: each item is validated and written as {post} would, in order, and "
        "answered in `results` at its index",
        items=items,
    )


# the single write whose body each item of a model's batch is
_SINGLE: dict[type[BaseModel], str] = {
    OrderInput: "POST /orders",
    ShipmentInput: "POST /shipments",
    CartInput: "POST /carts (or /checkouts)",
    CustomerInput: "POST /customers",
}
BATCHES: dict[type[BaseModel], type[BaseModel]] = {model: _batch_of(model, post) for model, post in _SINGLE.items()}


def _batch_operation(summary: str, model: type[BaseModel], resource: str) -> dict[str, Any]:
    """The batch POST of `model`s on `resources/batch`; its example is the answer a request of
    `resource` gets (app.rest.examples)."""
    operation = _operation(summary, BATCHES[model], schemas.BatchResults, {"200": "One result per item, in order"})
    operation["description"] = _BATCH
    # `{"results": [...]}` alone: each item's automations are in its result, none beside them
    operation["responses"]["200"] = _json(schemas.BatchResults, "One result per item, in order", _RATE_HEADERS)
    operation["responses"]["200"]["content"]["application/json"]["example"] = examples.ANSWERS[resource]
    operation["responses"]["413"] = _json(schemas.Error, f"Body larger than {_MIB} MiB", _RATE_HEADERS)
    operation["responses"]["422"] = _json(
        schemas.ValidationError, f"`items` missing, empty, not a list, or over {MAX_ITEMS:,}", _RATE_HEADERS
    )
    return operation


def _with_id(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation on one record: the path's `external_id` after `store_id`, then its headers."""
    _, *headers = operation["parameters"]
    return {**operation, "parameters": [_STORE, _EXTERNAL_ID, *headers]}


def _erasure() -> dict[str, Any]:
    """DELETE of a customer: no body, but a write, so it reads `Kanal-Backfill` (its
    `customer.erased` event then recorded as backfill) and answers 400 for a bad value."""
    operation = _operation("Erase a customer's personal data (GDPR)", None, None, {"204": "Erased"})
    operation["parameters"].append(_BACKFILL)
    operation["responses"]["400"] = _json(schemas.Error, _BAD_BACKFILL, _RATE_HEADERS)
    return _with_id(operation)


def _phone(whose: str) -> dict[str, Any]:
    """The `?phone=` parameter naming the contact `whose` (what the operation does to it)."""
    return {
        "name": "phone",
        "in": "query",
        "required": True,
        "description": f"The phone whose contact {whose}, read as POST /customers reads one: E.164 (its `+` "
        "written %2B, as a query string reads `+` as a space) or national in the store's region",
        "schema": {"type": "string"},
        "example": "+33699887766",
    }


_PHONE_REFUSED = "`phone` missing or blank (required), or no phone (invalid_phone, ambiguous_phone, invalid_characters)"


def _phone_read() -> dict[str, Any]:
    """GET of the customer of a phone (`?phone=`): a guest buyer's, who has no customer id; 404
    when no contact has the phone, 422 for a phone missing or unreadable."""
    operation = _operation(
        "Read the customer of a phone: a guest buyer's, who has no customer id, included",
        None,
        records.Customer,
        {"200": "The customer: its contact's customer record written last, else the contact"},
    )
    operation["parameters"].append(_phone("is read"))
    operation["responses"]["400"] = _json(schemas.Error, "`phone` given more than once", _RATE_HEADERS)
    operation["responses"]["422"] = _json(schemas.ValidationError, _PHONE_REFUSED, _RATE_HEADERS)
    return operation


def _phone_erasure() -> dict[str, Any]:
    """DELETE of the contact of a phone (`?phone=`): a guest buyer's, who has no customer id;
    a write, so it reads `Kanal-Backfill`; 422 for a phone missing or unreadable."""
    operation = _operation(
        "Erase the personal data of a phone's contact (GDPR): a guest buyer's, who has no customer id",
        None,
        None,
        {"204": "Erased, or no contact has the phone"},
    )
    operation["parameters"] += [_phone("is erased"), _BACKFILL]
    operation["responses"]["400"] = _json(
        schemas.Error, f"{_BAD_BACKFILL}, or `phone` given more than once: nothing erased", _RATE_HEADERS
    )
    operation["responses"]["422"] = _json(schemas.ValidationError, f"{_PHONE_REFUSED}: nothing erased", _RATE_HEADERS)
    return operation


def _paths() -> dict[str, Any]:
    base = "/api/v1/stores/{store_id}"
    paths: dict[str, Any] = {
        f"{base}/orders": {"post": _operation("Create or replace an order", OrderInput, records.Order, _UPSERTED)},
        f"{base}/orders/{{external_id}}": {
            "patch": _with_id(
                _operation("Change statuses, tags, metadata", OrderUpdate, records.Order, {"200": "Updated"})
            ),
            "get": _with_id(_operation("Read an order", None, records.Order, {"200": "The order"})),
        },
        f"{base}/shipments": {
            "post": _operation("Create or replace a shipment", ShipmentInput, records.Shipment, _UPSERTED)
        },
        f"{base}/shipments/{{external_id}}": {
            "get": _with_id(_operation("Read a shipment", None, records.Shipment, {"200": "The shipment"}))
        },
        f"{base}/customers": {
            "post": _operation("Create or replace a customer", CustomerInput, records.Customer, _UPSERTED),
            "get": _phone_read(),
            "delete": _phone_erasure(),
        },
        f"{base}/orders/batch": {"post": _batch_operation("Create or replace many orders", OrderInput, "orders")},
        f"{base}/shipments/batch": {
            "post": _batch_operation("Create or replace many shipments", ShipmentInput, "shipments")
        },
        f"{base}/customers/batch": {
            "post": _batch_operation("Create or replace many customers", CustomerInput, "customers")
        },
        f"{base}/customers/{{external_id}}": {
            "get": _with_id(_operation("Read a customer", None, records.Customer, {"200": "The customer"})),
            "delete": _erasure(),
        },
    }
    for name in ("carts", "checkouts"):
        paths[f"{base}/{name}"] = {
            "post": _operation(f"Create or replace an abandoned cart ({name})", CartInput, records.Cart, _UPSERTED)
        }
        paths[f"{base}/{name}/batch"] = {
            "post": _batch_operation(f"Create or replace many carts ({name})", CartInput, name)
        }
        paths[f"{base}/{name}/{{external_id}}"] = {
            "patch": _with_id(
                _operation("Change status, recovery URL, tags, metadata", CartUpdate, records.Cart, {"200": "Updated"})
            ),
            "get": _with_id(_operation("Read a cart", None, records.Cart, {"200": "The cart"})),
        }
    for (method, path), body in examples.bodies().items():
        paths[f"{base}{path}"][method]["requestBody"]["content"]["application/json"]["example"] = body
    paths["/healthz"] = {
        "get": {
            "summary": "Liveness, database and rate-limit storage reachability",
            "security": [],
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": _HEALTH}}},
                "503": {
                    "description": "Database or rate-limit storage unreachable",
                    "content": {"application/json": {"schema": _HEALTH}},
                },
            },
        }
    }
    return paths


def _titled_by_use(definitions: dict[str, Any]) -> None:
    """A model described twice, as a request's part (`Address-Input`) and as an answer's
    (`Address-Output`), gets a title for each (`Address (request)`, `Address (answer)`): /docs
    lists the schemas by title, and showed two alike."""
    for name, schema in definitions.items():
        for suffix, use in (("-Input", "request"), ("-Output", "answer")):
            if name.endswith(suffix):
                schema["title"] = f"{schema.get('title', name.removesuffix(suffix))} ({use})"


@cache
def openapi_document() -> dict[str, Any]:
    inputs: list[type[Any]] = [OrderInput, OrderUpdate, ShipmentInput, CartInput, CartUpdate, CustomerInput]
    outputs: list[type[Any]] = [
        records.Order,
        records.Shipment,
        records.Cart,
        records.Customer,
        schemas.Error,
        schemas.ValidationError,
        schemas.TooManyAttempts,
        schemas.BatchResults,
        schemas.AutomationDecision,
    ]
    # Requests are described by the command models, responses by the records they become.
    _, definitions = TypeAdapter.json_schemas(
        [(model.__name__, "validation", TypeAdapter(model)) for model in [*inputs, *BATCHES.values()]]
        + [(model.__name__, "serialization", TypeAdapter(model)) for model in outputs],
        ref_template=_REF,
    )
    allow_blanks(definitions.get("$defs", {}), inputs)
    allow_nulls(definitions.get("$defs", {}), inputs)
    describe_platform_names(definitions.get("$defs", {}), [OrderInput, ShipmentInput, CartInput, CustomerInput])
    describe_requests(definitions.get("$defs", {}), inputs)
    _titled_by_use(definitions.get("$defs", {}))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kanal commerce data API",
            "version": "1.0.0",
            "description": "Idempotent upserts on (store_id, external_id): 201 the first time, 200 after.",
        },
        "paths": _paths(),
        "components": {
            "schemas": definitions.get("$defs", {}),
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "kanal_sk_live_… (live data) or kanal_sk_test_… (the store's test data)",
                }
            },
        },
        "security": [{"bearer": []}],
    }
