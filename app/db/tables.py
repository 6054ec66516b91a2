"""Table definitions (SQLAlchemy Core). Migrations create them; this module describes them."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from .types import EXACT_SUM, UTC_DATETIME, ExactMoney

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Json = JSON(none_as_null=True)  # Python None is SQL NULL, so COALESCE can merge
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements INTEGER PRIMARY KEY only

# A store's live row has its public id; its test space is a twin row whose id is the
# complement of it (app/domain/livemode.py), created with it and kept in step.
stores = Table(
    "stores",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("name", String(255), nullable=False),
    Column("status", String(16), nullable=False),
    Column("region", String(2), nullable=False),
    Column("team", String(255), nullable=True, index=True),
    Column("rate_limit_per_minute", Integer, nullable=True),
    Column("recovery_delay_minutes", Integer, nullable=False, server_default="60"),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("timezone", String(64), nullable=False, server_default="UTC"),  # IANA; dashboards' days
    # The consent each automation needs (app.domain.rules.consent_policy.Requirement).
    Column("cart_recovery_consent", String(16), nullable=False, server_default="subscribed"),
    Column("shipping_notification_consent", String(16), nullable=False, server_default="not_unsubscribed"),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True),
    Column("prefix", String(32), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("scope", String(8), nullable=False),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=True, index=True),
    Column("team", String(255), nullable=True),
    Column("name", String(255), nullable=True),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("revoked_at", UTC_DATETIME, nullable=True),
    Column("test", Boolean, nullable=False, server_default=false()),  # kanal_sk_test_: the test space
)

contacts = Table(
    "contacts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("phone", String(32), nullable=True),  # E.164; null once erased
    Column("phone_type", String(32), nullable=True),
    Column("phone_source", String(16), nullable=True),  # where the phone was last taken from
    Column("external_id", String(255), nullable=True),
    Column("first_name", String(255), nullable=True),
    Column("last_name", String(255), nullable=True),
    Column("email", String(255), nullable=True),
    Column("locale", String(10), nullable=True),
    Column("tags", Json, nullable=True),
    Column("lifetime_value", BigInteger, nullable=True),
    Column("orders_count", BigInteger, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("erased_at", UTC_DATETIME, nullable=True),
    # WhatsApp consent per purpose (app.domain.consent): state, when given, where collected.
    Column("marketing_consent", String(16), nullable=True),
    Column("marketing_consented_at", UTC_DATETIME, nullable=True),
    Column("marketing_consent_source", String(255), nullable=True),
    Column("utility_consent", String(16), nullable=True),
    Column("utility_consented_at", UTC_DATETIME, nullable=True),
    Column("utility_consent_source", String(255), nullable=True),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("updated_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("store_id", "phone"),
    UniqueConstraint("store_id", "external_id"),
)

customers = Table(
    "customers",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False, index=True),
    Column("first_name", String(255), nullable=True),
    Column("last_name", String(255), nullable=True),
    Column("email", String(255), nullable=True),
    Column("locale", String(10), nullable=True),
    Column("tags", Json, nullable=False),
    Column("lifetime_value", BigInteger, nullable=True),
    Column("orders_count", BigInteger, nullable=True),
    Column("revision", Integer, nullable=False),
    Column("source_updated_at", UTC_DATETIME, nullable=True),  # `updated_at` as the source sent it
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("updated_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("store_id", "external_id"),
)

# The contacts given data under a customer id that no row links to it any more (README
# "Erasure"): a customer record's old phones, a contact an order's or a cart's customer gave
# its names to under the id, once that order or cart no longer carries it there. The erasure of
# the id reaches them too. Written only when a write ends a link (app/services/customer_notes.py);
# links ended before migration 0021 (a record's move) or before this note (an order's, a cart's)
# are not known.
customer_contacts = Table(
    "customer_contacts",
    metadata,
    Column("store_id", BigInteger, ForeignKey("stores.id"), primary_key=True),
    Column("external_id", String(255), primary_key=True),  # the customer id
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), primary_key=True),  # the contact given data
    sqlite_with_rowid=False,
)

orders = Table(
    "orders",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False),
    Column("customer_external_id", String(255), nullable=True),
    Column("placed_at", UTC_DATETIME, nullable=False),
    Column("total_price", ExactMoney, nullable=False),
    Column("currency", String(3), nullable=True),
    Column("financial_status", String(64), nullable=True),
    Column("fulfillment_status", String(64), nullable=True),
    Column("line_items", Json, nullable=False),
    Column("tags", Json, nullable=False),
    Column("metadata", Json, nullable=False),
    Column("posted", Json, nullable=True),  # PATCHable fields as the last POST sent them
    Column("shipping_address", Json, nullable=True),  # as sent, see commands.Address
    Column("billing_address", Json, nullable=True),
    Column("phone_source", String(16), nullable=True),  # which phone attached it (PhoneSource)
    Column("detached_at", UTC_DATETIME, nullable=True),  # when an erasure detached it (its contact's erased_at)
    Column("revision", Integer, nullable=False),
    Column("source_updated_at", UTC_DATETIME, nullable=True),  # `updated_at` as the source sent it
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("updated_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("store_id", "external_id"),
    Index(None, "contact_id"),
    Index(None, "store_id", "placed_at"),
    Index(None, "store_id", "customer_external_id"),
)

# Summaries of the orders, kept exact in the transaction of every order write (summaries.py):
# what storeTimeseries and topProducts add up instead of reading each order. `currency` is ""
# for orders without one (a key is never null).
order_hours = Table(
    "order_hours",
    metadata,
    Column("store_id", BigInteger, ForeignKey("stores.id"), primary_key=True),
    Column("hour", UTC_DATETIME, primary_key=True),  # the UTC hour the orders were placed in
    Column("currency", String(3), primary_key=True),
    Column("orders", BigInteger, nullable=False),
    Column("revenue", EXACT_SUM, nullable=False),  # SUM(total_price) in ten-thousandths
    sqlite_with_rowid=False,  # an upsert finds its row in one B-tree: the key's
)

product_days = Table(
    "product_days",
    metadata,
    Column("store_id", BigInteger, ForeignKey("stores.id"), primary_key=True),
    Column("day", UTC_DATETIME, primary_key=True),  # the UTC day (from 00:00) the orders were placed in
    Column("currency", String(3), primary_key=True),
    Column("product", String(32), primary_key=True),  # a digest of (sku, title): texts of any length
    Column("sku", Text, nullable=True),  # as grouped: trimmed, none when blank
    Column("title", Text, nullable=True),  # the lines' title
    Column("lines", BigInteger, nullable=False),
    Column("orders", BigInteger, nullable=False),  # each order once per product, on its greatest title
    Column("quantity", EXACT_SUM, nullable=False),  # ten-thousandths
    Column("revenue", EXACT_SUM, nullable=False),  # ten-thousandths, each line's rounded
    sqlite_with_rowid=False,
)

# Orders per store, UTC hour and pair of statuses, for storeStats' counts per status. A status
# may be none, and none is not "" (a status stored blank before migration 0003 trimmed it): the
# key is a digest of the pair, the statuses as stored beside it.
order_status_hours = Table(
    "order_status_hours",
    metadata,
    Column("store_id", BigInteger, ForeignKey("stores.id"), primary_key=True),
    Column("hour", UTC_DATETIME, primary_key=True),  # the UTC hour the orders were placed in
    Column("statuses", String(32), primary_key=True),  # a digest of (financial_status, fulfillment_status)
    Column("financial_status", String(64), nullable=True),
    Column("fulfillment_status", String(64), nullable=True),
    Column("orders", BigInteger, nullable=False),
    sqlite_with_rowid=False,
)

# The orders and carts an erasure detached (`rules.erased_records_stay_detached`), by key: a
# write of one is known by its own primary key, looked up in the contact upsert's statement.
detached_records = Table(
    "detached_records",
    metadata,
    Column("store_id", BigInteger, ForeignKey("stores.id"), primary_key=True),
    Column("resource", String(16), primary_key=True),  # order or cart
    Column("external_id", String(255), primary_key=True),
    sqlite_with_rowid=False,
)

shipments = Table(
    "shipments",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("order_id", BigInteger, ForeignKey("orders.id"), nullable=False, index=True),
    Column("tracking_number", String(255), nullable=True),
    Column("tracking_url", String(1024), nullable=True),
    Column("carrier", String(255), nullable=True),
    # The carrier as compared (`rules.same_tracking.carrier_key`): carrierPerformance groups by
    # it. Text: NFKC and case folding may write one character as many (`ﷺ` as 18).
    Column("carrier_key", Text, nullable=True),
    Column("status", String(16), nullable=True),
    Column("metadata", Json, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("source_updated_at", UTC_DATETIME, nullable=True),  # `updated_at` as the source sent it
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("updated_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("store_id", "external_id"),
)

# Every status a shipment took, when: carriers' transit times (read/carriers.py).
shipment_statuses = Table(
    "shipment_statuses",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("shipment_id", BigInteger, ForeignKey("shipments.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("at", UTC_DATETIME, nullable=False),  # the write's `updated_at`, else when it arrived
    Index(None, "shipment_id", "at"),
    Index(None, "store_id", "shipment_id"),
)

carts = Table(
    "carts",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("external_id", String(255), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False, index=True),
    Column("customer_external_id", String(255), nullable=True),
    Column("status", String(16), nullable=False),
    # the status live writes left, where a backfill PATCH stored another over it (README
    # "Backfill": history, never the shop's mark); null: `status` is the live one
    Column("live_status", String(16), nullable=True),
    # whether `status` is the shop's word (a live PATCH set it), not a purchase's nor the cart's
    # arrival: an order corrected away undoes only a purchase's recovery
    # (rules/recovery_follows_the_orders); null: set before migration 0029, read by its time
    Column("status_marked", Boolean, nullable=True),
    Column("abandoned_at", UTC_DATETIME, nullable=False),
    Column("completed_at", UTC_DATETIME, nullable=True),  # when the checkout was bought, as sent
    Column("total_price", ExactMoney, nullable=False),
    Column("currency", String(3), nullable=True),
    Column("recovery_url", String(1024), nullable=True),
    Column("line_items", Json, nullable=False),
    Column("tags", Json, nullable=False),
    Column("metadata", Json, nullable=False),
    Column("posted", Json, nullable=True),  # PATCHable fields as the last POST sent them
    Column("backfill", Boolean, nullable=False, server_default=false()),
    Column("recovery_due_at", UTC_DATETIME, nullable=True),  # set when cart.recovery_due fired
    Column("shipping_address", Json, nullable=True),  # as sent, see commands.Address
    Column("billing_address", Json, nullable=True),
    Column("phone_source", String(16), nullable=True),  # which phone attached it (PhoneSource)
    Column("detached_at", UTC_DATETIME, nullable=True),  # when an erasure detached it (its contact's erased_at)
    Column("revision", Integer, nullable=False),
    Column("source_updated_at", UTC_DATETIME, nullable=True),  # `updated_at` as the source sent it
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("updated_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("store_id", "external_id"),
    Index(None, "store_id", "abandoned_at"),
    Index(None, "status", "abandoned_at"),
    Index(None, "store_id", "customer_external_id"),
)

# What each abandonment of a cart (its `abandoned_at`) recorded, written in the transaction of
# the event that says it (app/services/abandonments.py): pruning the outbox deletes the events,
# not these facts, which the once-per-abandoned_at rules and recoveryFunnel read.
cart_abandonments = Table(
    "cart_abandonments",
    metadata,
    Column("cart_id", BigInteger, ForeignKey("carts.id"), primary_key=True),
    Column("abandoned_at", UTC_DATETIME, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),  # a test space's reset clears it
    Column("abandoned_recorded_at", UTC_DATETIME, nullable=True),  # its first cart.abandoned
    Column("recovered_recorded_at", UTC_DATETIME, nullable=True),  # its first cart.recovered
    Column("recovery_due_at", UTC_DATETIME, nullable=True),  # its first cart.recovery_due
    Column("recovery_fired", Boolean, nullable=False, server_default=false()),  # a cart.recovery_due of it fired
    sqlite_with_rowid=False,
)

# The outbox: every command appends its events in the same transaction as its data.
events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True),
    Column("event_id", String(36), nullable=False, unique=True),  # stable public id (UUID)
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("type", String(64), nullable=False),
    Column("subject_type", String(16), nullable=False),
    Column("subject_id", BigInteger, nullable=False),
    Column("contact_id", BigInteger, nullable=True),
    Column("data", Json, nullable=False),
    Column("backfill", Boolean, nullable=False),
    Column("created_at", UTC_DATETIME, nullable=False),
    Column("dispatched_at", UTC_DATETIME, nullable=True),  # fanned out to webhook deliveries
    # The automation the event triggers or settles, and why it fired or not (app.domain.automations).
    Column("automation", String(32), nullable=True),
    Column("reason", String(32), nullable=True),
    Index(None, "store_id", "id"),
    Index(None, "dispatched_at", "id"),
    Index(None, "subject_type", "subject_id"),
    Index(None, "contact_id"),
    # SQLite: an id is never given twice, not even once the newest events are deleted (the feed
    # and webhooks' first events read ids as a position; migration 0027)
    sqlite_autoincrement=True,
)

# Every change of a contact's WhatsApp consent: which purpose, to what, when and where it was
# given, and the write that brought it (a customer, an order or a cart, by its external id).
consent_changes = Table(
    "consent_changes",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False),
    Column("contact_id", BigInteger, ForeignKey("contacts.id"), nullable=False),
    Column("purpose", String(16), nullable=False),
    Column("state", String(16), nullable=False),
    Column("previous_state", String(16), nullable=True),
    Column("consented_at", UTC_DATETIME, nullable=False),
    Column("source", String(255), nullable=True),
    Column("written_by", String(16), nullable=False),  # customer, order or cart
    Column("written_by_id", String(255), nullable=True),  # its external id
    Column("recorded_at", UTC_DATETIME, nullable=False),
    Index(None, "contact_id", "id"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Id, primary_key=True),
    Column("store_id", BigInteger, ForeignKey("stores.id"), nullable=False, index=True),
    Column("url", String(1024), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("events", Json, nullable=False),  # patterns such as "order.*"
    Column("created_at", UTC_DATETIME, nullable=False),
    # The outbox's next id when it was written: it gets the events from this one on (dispatch.py).
    Column("first_event_id", BigInteger, nullable=False),
    Column("removed_at", UTC_DATETIME, nullable=True),
    # Health, kept by the worker: the last 2xx, failed attempts since, failing since when, and
    # when (and why) it was disabled for failing too long (app.automations.health).
    Column("last_success_at", UTC_DATETIME, nullable=True),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("failing_since", UTC_DATETIME, nullable=True),
    Column("disabled_at", UTC_DATETIME, nullable=True),
    Column("disabled_reason", String(1024), nullable=True),
    Column("test_events", Boolean, nullable=False, server_default=false()),  # the test space's events too
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Id, primary_key=True),
    Column("event_id", BigInteger, ForeignKey("events.id"), nullable=False),
    Column("webhook_id", BigInteger, ForeignKey("webhooks.id"), nullable=False),
    Column("ordering_key", String(64), nullable=False),  # webhook + subject: delivered in order
    Column("status", String(16), nullable=False),  # pending, delivered, dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTC_DATETIME, nullable=False),
    Column("locked_until", UTC_DATETIME, nullable=True),
    Column("last_error", String(1024), nullable=True),
    Column("last_status", Integer, nullable=True),
    Column("delivered_at", UTC_DATETIME, nullable=True),
    Column("created_at", UTC_DATETIME, nullable=False),
    UniqueConstraint("event_id", "webhook_id"),
    Index(None, "status", "id"),  # claims take pending deliveries in id order, reading no more than they take
    Index(None, "ordering_key", "status", "id"),
)

# One row that workers lock while they fan events out, so that the events of one subject
# become deliveries in the order they happened.
dispatch_lock = Table(
    "dispatch_lock",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
)

# PostgreSQL: a version per set of rows a server keeps between requests (kept.py), replaced
# by a trigger in every transaction that changes their tables (migration 0009). SQLite's
# data_version plays this part there; the table exists on both so the schemas stay one.
kept_versions = Table(
    "kept_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False),
)
