"""The ceiling for scripts/bench_graphql.py: Strawberry serving an orders page from memory.

A tiny Strawberry schema with the shape of Kanal's `orders` connection (Order, Contact,
Shipment, LineItem with the same field names and types, edges, cursor, pageInfo) whose
resolver returns 50 pre-built Python objects: no database, no DataLoaders, no auth, no
abuse-limit extensions. It keeps what any sensible Strawberry service has: the parser and
validation caches and orjson encoding (Kanal has them too). Served by uvicorn with the
settings of `kanal serve` (uvloop, httptools, no access log).

    .venv/bin/python scripts/bench/graphql_ceiling_app.py --port 8098 [--workers 1]
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import orjson
import strawberry
from serving import serve_like_kanal
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.scalars import JSON

PAGE_SIZE = 50


@strawberry.type
class LineItem:
    title: str | None
    sku: str | None
    quantity: float | None
    price: Decimal | None
    data: JSON


@strawberry.type
class Contact:
    id: strawberry.ID
    phone: str | None
    first_name: str | None
    last_name: str | None
    email: str | None


@strawberry.type
class Shipment:
    id: strawberry.ID
    external_id: str
    tracking_number: str | None
    carrier: str | None
    status: str | None


@strawberry.type
class Order:
    id: strawberry.ID
    external_id: str
    placed_at: datetime
    total_price: Decimal
    currency: str | None
    financial_status: str | None
    fulfillment_status: str | None
    tags: list[str]
    contact: Contact | None
    shipments: list[Shipment]
    line_items: list[LineItem]


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo


def _line_item(index: int) -> LineItem:
    price = Decimal("24.95") + index
    data = {"title": f"T-shirt {index}", "sku": f"TS-{index:03d}", "quantity": 2, "price": float(price)}
    return LineItem(title=data["title"], sku=data["sku"], quantity=2.0, price=price, data=data)


def _order(index: int) -> Order:
    placed = datetime(2026, 5, 1, tzinfo=UTC) - timedelta(minutes=7 * index)
    contact = Contact(
        id=strawberry.ID(str(index)), phone=f"+33612{index:06d}", first_name="Marie", last_name="Durand", email=None
    )
    shipments = [
        Shipment(
            id=strawberry.ID(f"{index}{k}"),
            external_id=f"SHP-{index:07d}-{k}",
            tracking_number=f"6A{index:09d}{k}",
            carrier="Colissimo",
            status="delivered",
        )
        for k in range(1 + index % 2)
    ]
    return Order(
        id=strawberry.ID(str(index + 1)),
        external_id=f"ORD-{index + 1:07d}",
        placed_at=placed,
        total_price=Decimal("74.85"),
        currency="EUR",
        financial_status="paid",
        fulfillment_status="fulfilled",
        tags=["web"],
        contact=contact,
        shipments=shipments,
        line_items=[_line_item(k) for k in range(1 + index % 3)],
    )


def _cursor(order: Order) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([order.placed_at.isoformat(), int(order.id)])).decode()


def _page() -> OrderConnection:
    edges = [OrderEdge(node=order, cursor=_cursor(order)) for order in map(_order, range(PAGE_SIZE))]
    info = PageInfo(
        has_next_page=True, has_previous_page=False, start_cursor=edges[0].cursor, end_cursor=edges[-1].cursor
    )
    return OrderConnection(edges=edges, page_info=info)


PAGE = _page()


@strawberry.type
class Query:
    @strawberry.field
    def orders(
        self, store_id: strawberry.ID, filter: JSON | None = None, first: int = 20, after: str | None = None
    ) -> OrderConnection:
        return PAGE


# One shared instance each, as in graphql_schema/limits.py: a cache must outlive a request.
_PARSER_CACHE = ParserCache(maxsize=256)
_VALIDATION_CACHE = ValidationCache(maxsize=256)
schema = strawberry.Schema(query=Query, extensions=[lambda: _PARSER_CACHE, lambda: _VALIDATION_CACHE])


class CeilingGraphQL(GraphQL):
    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


app = Starlette(
    routes=[
        Route("/healthz", healthz, methods=["GET"]),
        Route("/graphql", CeilingGraphQL(schema, graphql_ide=None), methods=["GET", "POST"]),
    ]
)


def main() -> None:
    serve_like_kanal("graphql_ceiling_app:app", __doc__.splitlines()[0], 8098)


if __name__ == "__main__":
    main()
