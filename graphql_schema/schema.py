"""Composes the per-domain Query and Mutation types into the schema."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.schema.config import StrawberryConfig

from .analytics import AnalyticsQueries
from .blank_filters import on_every_list
from .carts import CartMutations, CartQueries
from .contacts import ContactMutations, ContactQueries
from .error_log import Schema
from .errors import CodedValidationErrors
from .events import EventQueries
from .limits import extensions
from .node_limit import BoundedAnswers
from .orders import OrderMutations, OrderQueries
from .scalars import DATETIME_SCALAR, JSON, JSON_SCALAR, LONG_SCALAR, MONEY_SCALAR, Long, Money
from .shipments import ShipmentMutations, ShipmentQueries
from .stores import StoreQueries
from .subscriptions import Subscription

Query = strawberry.type(
    type(
        "Query",
        (StoreQueries, AnalyticsQueries, OrderQueries, ContactQueries, ShipmentQueries, CartQueries, EventQueries),
        {},
    ),
    description="A store's data and its dashboard figures; every field names its store, which the API key must open.",
)
# Every list field reads a blank text filter as none given (`blank_filters`).
on_every_list(Query)
# Every mutation answers a nullable payload: a field refused whole (its store, an argument, the
# budget) is null with its error, and the document's other mutations, whose writes are done, keep
# theirs; an error at a non-null field nulls the whole `data` (GraphQL spec, "Handling Field Errors").
Mutation = strawberry.type(
    type("Mutation", (OrderMutations, ShipmentMutations, CartMutations, ContactMutations), {}),
    description="Writes: the same commands as REST's, refusals as userErrors in the payload (SPEC §5). A "
    "mutation refused whole (its store, an argument, the rate limit) is null with its error; the "
    "document's other mutations keep their payloads.",
)

schema = Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    extensions=[*extensions(), CodedValidationErrors],
    execution_context_class=BoundedAnswers,
    config=StrawberryConfig(
        scalar_map={Money: MONEY_SCALAR, Long: LONG_SCALAR, JSON: JSON_SCALAR, datetime: DATETIME_SCALAR}
    ),
)


def sdl() -> str:
    return schema.as_str() + "\n"
