"""An event's id is never given twice (README "Outbox lifecycle"). On SQLite an `INTEGER PRIMARY
KEY` takes one more than the largest id stored: once the newest events were deleted (the test
space's reset, `kanal events prune`, the retention), the next events took their ids again, below
where the live feed had read (its subscribers never got them) and below a webhook's first event
(`webhooks.first_event_id`: marked dispatched, delivered to none). SQLite's `AUTOINCREMENT` keeps
the largest id ever given (`sqlite_sequence`); PostgreSQL's sequence already never goes back.

SQLite only: the table is built again with it (Alembic's batch mode copies its rows and
indexes), and the sequence starts past every id known to have been given: the largest event
stored and the one before a webhook's first. Ids given and deleted before this version beyond
those are not known; the feed's readers restart with the server after an upgrade.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

_GIVEN = sa.text(
    "SELECT MAX(given) FROM ("
    "SELECT COALESCE(MAX(id), 0) AS given FROM events "
    "UNION ALL SELECT COALESCE(MAX(first_event_id) - 1, 0) FROM webhooks)"
)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    given = int(bind.scalar(_GIVEN) or 0)
    with op.batch_alter_table("events", recreate="always", table_kwargs={"sqlite_autoincrement": True}):
        pass
    # The copy set the sequence to the largest id copied; a larger one given before goes on.
    bind.execute(sa.text("DELETE FROM sqlite_sequence WHERE name = 'events'"))
    bind.execute(sa.text("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', :given)"), {"given": given})


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    with op.batch_alter_table("events", recreate="always", table_kwargs={"sqlite_autoincrement": False}):
        pass
