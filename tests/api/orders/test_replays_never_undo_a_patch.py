"""Replays never undo a PATCH (README, "Decisions the specification left open"), with JSON
look-alikes: a POST carrying the same JSON value as the previous POST keeps what a PATCH set since;
a POST carrying a new value replaces it, compared type-strictly (`false` is not `0`) and without
regard to key order."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api, order_body


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param(False, 0, id="false then 0"),
        pytest.param(True, 1, id="true then 1"),
        pytest.param(0, False, id="0 then false"),
        pytest.param("0", 0, id="'0' then 0"),
        pytest.param(None, "null", id="null then 'null'"),
        pytest.param([], {}, id="[] then {}"),
    ],
)
async def test_a_post_with_a_new_json_value_replaces_what_a_patch_set(api: Api, first: Any, second: Any) -> None:
    """JSON look-alikes through the replay rule: a POST replaying the previous POST keeps a PATCH,
    a POST carrying a *different* JSON value replaces it, even when Python finds the two equal
    (False == 0 and True == 1 once made such a POST count as a replay and drop the new value)."""
    assert (await api.post("/orders", order_body(metadata={"a": first}))).status_code == 201
    assert (await api.patch("/orders/ORDER-1001", {"metadata": {"a": "patched"}})).status_code == 200
    replay = await api.post("/orders", order_body(metadata={"a": first}))
    assert (replay.status_code, replay.json()["metadata"]) == (200, {"a": "patched"})  # the documented replay rule
    changed = await api.post("/orders", order_body(metadata={"a": second}))
    assert changed.status_code == 200
    stored = (await api.get("/orders/ORDER-1001")).json()["metadata"]
    assert json.dumps(stored) == json.dumps({"a": second}), stored


@pytest.mark.parametrize(
    ("first", "second"),
    [
        pytest.param({"a": 1, "b": [True]}, {"b": [True], "a": 1}, id="keys in another order"),
        pytest.param({"a": 1}, {"a": 1.0}, id="1 then 1.0"),
    ],
)
async def test_a_post_with_the_same_json_value_is_a_replay(api: Api, first: Any, second: Any) -> None:
    """The type-strict comparison still finds the same JSON value the same: key order is not
    part of it, and 1.0 is stored as 1."""
    assert (await api.post("/orders", order_body(metadata=first))).status_code == 201
    patched = await api.patch("/orders/ORDER-1001", {"metadata": {"a": "patched"}})
    assert patched.status_code == 200
    replay = await api.post("/orders", order_body(metadata=second))
    assert replay.status_code == 200
    assert replay.json()["metadata"] == patched.json()["metadata"]
