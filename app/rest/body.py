"""Reading a JSON object body: size limit, strict UTF-8, exact decimals, safe strings."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

from starlette.requests import Request

from app.domain import errors
from app.domain.errors import FieldError, ValidationFailed


class BadRequest(Exception):
    pass


class PayloadTooLarge(Exception):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)
# NUL cannot be stored by every engine and lone surrogates cannot be encoded as UTF-8.
_SUSPECT_ESCAPE = re.compile(r"\\u(0000|d[89a-f][0-9a-f]{2})", re.IGNORECASE)


async def read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_object(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.") from None
    try:
        data = _DECODER.decode(text)
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None
    except ValueError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    if _SUSPECT_ESCAPE.search(text):
        try:
            _reject_unsafe_strings(data)
        except RecursionError:
            raise BadRequest("The request body is nested too deeply.") from None
    return data


def _reject_unsafe_strings(data: dict[str, Any]) -> None:
    found: list[FieldError] = []

    def visit(value: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(value, str):
            if not _is_safe(value):
                found.append(
                    FieldError(path, errors.INVALID_CHARACTERS, "NUL characters and lone surrogates are not accepted.")
                )
        elif isinstance(value, dict):
            for key, item in value.items():
                if _is_safe(key):
                    visit(item, path + (key,))
                else:
                    visit(key, path)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, path + (index,))

    visit(data, ())
    if found:
        raise ValidationFailed(found)


def _is_safe(text: str) -> bool:
    return "\x00" not in text and not any("\ud800" <= char <= "\udfff" for char in text)
