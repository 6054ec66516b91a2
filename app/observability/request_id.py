"""X-Request-Id: the client's own id when it is safe to repeat in logs and headers, else a new one.

Safe: 1 to 128 characters among letters, digits and `-_.:/+=@` (a UUID, a ULID, a trace id such
as W3C's, a load balancer's `Root=1-…`); anything else (spaces, quotes, control characters, a
longer value) is replaced rather than refused, so that a bad id never costs a request."""

from __future__ import annotations

import random
import re

HEADER = b"x-request-id"
MAX_LENGTH = 128
_SAFE = re.compile(rb"[A-Za-z0-9\-_.:/+=@]{1,128}")


def accepted(value: bytes | None) -> str | None:
    """The header's value as sent when it is safe (see the module), else None."""
    if value is None or _SAFE.fullmatch(value) is None:
        return None
    return value.decode("ascii")


def new() -> str:
    """32 hex digits (128 random bits), the length of a UUID without its dashes. An id is a
    label, not a secret: the process's own generator (no system call per request)."""
    return f"{random.getrandbits(128):032x}"
