"""Orders: type, inputs, payloads, the upsertOrder / updateOrder mutations and the queries."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain import commands, records
from app.domain.errors import NotFound, ValidationFailed
from app.domain.event_types import SubjectType
from app.domain.json_values import as_text, json_default
from app.domain.money import Amount
from app.read import filters
from app.read.lists import Listing, order_listing
from app.read.lists import OrderFilter as ListFilter
from app.services import order_batches, orders
from app.services.stores import Store

from .arguments import After, First, StoreId
from .automations import AUTOMATIONS, AutomationDecision, decisions
from .context import Context
from .derived import command_input, record_type
from .errors import UserError, bad_input
from .inputs import (
    INPUT,
    INPUTS,
    Backfill,
    InputView,
    WrittenExternalId,
    created_field,
    run_batch,
    run_command,
    stale_field,
    user_errors_field,
)
from .relay import Connection, paged
from .scalars import JSON, Money

if TYPE_CHECKING:
    from .contacts import Contact
    from .events import Event
    from .shipments import Shipment

ContactRef = Annotated["Contact", strawberry.lazy("graphql_schema.contacts")]
ShipmentRef = Annotated["Shipment", strawberry.lazy("graphql_schema.shipments")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


# The contact field of an order and a cart.
CONTACT = "The contact it is attached to: the WhatsApp identity of its phone (SPEC §4.1)"
_AS_TEXT = "As sent; a value that is not a JSON string is its JSON text (777, true), as topProducts reads it"


@strawberry.type(
    description="A line item of an order or a cart: a JSON object stored as sent, except that price and "
    "quantity are stored as JSON numbers, exact to 15 significant digits."
)
class LineItem:
    title: str | None = strawberry.field(description=_AS_TEXT)
    sku: str | None = strawberry.field(description=_AS_TEXT)
    quantity: float | None = strawberry.field(
        description="A number >= 0, as stored: exact to 15 significant digits (a longer one is the nearest binary "
        "float); null when none (topProducts counts 1)"
    )
    price: Money | None = strawberry.field(
        description="A number >= 0 as stored, exact to 15 significant digits (99999999999999.99 is stored as "
        "99999999999999.98), rendered in its currency's decimals; null when none (topProducts adds 0)"
    )
    data: JSON = strawberry.field(
        description="The line item as stored: as the shop sent it, price and quantity as JSON numbers "
        "(exact to 15 significant digits), a title or quantity sent under a platform's name added under ours"
    )

    @classmethod
    def of(cls, item: dict[str, Any], currency: str | None = None) -> LineItem:
        """The line item of an order or cart in `currency`: its price renders in the currency's decimals."""

        def number(key: str) -> Decimal | None:
            value = item.get(key)
            if isinstance(value, Decimal):  # as written, before storing: the JSON number stored
                value = json_default(value)
            return Decimal(str(value)) if isinstance(value, (int, float)) and not isinstance(value, bool) else None

        quantity, price = number("quantity"), number("price")
        return cls(
            title=as_text(item.get("title")),
            sku=as_text(item.get("sku")),
            quantity=None if quantity is None else float(quantity),
            price=None if price is None else Money(Amount.of(price, currency)),
            data=JSON(item),
        )


@strawberry.type(description="An order (SPEC §3.1): amounts exact, times in UTC.")
class Order(record_type(records.Order, exclude=("contact", "line_items"))):  # type: ignore[misc]
    @strawberry.field(description="Its events, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import events_of_subject

        return await events_of_subject(info, SubjectType.ORDER, int(self.id))

    @strawberry.field(description="Its line items, in the order sent")
    def line_items(self) -> list[LineItem]:
        return [LineItem.of(item, self.record.currency) for item in self.record.line_items]

    @strawberry.field(description=CONTACT)
    async def contact(self, info: Info[Context, None]) -> ContactRef | None:
        return await contact_of(info, self.record.contact.id)

    @strawberry.field(description="Its shipments")
    async def shipments(self, info: Info[Context, None]) -> list[ShipmentRef]:
        from .shipments import Shipment

        rows = await info.context.loaders.shipments_of_order.load(self.record.id)
        return [Shipment.of(row) for row in rows]


async def contact_of(info: Info[Context, None], contact_id: int) -> ContactRef | None:
    """The contact of an order or a cart, through the request's DataLoader."""
    from .contacts import Contact

    row = await info.context.loaders.contact.load(contact_id)
    return Contact.of(row) if row else None


PATCH_DESCRIPTION = "Only the fields given change; null clears tags and metadata."

WhatsappConsentInput = command_input(
    commands.WhatsappConsent, "WhatsappConsentInput", "A customer's WhatsApp consent: marketing and/or utility."
)
CONSENT_INPUT: dict[type[Any], type[Any]] = {commands.WhatsappConsent: WhatsappConsentInput}
CustomerInput = command_input(
    commands.CustomerInput,
    "CustomerInput",
    "A customer, as POST /customers takes it (SPEC §3.4): the phone names its contact.",
    nested=CONSENT_INPUT,
)
OrderCustomerInput = command_input(
    commands.EmbeddedCustomer,
    "OrderCustomerInput",
    "The customer of an order or a cart: the phone may be left to an address.",
    nested=CONSENT_INPUT,
)
AddressInput = command_input(
    commands.Address, "AddressInput", "A shipping or billing address: stored as sent (the country upper-cased)."
)
# The inputs an order or a cart nests.
NESTED_INPUTS: dict[type[Any], type[Any]] = {
    commands.EmbeddedCustomer: OrderCustomerInput,
    commands.Address: AddressInput,
}
OrderInput = command_input(
    commands.OrderInput, "OrderInput", "An order, as POST /orders takes it (SPEC §3.1).", nested=NESTED_INPUTS
)
OrderUpdateInput = command_input(commands.OrderUpdate, "OrderUpdateInput", PATCH_DESCRIPTION)


@strawberry.type(description="What an order write did: the order, or the userErrors that refused it.")
class OrderPayload:
    order: Order | None = strawberry.field(description="The order as stored; null when refused")
    created: bool | None = created_field()
    stale: bool | None = stale_field()
    automations: list[AutomationDecision] = AUTOMATIONS
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="What a batch of order writes did, input by input.")
class OrdersPayload:
    results: list[OrderPayload] = strawberry.field(description="One per input, in order")


FILTER = "Only the records matching every filter given; a blank text filter is no filter"


@strawberry.input(description="Orders matching every filter given; a blank one is no filter.")
class OrderFilter:
    financial_status: str | None = strawberry.field(
        default=None, description="Orders of this financial status, as writes spell it (paid, refunded, …)"
    )
    fulfillment_status: str | None = strawberry.field(
        default=None, description="Orders of this fulfillment status, as writes spell it (fulfilled, …)"
    )
    placed_after: datetime | None = strawberry.field(
        default=None, description="Placed at or after this instant (inclusive, as storeStats' from)"
    )
    placed_before: datetime | None = strawberry.field(
        default=None, description="Placed before this instant (exclusive, as storeStats' to)"
    )
    tag: str | None = strawberry.field(default=None, description="Orders carrying this tag")
    phone: str | None = strawberry.field(default=None, description="Any form the REST API accepts")
    search: str | None = strawberry.field(default=None, description="External id prefix")


def _payload(result: Any) -> OrderPayload:
    if isinstance(result, list):
        return OrderPayload(order=None, created=None, stale=None, automations=[], user_errors=result)
    return OrderPayload(
        order=Order.of(result.record),
        created=result.created,
        stale=result.stale,
        automations=decisions(result),
        user_errors=[],
    )


@strawberry.type
class OrderMutations:
    @strawberry.mutation(description="Create or replace an order (same rules as POST /orders).")
    async def upsert_order(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        input: Annotated[OrderInput, INPUT],
        backfill: Backfill = False,
    ) -> OrderPayload | None:
        return _payload(
            await run_command(info, store_id, commands.OrderInput, input, order_batches.upsert_order, backfill=backfill)
        )

    @strawberry.mutation(description="Create or replace many orders (same rules as POST /orders/batch).")
    async def upsert_orders(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        inputs: Annotated[list[OrderInput], INPUTS],
        backfill: Backfill = False,
    ) -> OrdersPayload | None:
        return OrdersPayload(
            results=[_payload(r) for r in await run_batch(info, store_id, order_batches.BATCH, inputs, backfill)]
        )

    @strawberry.mutation(description="Change statuses, tags, metadata (same rules as PATCH /orders/{id}).")
    async def update_order(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        external_id: WrittenExternalId,
        input: Annotated[OrderUpdateInput, INPUT],
        backfill: Backfill = False,
    ) -> OrderPayload | None:
        result = await run_command(
            info, store_id, commands.OrderUpdate, input, orders.update_order, external_id, backfill=backfill
        )
        return _payload(result)


@strawberry.type
class OrderQueries:
    @strawberry.field(description="An order by its external id; null when the store has none of it.")
    async def order(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        external_id: Annotated[str, strawberry.argument(description="The shop's order id, as written")],
    ) -> Order | None:
        context = info.context
        store = await context.store(store_id)
        try:
            # text no engine could have stored is refused as in every read argument, not "no such order"
            found = await orders.get_order(context.db, store, filters.text(external_id, ("externalId",)))
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        except NotFound:
            return None
        return Order.of(found)

    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def orders(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        filter: Annotated[OrderFilter | None, strawberry.argument(description=FILTER)] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[Order]:
        where = ListFilter(**InputView(filter)) if filter else None

        def listing_of(store: Store) -> Listing:
            return order_listing(store.id, store.region, info.context.db.dialect, where)

        return await paged(info, store_id, listing_of, Order.of, first, after)
