"""DataLoaders, built fresh for every request: one statement per relation and batch of parents."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from strawberry.dataloader import DataLoader

from app.db.database import Database
from app.read import batches


class Loaders:
    def __init__(self, db: Database):
        def loader(batch: Callable[..., list[Any]]) -> DataLoader[Any, Any]:
            async def load(keys: Sequence[Any]) -> list[Any]:
                return await db.read(batch, list(keys))

            return DataLoader(load_fn=load)

        self.contact = loader(batches.contacts_by_id)
        self.order = loader(batches.orders_by_id)
        self.shipments_of_order = loader(batches.shipments_by_order)
        self.orders_of_contact = loader(batches.latest_orders_by_contact)
        self.carts_of_contact = loader(batches.latest_carts_by_contact)
        self.contact_totals = loader(batches.totals_by_contact)
        self.events_of_subject = loader(batches.events_by_subject)
        self.events_of_contact = loader(batches.events_by_contact)
        self.consent_changes_of_contact = loader(batches.consent_changes_by_contact)
        self.deliveries_of_event = loader(batches.deliveries_by_event)
