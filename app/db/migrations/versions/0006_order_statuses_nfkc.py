"""Order statuses in Unicode NFKC: stored financial and fulfilment statuses, and those the last
POST carried, as new writes are (README, "Order statuses"): full-width `ＰＡＩＤ` is `paid`.

Data only. The rule is written out here, not imported, so this step keeps its meaning if the
application's rule changes later.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 11:50:00
"""

import unicodedata

from alembic import op

from app.db.order_status_forms import bring_to_form

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _form(value: str) -> str:
    return unicodedata.normalize("NFKC", value).strip().lower()


def upgrade() -> None:
    bring_to_form(op.get_bind(), _form)


def downgrade() -> None:
    pass  # the original spellings are not kept
