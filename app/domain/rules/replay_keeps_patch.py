"""A replayed POST never undoes a PATCH (README, "Replays never undo a PATCH"; SPEC §6: a replay
that changes nothing emits nothing).

Shops retry POSTs and relay old webhooks. The fields a PATCH may change (an order's statuses,
tags, metadata; a cart's recovery URL, tags, metadata) are merged three ways on POST: where the
POST carries the same JSON value as the previous POST did, the value stored now (perhaps set by
a PATCH since) is kept; where it carries a new value, the POST replaces it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from app.domain.json_values import json_default


def kept_by_replay(
    previous_post: Mapping[str, Any] | None, post: Mapping[str, Any], stored: Mapping[str, Any]
) -> dict[str, Any]:
    """The patchable fields whose stored value stays: those `post` repeats from `previous_post`
    (the values the last POST carried; None when no POST was recorded), with the `stored`
    value. `post` maps every patchable field to the value this POST carries."""
    if not previous_post:
        return {}
    return {name: stored[name] for name, value in post.items() if same_json(previous_post.get(name), value)}


def same_json(left: Any, right: Any) -> bool:
    """Equal as JSON values (RFC 8259): Python's == finds False == 0 and True == 1, JSON does
    not; key order does not count, and 1 is 1.0. One side may have been read back from a JSON
    column, the other be as validated (Decimals): both are written as a JSON column writes them."""
    return _canonical(left) == _canonical(right)


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, default=json_default, option=orjson.OPT_SORT_KEYS)
