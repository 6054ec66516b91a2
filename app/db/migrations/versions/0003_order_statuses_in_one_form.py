"""Order statuses in one form: stored financial and fulfilment statuses, and those the last POST
carried (`posted`), trimmed and lower-cased as new writes are (README, "Order statuses").

Data only. The rule is written out here, not imported, so this step keeps its meaning if the
application's rule changes later.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_STATUSES = ("financial_status", "fulfillment_status")


def _form(value: Any) -> Any:
    return value.strip().lower() if isinstance(value, str) else value


def upgrade() -> None:
    conn = op.get_bind()
    for name in _STATUSES:
        _normalise(conn, name, name, ":new")
        if conn.dialect.name == "sqlite":
            _normalise(conn, "posted", f"json_extract(posted, '$.{name}')", f"json_set(posted, '$.{name}', :new)")
        else:  # through jsonb, which keeps the other values' numbers exact
            value = f"(posted::jsonb ->> '{name}')"
            _normalise(
                conn, "posted", value, f"jsonb_set(posted::jsonb, '{{{name}}}', to_jsonb(CAST(:new AS text)))::json"
            )


def _normalise(conn: sa.Connection, target: str, value_sql: str, set_sql: str) -> None:
    """For each distinct value of `value_sql` not in its form (a store has a handful), one
    `UPDATE orders SET target = set_sql` (`:new` the value in its form) where it is held."""
    found = conn.execute(sa.text(f"SELECT DISTINCT {value_sql} FROM orders WHERE {value_sql} IS NOT NULL"))
    for (value,) in found.all():
        if isinstance(value, str) and _form(value) != value:
            statement = sa.text(f"UPDATE orders SET {target} = {set_sql} WHERE {value_sql} = :old")
            conn.execute(statement, {"old": value, "new": _form(value)})


def downgrade() -> None:
    pass  # the original spellings are not kept
