"""Per-request context: the database, the caller's key, stores it may see, fresh DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.db.database import Database
from app.services import keys
from app.services.stores import Store

from .errors import forbidden, unauthenticated
from .loaders import Loaders


@dataclass
class Context:
    db: Database
    authorization: str | None
    loaders: Loaders
    _stores: dict[str, Store] = field(default_factory=dict)

    async def store(self, store_id: Any) -> Store:
        """The same keys and scope rules as REST, checked once per store and request."""
        key = str(store_id)
        if key not in self._stores:
            try:
                self._stores[key] = await keys.authorize(self.db, self.authorization, key)
            except keys.MissingKey:
                raise unauthenticated("API key is missing") from None
            except keys.InvalidKey:
                raise unauthenticated("Invalid API key") from None
            except keys.StoreUnavailable:
                raise forbidden("Store not found or paused") from None
            except keys.StoreForbidden:
                raise forbidden("API key does not authorize this store") from None
        return self._stores[key]


def new_context(db: Database, authorization: str | None) -> Context:
    return Context(db=db, authorization=authorization, loaders=Loaders(db))
