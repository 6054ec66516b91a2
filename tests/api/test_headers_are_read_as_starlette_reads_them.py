"""`app.rest.headers.header` answers what Starlette's `request.headers.get` answers, for every
shape of a request's headers: absent, present once, repeated (the first counts), empty, and
values outside ASCII (Latin-1, as HTTP's obsolete text)."""

from __future__ import annotations

import pytest
from starlette.requests import Request

from app.rest.headers import header

HEADER_LISTS = [
    [],
    [(b"authorization", b"Bearer kanal_sk_live_x")],
    [(b"host", b"a"), (b"authorization", b"Bearer one"), (b"authorization", b"Bearer two")],
    [(b"content-type", b"")],
    [(b"content-type", b"application/json; charset=utf-8"), (b"content-length", b"42")],
    [(b"kanal-backfill", b" TRUE "), (b"kanal-backfill", b"false")],
    [(b"x-note", "café".encode("latin-1")), (b"content-length", b"007")],
]
NAMES = ["authorization", "content-type", "content-length", "kanal-backfill", "x-note", "absent"]


@pytest.mark.parametrize("headers", HEADER_LISTS)
@pytest.mark.parametrize("name", NAMES)
def test_same_answer_as_starlette(headers, name):
    request = Request({"type": "http", "method": "POST", "path": "/", "headers": headers})
    assert header(request, name.encode()) == request.headers.get(name)
