"""Contacts (WhatsApp identities) and customers: types, queries, upsertCustomer / deleteCustomer."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from app.domain import commands, money, records, whatsapp
from app.domain.consent import Purpose
from app.domain.errors import ValidationFailed
from app.read.lists import Listing, contact_listing
from app.services import customers
from app.services.results import Written
from app.services.stores import Store

from .arguments import After, First, StoreId
from .automations import AUTOMATIONS, AutomationDecision, decisions
from .context import Context
from .derived import record_type
from .errors import UserError, bad_input, user_errors
from .inputs import INPUT, INPUTS, Backfill, created_field, run_batch, run_command, stale_field, user_errors_field
from .one_of import exactly_one
from .orders import CustomerInput
from .relay import Connection, list_scope, page_size, paged
from .scalars import Money

if TYPE_CHECKING:
    from .carts import Cart
    from .events import Event
    from .orders import Order

OrderRef = Annotated["Order", strawberry.lazy("graphql_schema.orders")]
CartRef = Annotated["Cart", strawberry.lazy("graphql_schema.carts")]
EventRef = Annotated["Event", strawberry.lazy("graphql_schema.events")]


@strawberry.type(description="An amount in one currency.")
class Amount:
    currency: str | None = strawberry.field(description="ISO 4217 code; null: orders sent without a currency")
    amount: Money = strawberry.field(description="Exact, in the currency's decimals")


@strawberry.type(description="A contact's orders, all time: count, gross spend per currency, last order.")
class ContactTotals:
    orders_count: int = strawberry.field(description="Its orders, whatever their status")
    spent: list[Amount] = strawberry.field(
        description="Sum of order totals per currency, gross (refunded or cancelled orders count in full)"
    )
    last_order_at: datetime | None = strawberry.field(description="When its newest order was placed; null: none")


@strawberry.type(description="One change of a contact's WhatsApp consent, with the write that brought it.")
class ConsentChange(record_type(records.ConsentChange)):  # type: ignore[misc]
    """One change of a contact's WhatsApp consent."""


@strawberry.input(description="Contacts whose WhatsApp consent is, per purpose, the state given")
class ConsentFilter:
    marketing: str | None = strawberry.field(default=None, description="subscribed, unsubscribed or not_subscribed")
    utility: str | None = strawberry.field(default=None, description="subscribed, unsubscribed or not_subscribed")


@strawberry.type(description="A WhatsApp identity: one per store and E.164 phone (SPEC §4.1).")
class Contact(record_type(records.Contact)):  # type: ignore[misc]
    @strawberry.field(
        description="Whether WhatsApp can reach this contact: an E.164 phone of a mobile-capable type, not erased"
    )
    def whatsapp_capable(self) -> bool:
        return whatsapp.whatsapp_capable(self.phone, self.phone_type, self.erased_at)

    @strawberry.field(description="The newest orders of this contact (0 <= first <= 100)")
    async def orders(self, info: Info[Context, None], first: First = 10) -> list[OrderRef]:
        from .orders import Order

        if page_size(first) == 0:
            return []
        rows = await info.context.loaders.orders_of_contact.load((int(self.id), first))
        return [Order.of(row) for row in rows]

    @strawberry.field(description="The newest carts of this contact (0 <= first <= 100)")
    async def carts(self, info: Info[Context, None], first: First = 10) -> list[CartRef]:
        from .carts import Cart

        if page_size(first) == 0:
            return []
        rows = await info.context.loaders.carts_of_contact.load((int(self.id), first))
        return [Cart.of(row) for row in rows]

    @strawberry.field(description="Events about this contact, oldest first")
    async def events(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import Event

        return [Event.of(row) for row in await info.context.loaders.events_of_contact.load(int(self.id))]

    @strawberry.field(description="Its WhatsApp consent changes, oldest first: purpose, state, when, by which write")
    async def consent_history(self, info: Info[Context, None]) -> list[ConsentChange]:
        return [
            ConsentChange.of(row) for row in await info.context.loaders.consent_changes_of_contact.load(int(self.id))
        ]

    @strawberry.field(
        description="Its events that triggered, settled or suppressed an automation, oldest first, with the reason"
    )
    async def automation_log(self, info: Info[Context, None]) -> list[EventRef]:
        from .events import Event

        rows = await info.context.loaders.events_of_contact.load(int(self.id))
        return [Event.of(row) for row in rows if row.reason is not None]

    @strawberry.field(description="Its orders' count, gross spend per currency and last order")
    async def totals(self, info: Info[Context, None]) -> ContactTotals:
        totals = await info.context.loaders.contact_totals.load(int(self.id))
        return ContactTotals(
            orders_count=totals["orders_count"],
            spent=[
                Amount(currency=row["currency"], amount=Money(money.Amount.of(row["amount"], row["currency"])))
                for row in totals["spent"]
            ],
            last_order_at=totals["last_order_at"],
        )


@strawberry.type(description="A shop's customer record (SPEC §3.4); its contact is the WhatsApp identity it points at.")
class Customer(record_type(records.Customer, exclude=("contact",))):  # type: ignore[misc]
    @strawberry.field(description='The contact it points at: its phone\'s (README, "Customers and contacts")')
    async def contact(self, info: Info[Context, None]) -> Contact | None:
        row = await info.context.loaders.contact.load(self.record.contact.id)
        return Contact.of(row) if row else None


@strawberry.type(description="What a customer write did: the customer, or the userErrors that refused it.")
class CustomerPayload:
    customer: Customer | None = strawberry.field(description="The customer as stored; null when refused")
    created: bool | None = created_field()
    stale: bool | None = stale_field()
    automations: list[AutomationDecision] = AUTOMATIONS
    user_errors: list[UserError] = user_errors_field()


@strawberry.type(description="What a batch of customer writes did, input by input.")
class CustomersPayload:
    results: list[CustomerPayload] = strawberry.field(description="One per input, in order")


def _payload(result: Written[Any] | list[UserError]) -> CustomerPayload:
    if isinstance(result, list):
        return CustomerPayload(customer=None, created=None, stale=None, automations=[], user_errors=result)
    return CustomerPayload(
        customer=Customer.of(result.record),
        created=result.created,
        stale=result.stale,
        automations=decisions(result),
        user_errors=[],
    )


@strawberry.type(description="What an erasure did (SPEC §4.3): idempotent, orders and carts kept and detached.")
class DeleteCustomerPayload:
    erased_contacts: int = strawberry.field(description="Contacts erased by this call: 0 when none had the id or phone")
    user_errors: list[UserError] = user_errors_field()


@strawberry.type
class ContactMutations:
    @strawberry.mutation(description="Upsert a customer (same rules as POST /customers).")
    async def upsert_customer(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        input: Annotated[CustomerInput, INPUT],
        backfill: Backfill = False,
    ) -> CustomerPayload | None:
        # `backfill` marks the consent change the input's whatsappConsent may record, as REST's header does.
        result = await run_command(
            info, store_id, commands.CustomerInput, input, customers.upsert_customer, backfill=backfill
        )
        return _payload(result)

    @strawberry.mutation(description="Upsert many customers (same rules as POST /customers/batch).")
    async def upsert_customers(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        inputs: Annotated[list[CustomerInput], INPUTS],
        backfill: Backfill = False,
    ) -> CustomersPayload | None:
        results = await run_batch(info, store_id, customers.BATCH, inputs, backfill)
        return CustomersPayload(results=[_payload(r) for r in results])

    @strawberry.mutation(
        description="GDPR erasure, idempotent: of a customer id (same rules as DELETE /customers/{id}), or of "
        "the contact of a phone, a guest buyer's (DELETE /customers?phone=): exactly one of them."
    )
    async def delete_customer(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        external_id: Annotated[
            str | None, strawberry.argument(description="The customer id to erase; or give phone, exactly one")
        ] = None,
        phone: Annotated[
            str | None,
            strawberry.argument(
                description="The phone whose contact to erase, a guest buyer's, in any form REST reads "
                "(E.164, or national in the store's region); or give externalId, exactly one"
            ),
        ] = None,
        backfill: Backfill = False,
    ) -> DeleteCustomerPayload | None:
        # `backfill` marks the `customer.erased` events it records, as REST's header does.
        context = info.context
        store = await context.store(store_id)  # first: a bad storeId is named as such
        exactly_one({"externalId": external_id, "phone": phone}, _ONE_ERASURE)
        if phone is not None:
            try:
                command = commands.validate(commands.PhoneErasure, {"phone": phone}, store.region)
            except ValidationFailed as failure:
                return DeleteCustomerPayload(erased_contacts=0, user_errors=user_errors(failure, root=""))
            erased = await customers.erase_phone(context.db, store, command, backfill=backfill)
        else:
            assert external_id is not None
            erased = await customers.erase_customer(context.db, store, external_id, backfill=backfill)
        context.wrote()
        return DeleteCustomerPayload(erased_contacts=erased, user_errors=[])


_ONE_CONTACT = "Give the contact as phone or externalId, exactly one of them."
_ONE_ERASURE = "Give the customer to erase as externalId or phone, exactly one of them."


@strawberry.type
class ContactQueries:
    @strawberry.field(
        description="A contact by phone (any form REST accepts) or by customer external id: exactly one of them."
    )
    async def contact(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        phone: Annotated[
            str | None,
            strawberry.argument(description="The contact's phone in any form REST accepts; or give externalId"),
        ] = None,
        external_id: Annotated[
            str | None,
            strawberry.argument(
                description="A customer id: the contact GET /customers/{id} answers with; or give phone"
            ),
        ] = None,
    ) -> Contact | None:
        context = info.context
        store = await context.store(store_id)  # first, as on every field: a bad storeId is named as such
        exactly_one({"phone": phone, "externalId": external_id}, _ONE_CONTACT)
        try:
            listing = contact_listing(store.id, store.region, phone=phone, external_id=external_id)
            page = await context.db.read(listing.page, 1, None, list_scope(store))
        except ValidationFailed as failure:
            raise bad_input(failure) from None
        return Contact.of(page.records[0]) if page.records else None

    @strawberry.field(description="Newest first; keyset pagination, first <= 100.")
    async def contacts(
        self,
        info: Info[Context, None],
        store_id: StoreId,
        phone: Annotated[
            str | None, strawberry.argument(description="The contact of this phone, in any form REST accepts")
        ] = None,
        search: Annotated[
            str | None,
            strawberry.argument(description="The contacts of the customers whose id starts with this text"),
        ] = None,
        consent: Annotated[
            ConsentFilter | None, strawberry.argument(description="Contacts whose WhatsApp consent is as given")
        ] = None,
        first: First = 20,
        after: After = None,
    ) -> Connection[Contact]:
        states = {Purpose.MARKETING: consent.marketing, Purpose.UTILITY: consent.utility} if consent else None

        def listing_of(store: Store) -> Listing:
            return contact_listing(store.id, store.region, phone=phone, search=search, consent=states)

        return await paged(info, store_id, listing_of, Contact.of, first, after)
