"""Kept rows on PostgreSQL: `kept_versions`, one row per set of rows a server keeps between
requests (app/db/kept.py), which a trigger replaces in every transaction that changes the
tables they come from. Servers read it once per turn of their event loop and drop what they
kept when it changed: a change made by any connection, any process, is seen by the next
request. On SQLite `PRAGMA data_version` does this; the table is created there too, unused,
so that both engines have one schema.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:40:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Kept rows by name (KeptRows.name) and the tables they come from.
KEPT = {"auth_rows": ("api_keys", "stores")}
FUNCTION = "kanal_kept_rows_changed"


def upgrade() -> None:
    op.create_table(
        "kept_versions",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_kept_versions")),
    )
    if op.get_bind().dialect.name != "postgresql":
        return
    # The version is the changing transaction's id: unique, so a new version never equals
    # one a server read before, even after the row was deleted (a TRUNCATE in tests).
    # Statement-level: one upsert per statement, however many rows it touched.
    op.execute(f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO kept_versions (name, version) VALUES (TG_ARGV[0], txid_current())
            ON CONFLICT (name) DO UPDATE SET version = excluded.version;
            RETURN NULL;
        END
        $$
    """)
    for name, tables in KEPT.items():
        op.execute(f"INSERT INTO kept_versions (name, version) VALUES ('{name}', txid_current())")
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {FUNCTION}_{name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}('{name}')"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name, tables in KEPT.items():
            for table in tables:
                op.execute(f"DROP TRIGGER IF EXISTS {FUNCTION}_{name} ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
    op.drop_table("kept_versions")
