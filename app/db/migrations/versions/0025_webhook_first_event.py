"""Each webhook's first event (`webhooks.first_event_id`, README "Outbox lifecycle"): the id
the outbox's next event took when the webhook was written. The fan-out gives a webhook the
events from that id on (`dispatch.subscribed`), in the order they were committed: an event
stamped before the webhook but committed after it is the webhook's, where comparing times
withheld it (and a clock of the command's host ahead of the server's withheld more).

Webhooks written before this version get the first event stamped at or after their creation,
as the fan-out chose them until now, or the next id when none is stored.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 22:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_event_id", sa.BigInteger(), nullable=True))
    op.execute(
        "UPDATE webhooks SET first_event_id = COALESCE("
        "(SELECT MIN(events.id) FROM events WHERE events.created_at >= webhooks.created_at), "
        "(SELECT MAX(events.id) FROM events) + 1, 1)"
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.alter_column("first_event_id", existing_type=sa.BigInteger(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_column("first_event_id")
