"""Outbox events, webhook subscriptions and deliveries, cart recovery bookkeeping.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:17:32.636193
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=16), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("contact_id", sa.BigInteger(), nullable=True),
        sa.Column("data", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("backfill", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_events_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("event_id", name=op.f("uq_events_event_id")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_dispatched_at_id"), ["dispatched_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_store_id_id"), ["store_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_events_subject_type_subject_id"), ["subject_type", "subject_id"], unique=False
        )

    op.create_table(
        "webhooks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger(), nullable=False),
        sa.Column("url", sa.String(length=1024), nullable=False),
        sa.Column("secret", sa.String(length=128), nullable=False),
        sa.Column("events", sa.JSON(none_as_null=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_webhooks_store_id_stores")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhooks_store_id"), ["store_id"], unique=False)

    op.create_table(
        "deliveries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event_id", sa.BigInteger(), nullable=False),
        sa.Column("webhook_id", sa.BigInteger(), nullable=False),
        sa.Column("ordering_key", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=1024), nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_deliveries_event_id_events")),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], name=op.f("fk_deliveries_webhook_id_webhooks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("event_id", "webhook_id", name=op.f("uq_deliveries_event_id_webhook_id")),
    )
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_deliveries_ordering_key_status_id"), ["ordering_key", "status", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_deliveries_status_next_attempt_at"), ["status", "next_attempt_at"], unique=False
        )

    op.create_table(
        "dispatch_lock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispatch_lock")),
    )
    op.execute("INSERT INTO dispatch_lock (id) VALUES (1)")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("posted", sa.JSON(none_as_null=True), nullable=True))

    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("posted", sa.JSON(none_as_null=True), nullable=True))
        batch_op.add_column(sa.Column("backfill", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("recovery_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_carts_status_abandoned_at"), ["status", "abandoned_at"], unique=False)

    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recovery_delay_minutes", sa.Integer(), server_default="60", nullable=False))


def downgrade() -> None:
    op.drop_table("dispatch_lock")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("recovery_delay_minutes")

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("posted")

    with op.batch_alter_table("carts", schema=None) as batch_op:
        batch_op.drop_column("posted")
        batch_op.drop_index(batch_op.f("ix_carts_status_abandoned_at"))
        batch_op.drop_column("recovery_due_at")
        batch_op.drop_column("backfill")

    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deliveries_status_next_attempt_at"))
        batch_op.drop_index(batch_op.f("ix_deliveries_ordering_key_status_id"))

    op.drop_table("deliveries")
    with op.batch_alter_table("webhooks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhooks_store_id"))

    op.drop_table("webhooks")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_subject_type_subject_id"))
        batch_op.drop_index(batch_op.f("ix_events_store_id_id"))
        batch_op.drop_index(batch_op.f("ix_events_contact_id"))
        batch_op.drop_index(batch_op.f("ix_events_dispatched_at_id"))

    op.drop_table("events")
