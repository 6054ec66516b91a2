"""Order statuses in one form: stored financial and fulfilment statuses, and those the last POST
carried (`posted`), trimmed and lower-cased as new writes are (README, "Order statuses").

Data only. The rule is written out here, not imported, so this step keeps its meaning if the
application's rule changes later.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 10:00:00
"""

from alembic import op

from app.db.order_status_forms import bring_to_form

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _form(value: str) -> str:
    return value.strip().lower()


def upgrade() -> None:
    bring_to_form(op.get_bind(), _form)


def downgrade() -> None:
    pass  # the original spellings are not kept
