"""Webhook signatures: `Kanal-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.

Receivers recompute the HMAC over the timestamp and the raw body, compare in constant time,
and reject a timestamp older than a few minutes (a replayed delivery)."""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "Kanal-Signature"
TOLERANCE_SECONDS = 300


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def verify(secret: str, header: str, body: bytes, now: float | None = None) -> bool:
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        moment = int(parts["t"])
    except (ValueError, KeyError):
        return False
    if abs((time.time() if now is None else now) - moment) > TOLERANCE_SECONDS:
        return False
    expected = sign(secret, body, moment).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
