"""Reading a JSON object body: size limit, strict UTF-8, exact decimals."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from app.domain.json_values import read_json
from app.policies import content_type

from .headers import header, joined_header


class BadRequest(Exception):
    pass


class PayloadTooLarge(Exception):
    pass


def check_declared(request: Request) -> None:
    """Returns when the body's declared type and coding are read as JSON (`Content-Type`, and
    every `Content-Encoding` line); raises content_type.UnsupportedMediaType (415) saying why
    otherwise, before the body is read. The same check for REST writes and a GraphQL POST."""
    content_type.check_content_type(header(request, b"content-type"))
    content_type.check_content_encoding(joined_header(request, b"content-encoding"))


async def read_body(request: Request, limit: int) -> bytes:
    declared = header(request, b"content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit:,} bytes.")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(f"The request body is larger than {limit:,} bytes.")
        chunks.append(chunk)
    return b"".join(chunks)


def parse_object(body: bytes) -> dict[str, Any]:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("The request body is not valid UTF-8.") from None
    try:
        data = read_json(text)
    except RecursionError:
        raise BadRequest("The request body is nested too deeply.") from None
    except ValueError as exc:
        raise BadRequest(f"The request body is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data
