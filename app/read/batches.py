"""Batch reads behind the GraphQL DataLoaders: one statement per relation and page of parents,
answering records (app.domain.records)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, and_, func, or_, select

from app.db.tables import carts, consent_changes, contacts, deliveries, events, orders, shipments, webhooks
from app.domain import records
from app.domain.records import of_row

from .columns import joined
from .money_sums import money_sum, summed
from .revenue import currency_order

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Row = dict[str, Any]
R = TypeVar("R", bound="DataclassInstance")


def _group(rows: Sequence[Any], key: str, record: type[R]) -> dict[Any, list[R]]:
    """The rows as `record`s, grouped by their column `key`."""
    grouped: dict[Any, list[R]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(of_row(record, row))
    return grouped


def contacts_by_id(conn: Connection, ids: Sequence[int]) -> list[records.Contact | None]:
    query = select(contacts).where(contacts.c.id.in_(ids))
    found = {row["id"]: of_row(records.Contact, row) for row in conn.execute(query).mappings()}
    return [found.get(contact_id) for contact_id in ids]


def orders_by_id(conn: Connection, ids: Sequence[int]) -> list[records.Order | None]:
    query = select(orders, *joined(orders)).where(orders.c.id.in_(ids))
    found = {row["id"]: of_row(records.Order, row) for row in conn.execute(query).mappings()}
    return [found.get(order_id) for order_id in ids]


def shipments_by_order(conn: Connection, order_ids: Sequence[int]) -> list[list[records.Shipment]]:
    query = select(shipments, *joined(shipments)).where(shipments.c.order_id.in_(order_ids)).order_by(shipments.c.id)
    grouped = _group(conn.execute(query).mappings().all(), "order_id", records.Shipment)
    return [grouped.get(order_id, []) for order_id in order_ids]


def _latest_per_contact(
    conn: Connection, table: Any, sort: Any, keys: Sequence[tuple[int, int]], record: type[R]
) -> list[list[R]]:
    """The `limit` newest rows of each contact, for (contact_id, limit) keys, in one statement."""
    limit = max(limit for _, limit in keys)
    rank = func.row_number().over(partition_by=table.c.contact_id, order_by=(sort.desc(), table.c.id.desc()))
    ranked = (
        select(table, *joined(table), rank.label("rank"))
        .where(table.c.contact_id.in_({cid for cid, _ in keys}))
        .subquery()
    )
    query = select(ranked).where(ranked.c.rank <= limit).order_by(ranked.c.contact_id, ranked.c.rank)
    grouped = _group(conn.execute(query).mappings().all(), "contact_id", record)
    return [grouped.get(contact_id, [])[:wanted] for contact_id, wanted in keys]


def latest_orders_by_contact(conn: Connection, keys: Sequence[tuple[int, int]]) -> list[list[records.Order]]:
    return _latest_per_contact(conn, orders, orders.c.placed_at, keys, records.Order)


def latest_carts_by_contact(conn: Connection, keys: Sequence[tuple[int, int]]) -> list[list[records.Cart]]:
    return _latest_per_contact(conn, carts, carts.c.abandoned_at, keys, records.Cart)


def totals_by_contact(conn: Connection, contact_ids: Sequence[int]) -> list[Row]:
    """Order count, last order time and amount spent per currency (`currency_order`), for each
    contact."""
    query = (
        select(
            orders.c.contact_id,
            orders.c.currency,
            func.count().label("orders"),
            *money_sum(orders.c.total_price, "spent"),
            func.max(orders.c.placed_at).label("last"),
        )
        .where(orders.c.contact_id.in_(contact_ids))
        .group_by(orders.c.contact_id, orders.c.currency)
    )
    totals: dict[int, Row] = {cid: {"orders_count": 0, "spent": [], "last_order_at": None} for cid in contact_ids}
    for row in conn.execute(query).mappings():
        total = totals[row["contact_id"]]
        total["orders_count"] += row["orders"]
        total["spent"].append({"currency": row["currency"], "amount": summed(row, "spent")})
        if total["last_order_at"] is None or row["last"] > total["last_order_at"]:
            total["last_order_at"] = row["last"]
    for total in totals.values():
        total["spent"].sort(key=lambda spent: currency_order(spent["currency"]))
    return [totals[cid] for cid in contact_ids]


def events_by_subject(conn: Connection, keys: Sequence[tuple[str, int]]) -> list[list[records.Event]]:
    """Every event of each (subject_type, subject_id), oldest first. Both columns are in the
    condition, one `subject_type = ? AND subject_id IN (…)` per type, so the lookup is a search
    of the events' (subject_type, subject_id) index, not a scan of the table."""
    ids_by_type: dict[str, set[int]] = defaultdict(set)
    for subject_type, subject_id in keys:
        ids_by_type[subject_type].add(subject_id)
    per_type = [
        and_(events.c.subject_type == subject_type, events.c.subject_id.in_(sorted(ids)))
        for subject_type, ids in sorted(ids_by_type.items())
    ]
    query = select(events).where(or_(*per_type)).order_by(events.c.id)
    grouped: dict[tuple[str, int], list[records.Event]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        grouped[(row["subject_type"], row["subject_id"])].append(of_row(records.Event, row))
    return [grouped.get(key, []) for key in keys]


def events_by_contact(conn: Connection, contact_ids: Sequence[int]) -> list[list[records.Event]]:
    query = select(events).where(events.c.contact_id.in_(contact_ids)).order_by(events.c.id)
    grouped = _group(conn.execute(query).mappings().all(), "contact_id", records.Event)
    return [grouped.get(contact_id, []) for contact_id in contact_ids]


def deliveries_by_event(conn: Connection, event_ids: Sequence[int]) -> list[list[records.Delivery]]:
    query = (
        select(deliveries, webhooks.c.url)
        .join(webhooks, webhooks.c.id == deliveries.c.webhook_id)
        .where(deliveries.c.event_id.in_(event_ids))
        .order_by(deliveries.c.id)
    )
    grouped = _group(conn.execute(query).mappings().all(), "event_id", records.Delivery)
    return [grouped.get(event_id, []) for event_id in event_ids]


def consent_changes_by_contact(conn: Connection, contact_ids: Sequence[int]) -> list[list[records.ConsentChange]]:
    """Each contact's consent history, oldest first."""
    query = select(consent_changes).where(consent_changes.c.contact_id.in_(contact_ids)).order_by(consent_changes.c.id)
    grouped = _group(conn.execute(query).mappings().all(), "contact_id", records.ConsentChange)
    return [grouped.get(contact_id, []) for contact_id in contact_ids]
