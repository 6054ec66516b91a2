"""JSON responses (orjson) and the documented error bodies."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse

from app.domain.answers import AUTOMATIONS
from app.domain.errors import NotFound, ValidationFailed
from app.domain.json_values import json_default
from app.domain.money import Amount
from app.policies import access, content_type, rate_limit
from app.services import keys

from .body import BadRequest, PayloadTooLarge


class Json(JSONResponse):
    """orjson bodies: records (dataclasses) as objects, times as RFC 3339 with `+00:00`, an
    `Amount` as a money string in its currency's decimals (`Amount.text`), other decimals as
    JSON numbers."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, default=_body_default)


# `,"automations":`, spliced into a write's body after the record's fields
_AUTOMATIONS_KEY = b"," + orjson.dumps(AUTOMATIONS) + b":"


class WrittenJson(Json):
    """A write's body (`app.domain.answers`): the record's fields, then `automations`
    (`app.domain.automations`): content is `(record, decisions)`."""

    def render(self, content: Any) -> bytes:
        record, decisions = content
        body = orjson.dumps(record, default=_body_default)
        automations = orjson.dumps([decision.as_json() for decision in decisions])
        return body[:-1] + _AUTOMATIONS_KEY + automations + b"}"


def _body_default(value: Any) -> Any:
    if isinstance(value, Amount):
        return value.text()
    return json_default(value)


def auth_failure(failure: keys.AuthFailure) -> Json:
    """SPEC §2's body and status for a failed key or store check (`app.policies.access`); a 401
    carries its `WWW-Authenticate` challenge (RFC 6750)."""
    refused = access.refusal(failure)
    response = Json({"error": refused.message}, refused.status)
    if refused.challenge is not None:
        response.headers["www-authenticate"] = refused.challenge
    return response


def too_many_requests() -> Json:
    """SPEC §7's refusal over a store's budget (`app.policies.rate_limit`); the caller adds
    the quota's headers, `Retry-After` among them."""
    return Json({"message": rate_limit.TOO_MANY}, rate_limit.STATUS)


def validation_body(exc: ValidationFailed) -> dict[str, Any]:
    """A 422 body: `{"message": first message, "errors": {field: [messages]}, "codes": {field:
    [codes]}}`, fields dotted (`customer.phone`; "" for the whole item)."""
    messages: dict[str, list[str]] = {}
    codes: dict[str, list[str]] = {}
    for error in exc.errors:
        messages.setdefault(error.dotted, []).append(error.message)
        codes.setdefault(error.dotted, []).append(error.code)
    return {"message": exc.errors[0].message, "errors": messages, "codes": codes}


def validation_failed(exc: ValidationFailed) -> Json:
    return Json(validation_body(exc), 422)


def error(status: int, message: str) -> Json:
    return Json({"error": message}, status)


def domain_failure(exc: Exception) -> Json:
    """Render an expected failure of a request; anything else is a bug and re-raised."""
    if isinstance(exc, ValidationFailed):
        return validation_failed(exc)
    if isinstance(exc, NotFound):
        return error(404, str(exc))
    if isinstance(exc, BadRequest):
        return error(400, str(exc))
    if isinstance(exc, PayloadTooLarge):
        return error(413, str(exc))
    if isinstance(exc, content_type.UnsupportedMediaType):
        return error(content_type.STATUS, str(exc))
    raise exc


EXPECTED_FAILURES = (ValidationFailed, NotFound, BadRequest, PayloadTooLarge, content_type.UnsupportedMediaType)
