"""`Kanal-Backfill` (README "Backfill"): `true` marks a historical import (stored, its events
recorded but never delivered), `false` or no header a live write; case and surrounding spaces
do not matter, and an empty value is no header. Any other value (`1`, `yes`, `on`) is refused
with 400 before anything is read or written, rather than taken as live: a shop that meant
backfill would otherwise have its customers messaged about last year's orders."""

from __future__ import annotations

HEADER = "Kanal-Backfill"


class InvalidBackfill(ValueError):
    """A `Kanal-Backfill` value that is neither true nor false (answered 400)."""


def backfill(value: str | None) -> bool:
    """True for `true`, False for `false`, no header or an empty one; raises InvalidBackfill else."""
    word = (value or "").strip().lower()
    if word in ("", "false"):
        return False
    if word == "true":
        return True
    raise InvalidBackfill(f"{HEADER} must be true or false, got {(value or '').strip()!r}.")
