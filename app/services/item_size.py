"""A batch item's size as a single POST would carry it, for the single endpoint's body limit
(`Settings.max_body_bytes`, 413 on a single POST; README, "Batches")."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any


def oversized(item: Any, limit: int) -> int | None:
    """The size in bytes of `item` (parsed JSON: dicts, lists, text, int, Decimal, bool, None)
    as compact JSON in UTF-8 — no spaces, characters as themselves, numbers as parsed (Decimal's
    own text): the smallest body a single POST could carry it in — when over `limit` bytes;
    None when within. Raises RecursionError on an item nested past what the encoder takes."""
    # Decimals are written quoted here (json has no raw number for them): 2 bytes over each,
    # counted off only for an item past the limit, where the exact size matters.
    text = json.dumps(item, ensure_ascii=False, separators=(",", ":"), default=str)
    upper = len(text.encode("utf-8", "surrogatepass"))  # a lone surrogate: refused on its field
    if upper <= limit:
        return None
    size = upper - 2 * _decimals(item)
    return size if size > limit else None


def _decimals(item: Any) -> int:
    count, pending = 0, [item]
    while pending:  # not recursive: an item nested as deep as the parser allows is walked too
        value = pending.pop()
        if isinstance(value, Decimal):
            count += 1
        elif isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
    return count
