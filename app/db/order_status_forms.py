"""Brings stored order statuses to a form, for the migrations that change that form (0003, 0006).

Each migration passes its own `form` function, written out in the migration, so a step keeps
its meaning if the application's rule (`app.domain.statuses.order_status`) changes later."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

_STATUSES = ("financial_status", "fulfillment_status")


def bring_to_form(conn: sa.Connection, form: Callable[[str], str]) -> None:
    """Rewrite every stored financial and fulfilment status of `orders`, and those its last POST
    carried (`posted`, JSON), that `form` changes. One UPDATE per distinct value not in its form
    (a store has a handful)."""
    for name in _STATUSES:
        _normalise(conn, form, name, name, ":new")
        if conn.dialect.name == "sqlite":
            _normalise(conn, form, "posted", f"json_extract(posted, '$.{name}')", f"json_set(posted, '$.{name}', :new)")
        else:  # through jsonb, which keeps the other values' numbers exact
            value = f"(posted::jsonb ->> '{name}')"
            _normalise(
                conn,
                form,
                "posted",
                value,
                f"jsonb_set(posted::jsonb, '{{{name}}}', to_jsonb(CAST(:new AS text)))::json",
            )


def _normalise(conn: sa.Connection, form: Callable[[str], str], target: str, value_sql: str, set_sql: str) -> None:
    found = conn.execute(sa.text(f"SELECT DISTINCT {value_sql} FROM orders WHERE {value_sql} IS NOT NULL"))
    for (value,) in found.all():
        if isinstance(value, str) and form(value) != value:
            statement = sa.text(f"UPDATE orders SET {target} = {set_sql} WHERE {value_sql} = :old")
            conn.execute(statement, {"old": value, "new": form(value)})
