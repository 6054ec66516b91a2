"""The contacts of many orders at once: `contacts.attach_contact` for a run of writes whose
phones all differ, in one statement.

`attach_contact` decides in SQL whether the contact takes the customer's external id: only
when no other contact of the store holds it and no customer record of it names another
contact. A statement of many rows cannot ask that row by row (on PostgreSQL its subqueries all
see the table as it was before the statement), so the run's contacts and the customer records
of the ids it names are read first (`Standing`) and the answer given with each row: the id to
take, or none (the contact keeps its own). That answer is the one the writes one by one would
find as long as no write of the run changes who holds an id another write of the run names:
the run ends before a write naming an id that the contact of another of its phones holds
(`Standing.blocks`), and an id named by two of its writes (`order_batches`). Orders write no
customer records, so the records stay as read.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, literal_column, null, select, union_all

from app.db.compiled import PrecompiledStatement, Row
from app.db.in_lists import in_list, list_params, width
from app.db.multirow import MultiRowInsert
from app.db.statements import DIALECTS, param
from app.db.tables import contacts, customers

from .contacts import MESSAGING_COLUMNS, contact_upsert


@dataclass(frozen=True)
class Standing:
    """The contacts of a run's phones and of the external ids its customers name, as they are
    before the run: `by_phone` (E.164 → contact id), `holders` (external id → (contact id,
    the contact's phone)), `named` (external id → the contact id its customer record names)."""

    by_phone: Mapping[str, int]
    holders: Mapping[str, tuple[int, str | None]]
    named: Mapping[str, int]

    @classmethod
    def read(cls, conn: Connection, store_id: int, phones: Collection[str], external_ids: Collection[str]) -> Standing:
        """The contacts of `store_id` with one of `phones` (not empty) or one of `external_ids`."""
        statement = _read(width(len(phones)), width(len(external_ids)) if external_ids else 0)
        params = list_params("phone", list(phones))
        if external_ids:
            params.update(list_params("external_id", list(external_ids)))
        params["store_id"] = store_id
        by_phone: dict[str, int] = {}
        holders: dict[str, tuple[int, str | None]] = {}
        named: dict[str, int] = {}
        for row in statement.rows(conn, params):
            contact_id, phone, external_id = row["id"], row["phone"], row["external_id"]
            if row["record"]:
                named[external_id] = contact_id
                continue
            if phone is not None:
                by_phone[phone] = contact_id
            if external_id is not None:
                holders[external_id] = (contact_id, phone)
        return cls(MappingProxyType(by_phone), MappingProxyType(holders), MappingProxyType(named))

    def blocks(self, external_id: str | None, phone: str, phones: Collection[str]) -> bool:
        """Whether the contact of another of the run's `phones` holds `external_id`: a write of
        that phone may give it up, so who ends with it would depend on the order of writes."""
        holder = self.holders.get(external_id) if external_id is not None else None
        return holder is not None and holder[1] != phone and holder[1] in phones

    def id_to_take(self, external_id: str | None, phone: str) -> str | None:
        """The external id the contact of `phone` takes (`attach_contact`'s rule): the customer's
        when no other contact holds it and no customer record of it names another contact,
        else None (the contact keeps the one it has)."""
        if external_id is None:
            return None
        mine = self.by_phone.get(phone)
        holder = self.holders.get(external_id)
        named = self.named.get(external_id)
        if (holder is None or holder[0] == mine) and (named is None or named == mine):
            return external_id
        return None


@cache
def _read(phones: int, external_ids: int) -> PrecompiledStatement:
    """`Standing.read`'s SELECT for lists of `phones` and `external_ids` parameters (0: no list):
    the contacts of the phones and those of the ids (`record` 0; a contact of both comes twice,
    which `read` takes as once), then the customer records of the ids (`record` 1, their
    contact's id and no phone). One look-up per list, each by its unique key: with `phone IN …
    OR external_id IN …` SQLite read every contact of the store."""

    def held(column: Any, name: str, size: int) -> Select[Any]:
        return select(
            contacts.c.id, contacts.c.phone, contacts.c.external_id, literal_column("0").label("record")
        ).where(contacts.c.store_id == param(contacts, "store_id"), in_list(column, name, size))

    by_phone = held(contacts.c.phone, "phone", phones)
    if not external_ids:
        return PrecompiledStatement(by_phone)
    named = select(
        customers.c.contact_id, null().label("phone"), customers.c.external_id, literal_column("1").label("record")
    ).where(
        customers.c.store_id == param(contacts, "store_id"),
        in_list(customers.c.external_id, "external_id", external_ids),
    )
    return PrecompiledStatement(union_all(by_phone, held(contacts.c.external_id, "external_id", external_ids), named))


def _attach_all_statement(dialect: str, with_abandoned_cart_flag: bool) -> MultiRowInsert:
    """`attach_contact`'s upsert, its `external_id` parameter the id to take (`id_to_take`):
    a contact sent none keeps its own."""

    def on_update(new: Any) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
        return new.external_id, func.coalesce(new.external_id, contacts.c.external_id)

    upsert = contact_upsert(
        dialect, param(contacts, "external_id"), on_update, MESSAGING_COLUMNS, with_abandoned_cart_flag
    )
    return MultiRowInsert(upsert)


_ATTACH_ALL: Mapping[tuple[str, bool], MultiRowInsert] = MappingProxyType(
    {(dialect, flag): _attach_all_statement(dialect, flag) for dialect in DIALECTS for flag in (False, True)}
)


def attach_all(
    conn: Connection, standing: Standing, params: Sequence[dict[str, Any]], with_abandoned_cart_flag: bool
) -> dict[str, Row]:
    """Upsert the contacts `params` (`contacts.contact_params`, every phone different, each
    dict the caller's to give: its `external_id` is replaced by the one `standing` decides);
    their MESSAGING_COLUMNS (and `has_abandoned_cart`, as `attach_contact` returns them) by
    phone. Upserted in the order of their phones: two runs sharing contacts lock them in the
    same order, so that concurrent batches of the same customers, sent in different orders, do
    not deadlock (PostgreSQL)."""
    for values in params:
        values["external_id"] = standing.id_to_take(values["external_id"], values["phone"])
    rows = sorted(params, key=itemgetter("phone"))
    statement = _ATTACH_ALL[(conn.dialect.name, with_abandoned_cart_flag)]
    return {row["phone"]: row for row in statement.rows(conn, rows)}
