"""`app.state` (app.main.AppState) keeps Starlette's State behaviour: what is set is read back as
an attribute and as an item, whichever way it was set, and is gone once deleted."""

from __future__ import annotations

import pytest

from app.main import AppState
from tests.conftest import Api


def test_a_value_set_as_an_attribute_is_read_both_ways_and_deleted() -> None:
    state = AppState()
    state.db = "first"
    state.db = "second"
    assert (state.db, state["db"], state._state) == ("second", "second", {"db": "second"})
    del state.db
    with pytest.raises(AttributeError):
        state.db  # noqa: B018
    assert state._state == {}


def test_a_value_set_as_an_item_is_read_as_an_attribute() -> None:
    state = AppState()
    state["limiter"] = 1
    assert (state.limiter, state._state) == (1, {"limiter": 1})


def test_the_app_created_keeps_its_objects_there(api: Api) -> None:
    state = api.app.state
    assert isinstance(state, AppState)
    assert [getattr(state, name) is state._state[name] for name in ("settings", "db", "limiter")] == [True] * 3
