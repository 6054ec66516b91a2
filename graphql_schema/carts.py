"""Carts (checkouts): type, inputs, upsertCart / updateCart and the carts query."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain.event_types import SubjectType
from app.read.lists import cart_listing
from app.services import carts

from .context import Context
from .errors import UserError
from .inputs import Backfill, input_data, run_command
from .nodes import from_row
from .orders import CustomerInput, LineItem, contact_of
from .relay import Connection, paged
from .scalars import JSON, Money

if TYPE_CHECKING:
    from .contacts import Contact
    from .events import Event

ContactRef = Annotated["Contact", strawberry.lazy("graphql_schema.contacts")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


@strawberry.type
class Cart:
    id: strawberry.ID
    external_id: str
    store_id: strawberry.ID
    status: str
    abandoned_at: datetime
    total_price: Money
    currency: str | None
    recovery_url: str | None
    customer_external_id: str | None
    tags: list[str]
    metadata: JSON
    created_at: datetime
    updated_at: datetime
    contact_id: strawberry.Private[int]
    line_items_json: strawberry.Private[list[dict[str, Any]]]

    @classmethod
    def of(cls, row: dict[str, Any]) -> Cart:
        return from_row(cls, {**row, "line_items_json": row.get("line_items") or [], "tags": row.get("tags") or []})

    @strawberry.field(description="Its events, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import events_of_subject

        return await events_of_subject(info, SubjectType.CART, int(self.id))

    @strawberry.field
    def line_items(self) -> list[LineItem]:
        return [LineItem.of(item) for item in self.line_items_json]

    @strawberry.field
    async def contact(self, info: Info[Context, None]) -> ContactRef | None:
        return await contact_of(info, self.contact_id)


@strawberry.input
class CartInput:
    external_id: str
    abandoned_at: str = strawberry.field(description="ISO 8601; without an offset it is UTC")
    total_price: Money
    customer: CustomerInput
    currency: str | None = strawberry.UNSET
    recovery_url: str | None = strawberry.UNSET
    line_items: list[JSON] | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    metadata: JSON | None = strawberry.UNSET


@strawberry.input(description="Only the fields given change; null clears tags and metadata.")
class CartUpdateInput:
    status: str | None = strawberry.field(
        default=strawberry.UNSET, description="active, abandoned, recovered, completed or expired"
    )
    recovery_url: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET
    metadata: JSON | None = strawberry.field(default=strawberry.UNSET, description="JSON merge patch (RFC 7386)")


@strawberry.type
class CartPayload:
    cart: Cart | None
    created: bool | None
    user_errors: list[UserError]


def _payload(result: Any) -> CartPayload:
    if isinstance(result, list):
        return CartPayload(cart=None, created=None, user_errors=result)
    return CartPayload(cart=Cart.of(result.record), created=result.created, user_errors=[])


@strawberry.type
class CartMutations:
    @strawberry.mutation(description="Create or replace an abandoned cart (same rules as POST /carts).")
    async def upsert_cart(
        self, info: Info[Context, None], store_id: strawberry.ID, input: CartInput, backfill: Backfill = False
    ) -> CartPayload:
        return _payload(await run_command(info, store_id, carts.upsert_cart, input_data(input), backfill=backfill))

    @strawberry.mutation(description="Change status, recovery URL, tags, metadata (same rules as PATCH /carts/{id}).")
    async def update_cart(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        external_id: str,
        input: CartUpdateInput,
        backfill: Backfill = False,
    ) -> CartPayload:
        return _payload(
            await run_command(info, store_id, carts.update_cart, external_id, input_data(input), backfill=backfill)
        )


@strawberry.type
class CartQueries:
    @strawberry.field(description="Newest abandoned first; keyset pagination, first <= 100.")
    async def carts(
        self,
        info: Info[Context, None],
        store_id: strawberry.ID,
        status: str | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[Cart]:
        return await paged(info, store_id, lambda store: cart_listing(store.id, status=status), Cart.of, first, after)
