"""None and our StrEnum members are bound by sqlite3 through the adapters `app.db.sqlite_binds`
registers, as they were bound without them: NULL, and a member's value as text."""

from __future__ import annotations

import sqlite3
from enum import StrEnum

import pytest

from app.db import sqlite_binds

sqlite_binds.register()
OURS = [cls for cls in sqlite_binds._with_subclasses(StrEnum) if cls.__module__.startswith("app.")]
MEMBERS = [member for cls in OURS for member in cls]


def test_the_enums_columns_hold_are_registered() -> None:
    names = {cls.__name__ for cls in OURS}
    expected = {"EventType", "SubjectType", "Automation", "Reason", "PhoneSource", "StoreStatus", "Purpose"}
    assert expected <= names
    assert all(sqlite3.adapters[(cls, sqlite3.PrepareProtocol)] is str for cls in OURS)


@pytest.mark.parametrize("member", MEMBERS, ids=lambda member: f"{type(member).__name__}.{member.name}")
def test_a_member_is_bound_as_its_value(member: StrEnum) -> None:
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT ?, typeof(?)", (member, member)).fetchone() == (member.value, "text")


def test_none_is_bound_as_null() -> None:
    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is sqlite_binds._null
    with sqlite3.connect(":memory:") as conn:
        assert conn.execute("SELECT ?, typeof(?)", (None, None)).fetchone() == (None, "null")
