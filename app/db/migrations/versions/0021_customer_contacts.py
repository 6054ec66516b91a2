"""The contacts a customer record left when it moved to another phone's contact (README
"Erasure"): the erasure of its customer id reaches them too, where it reached only the contacts
that carry the id now, so the old phone's contact kept the person's names, email and tags.
Moves made before this revision were not noted and are not known: the table starts empty.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 08:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_contacts",
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_customer_contacts_contact_id_contacts")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_customer_contacts_store_id_stores")),
        sa.PrimaryKeyConstraint("store_id", "external_id", "contact_id", name=op.f("pk_customer_contacts")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("customer_contacts")
