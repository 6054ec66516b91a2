"""None and our StrEnum members bound by sqlite3 without its slow path.

sqlite3 binds an exact str, int, float or bytearray as it is; any other value (None, a
StrEnum member: an event's type, a reason, a phone source) it first tries to adapt: a look-up
in its adapter registry, then `__adapt__` and `__conform__`, two failed attribute look-ups
whose AttributeErrors are built and dropped, before it binds the value as it is. A write of
an order binds about five Nones and four members, and those failures were some 3% of the
instructions the whole request cost. With an adapter registered for the value's class, the
registry look-up finds it: None is bound as None (NULL), a member as `str(member)` (a
StrEnum's `str()` is its value), the same as before.
"""

from __future__ import annotations

import sqlite3
from enum import StrEnum

# The modules whose enums columns hold, imported so that `register` finds their classes.
from app.domain import automations, consent, event_types, statuses  # noqa: F401
from app.domain.rules import consent_policy, phone_of_the_order  # noqa: F401


def _with_subclasses(cls: type) -> list[type]:
    direct: list[type] = type.__subclasses__(cls)
    return [found for subclass in direct for found in (subclass, *_with_subclasses(subclass))]


def _null(value: None) -> None:
    return None


def register() -> None:
    """Register the sqlite3 adapters: for None, and `str` for every StrEnum class defined so
    far, those of the modules imported here among them (sqlite3's registry is the process's;
    a class defined later is still bound right, the slow way). Idempotent."""
    sqlite3.register_adapter(type(None), _null)
    for cls in _with_subclasses(StrEnum):
        sqlite3.register_adapter(cls, str)
