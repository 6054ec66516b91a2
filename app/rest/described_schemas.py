"""What the OpenAPI document says a request's fields mean. The request schemas come from the
command models, and a model describes few of its fields itself: /docs showed `total_price`,
`currency`, `external_id` or `tags` as bare types, and an order, a cart or a customer with no
word of what it is. Here every property of a command's schema that has no description takes
the one GraphQL's input field has (`field_description`: the field's own, its choices, or the
shared meanings), in REST's words where REST tells the fact its own way (`REST_FIELDS`); and
each command's schema says what the body is (`REQUESTS`), where its model says nothing or
speaks to the code's readers."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel

from app.domain.commands import (
    CartInput,
    CartUpdate,
    Command,
    CustomerInput,
    EmbeddedCustomer,
    OrderInput,
    OrderUpdate,
)
from app.domain.field_descriptions import PHONE, field_description
from app.domain.types import LineItem

from .blank_schemas import commands_within

_TAG_TEXT = 'one comma-separated string as Shopify writes them (`"vip, web"` is two tags)'
_TAGS = f"a list of texts of at most 255 characters, or {_TAG_TEXT}"
# What a REST body's field means where REST says it otherwise than GraphQL: a refusal is a 422,
# a lone string where tags go is read as Shopify's comma-separated tags, and the body's
# top-level `phone` (Shopify's) stands in for the customer's before an address's.
REST_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "tags": f"A list of texts of at most 255 characters, or {_TAG_TEXT}",
        "OrderUpdate.tags": f'Replaces the list: {_TAGS}; `""` or null clears it',
        "CartUpdate.tags": f'Replaces the list: {_TAGS}; `""` or null clears it',
        "EmbeddedCustomer.phone": f"{PHONE}; absent or blank: the order's or cart's top-level `phone` is used, "
        "else the shipping address's, else the billing address's",
        "order_external_id": "The external id of an order of the same store, else 422, code not_found on this field",
    }
)

_ATTACHED = (
    "It is attached to the contact of the phone it names: its customer's, else its top-level `phone`, else its "
    "shipping address's, else its billing address's; one of them is required"
)
_WRITTEN = (
    "created the first time its external_id is sent to the store (201) and replaced after (200), but not by a "
    "write whose updated_at is older than the stored one's"
)
_PATCH = (
    "Only the fields given change: tags replace the list, metadata is a JSON merge patch (RFC 7386), null clears "
    "tags and metadata"
)
_NOT_TAKEN = "sent with a value is refused (422, code not_allowed); other keys are ignored"
# A command's schema as an API user reads it: the model's docstring where it is written for them,
# else this (EmbeddedCustomer's named the class reading its phone, OrderUpdate's a pydantic name).
REQUESTS: Mapping[type[BaseModel], str] = MappingProxyType(
    {
        OrderInput: f"An order, as POST /orders takes it (and each item of its batch): {_WRITTEN}. {_ATTACHED}.",
        CartInput: "An abandoned cart or checkout, as POST /carts and POST /checkouts take it (and each item of "
        f"their batches): {_WRITTEN}. Its status is not "
        "sent (one in the body is ignored): it is recorded abandoned, or recovered when an order of its contact "
        f"placed after its abandoned_at came first. {_ATTACHED}.",
        CustomerInput: "A customer, as POST /customers takes it (and each item of its batch). Its phone names its "
        "contact, into which its fields merge: those given overwrite, those left out, null or blank are kept. "
        f"With an external_id the shop's customer record is {_WRITTEN}; without one it is a guest buyer's, "
        "known by the phone alone.",
        EmbeddedCustomer: "The customer of an order or a cart, merged into the contact of the phone the order or "
        "cart names: fields given overwrite, those left out, null or blank are kept. Its phone may be left out: "
        "the top-level `phone` of the order or cart is then used, else the shipping address's, else the billing "
        "address's. A national number is read in the shipping address's country, else the billing address's, "
        "else the store's region.",
        OrderUpdate: f"PATCH of an order. {_PATCH}. A field of the order this body does not take (total_price, "
        f"line_items, …) {_NOT_TAKEN}.",
        CartUpdate: f"PATCH of a cart. {_PATCH}; status cannot be null. A status marks the cart recovered, "
        "completed, expired or active, or abandoned again. A field of the cart this body does not take "
        f"(total_price, line_items, …) {_NOT_TAKEN}.",
    }
)


def describe_requests(definitions: dict[str, Any], models: list[type[Command]]) -> None:
    """Describe, in place, the schemas of `models`, of the commands within them and of the line
    item in `definitions` (component name → JSON schema, as `blank_schemas.allow_blanks` reads
    them): each property without a description (a property is named as its field's alias or
    name) takes its field's, and each schema `REQUESTS` describes takes that text."""
    # a line item is no command, but its schema is a request's too
    within: list[type[BaseModel]] = [model for top in models for model in commands_within(top)] + [LineItem]
    for model in dict.fromkeys(within):
        schema = definitions.get(f"{model.__name__}-Input") or definitions.get(model.__name__)
        if schema is None:
            continue
        if model in REQUESTS:
            schema["description"] = REQUESTS[model]
        properties = schema.get("properties", {})
        for name, field in model.model_fields.items():
            prop = properties.get(field.alias or name)
            if prop is None or (prop.get("description") or "").strip():
                continue
            if text := field_description(model, name, field, REST_FIELDS):
                prop["description"] = text
