"""Dashboard lists: filtered, newest first, keyset-paginated, counted only on demand.

A filter given is applied as given: a blank one never reaches here, the GraphQL edge reads it
as none given (`graphql_schema.blank_filters`). A phone or an id that looks one contact up
(`contact_listing` for `contact(phone:)`) is not a filter: it is read as sent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Connection, Select, Table, select

from app.db.tables import carts, contacts, events, orders, shipments
from app.domain import consent as consent_columns
from app.domain.consent import Purpose
from app.domain.event_types import SubjectType
from app.domain.statuses import CartStatus, ShipmentStatus, order_status
from app.services.customers import contacts_of_customers

from . import columns, filters
from .pages import Page, count, fetch_page


@dataclass(frozen=True)
class OrderFilter:
    financial_status: str | None = None
    fulfillment_status: str | None = None
    placed_after: str | datetime | None = None
    placed_before: str | datetime | None = None
    tag: str | None = None
    phone: str | None = None
    search: str | None = None


@dataclass(frozen=True)
class Listing:
    """A list query and the columns its pages are sorted by (descending)."""

    query: Select[Any]
    order: tuple[Column[Any], ...]

    def page(self, conn: Connection, first: int, after: list[Any] | None, scope: str) -> Page:
        """`after` is the sort key `pages.after_key` read from a cursor of the list in `scope`."""
        record = columns.RECORDS[self.order[0].table.name]
        return fetch_page(conn, self.query, self.order, first, after, record, scope)

    def count(self, conn: Connection) -> int:
        return count(conn, self.query)


def _text(value: str, *path: str) -> str:
    return filters.text(value, path)


def _of_store(table: Table, store_id: int) -> Select[Any]:
    return select(table, *columns.joined(table)).where(table.c.store_id == store_id)


def order_listing(store_id: int, region: str, dialect: str, where: OrderFilter | None) -> Listing:
    where = where or OrderFilter()
    if where.phone is not None and dialect == "sqlite":
        # One contact's orders: SQLite, without statistics, walked every order of the store in
        # `placed_at` order (ix_orders_store_id_placed_at) to find them, 0.1 s for 40,000
        # orders and growing; the store's scope as an expression leaves it the contact's index
        # (its orders, then sorted: a few rows).
        query = select(orders, *columns.joined(orders)).where(orders.c.store_id + 0 == store_id)
    else:
        query = _of_store(orders, store_id)
    if where.financial_status is not None:
        status = order_status(_text(where.financial_status, "filter", "financialStatus"))
        query = query.where(orders.c.financial_status == status)
    if where.fulfillment_status is not None:
        status = order_status(_text(where.fulfillment_status, "filter", "fulfillmentStatus"))
        query = query.where(orders.c.fulfillment_status == status)
    if where.placed_after is not None:
        query = query.where(orders.c.placed_at >= filters.moment(where.placed_after, "placedAfter"))
    if where.placed_before is not None:
        query = query.where(orders.c.placed_at < filters.moment(where.placed_before, "placedBefore"))
    if where.tag is not None:
        query = query.where(filters.has_tag(orders.c.tags, _text(where.tag, "filter", "tag"), dialect))
    if where.phone is not None:
        query = query.where(filters.contact_of_phone(store_id, where.phone, region, orders.c.contact_id))
    if where.search is not None:
        query = query.where(filters.starts_with(orders.c.external_id, _text(where.search, "filter", "search")))
    return Listing(query, (orders.c.placed_at, orders.c.id))


def contact_listing(
    store_id: int,
    region: str,
    phone: str | None = None,
    search: str | None = None,
    external_id: str | None = None,
    consent: Mapping[Purpose, str | None] | None = None,
) -> Listing:
    """Contacts of the store, newest first; `external_id` keeps the customer's contact, `search`
    the contacts of the customers whose id starts with it (`customers.contacts_of_customers`,
    as REST's GET /customers/{id} reads a customer); `consent` keeps those whose state for each
    purpose named is the one given (`not_subscribed` also matches a consent never given).
    Raises ValidationFailed (`invalid_choice` on consent.<purpose>) for an unknown state, or
    text no engine can compare (`filters.text`)."""
    query = _of_store(contacts, store_id)
    for purpose, state in (consent or {}).items():
        if state is not None:
            query = query.where(
                filters.consent_is(contacts.c[consent_columns.columns(purpose)[0]], state, ("consent", purpose))
            )
    if external_id is not None:
        wanted = _text(external_id, "externalId")
        query = query.where(contacts.c.id.in_(contacts_of_customers(store_id, lambda column: column == wanted)))
    if phone is not None:
        query = query.where(filters.contact_of_phone(store_id, phone, region, contacts.c.id, ("phone",)))
    if search is not None:
        prefix = _text(search, "search")
        found = contacts_of_customers(store_id, lambda column: filters.starts_with(column, prefix))
        query = query.where(contacts.c.id.in_(found))
    return Listing(query, (contacts.c.id,))


def shipment_listing(store_id: int, status: str | None = None, order_id: int | None = None) -> Listing:
    query = _of_store(shipments, store_id)
    if status is not None:
        query = query.where(shipments.c.status == filters.choice(status, ShipmentStatus, ("status",)))
    if order_id is not None:
        query = query.where(shipments.c.order_id == order_id)
    return Listing(query, (shipments.c.id,))


def cart_listing(store_id: int, status: str | None = None) -> Listing:
    query = _of_store(carts, store_id)
    if status is not None:
        query = query.where(carts.c.status == filters.choice(status, CartStatus, ("status",)))
    return Listing(query, (carts.c.abandoned_at, carts.c.id))


def event_listing(
    store_id: int, type: str | None = None, subject_type: str | None = None, subject_id: int | None = None
) -> Listing:
    query = _of_store(events, store_id)
    if type is not None:
        query = query.where(events.c.type.in_(filters.event_types(type, ("filter", "type"))))
    if subject_type is not None:
        subject = filters.choice(subject_type, SubjectType, ("filter", "subjectType"))
        query = query.where(events.c.subject_type == subject)
    if subject_id is not None:
        query = query.where(events.c.subject_id == subject_id)
    return Listing(query, (events.c.id,))
