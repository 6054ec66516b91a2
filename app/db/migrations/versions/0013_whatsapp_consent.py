"""WhatsApp consent per purpose on contacts, its history, the stores' consent policy, and the
automation reason recorded on events (issue 15).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 15:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_PURPOSES = ("marketing", "utility")


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for purpose in _PURPOSES:
            batch_op.add_column(sa.Column(f"{purpose}_consent", sa.String(length=16), nullable=True))
            batch_op.add_column(sa.Column(f"{purpose}_consented_at", sa.DateTime(timezone=True), nullable=True))
            batch_op.add_column(sa.Column(f"{purpose}_consent_source", sa.String(length=255), nullable=True))
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("cart_recovery_consent", sa.String(length=16), server_default="subscribed", nullable=False)
        )
        batch_op.add_column(
            sa.Column(
                "shipping_notification_consent", sa.String(length=16), server_default="not_unsubscribed", nullable=False
            )
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("automation", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.String(length=32), nullable=True))
    op.create_table(
        "consent_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("previous_state", sa.String(length=16), nullable=True),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=255), nullable=True),
        sa.Column("written_by", sa.String(length=16), nullable=False),
        sa.Column("written_by_id", sa.String(length=255), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_consent_changes_contact_id_contacts")),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_consent_changes_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_changes")),
    )
    op.create_index(op.f("ix_consent_changes_contact_id_id"), "consent_changes", ["contact_id", "id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_consent_changes_contact_id_id"), table_name="consent_changes")
    op.drop_table("consent_changes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("automation")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("shipping_notification_consent")
        batch_op.drop_column("cart_recovery_consent")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        for purpose in reversed(_PURPOSES):
            for suffix in ("consent_source", "consented_at", "consent"):
                batch_op.drop_column(f"{purpose}_{suffix}")
