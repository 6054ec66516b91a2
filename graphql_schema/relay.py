"""Cursor connections (edges, node, cursor, pageInfo, totalCount) over keyset pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import strawberry
from sqlalchemy import Column
from strawberry.types import Info

from app.domain.errors import ValidationFailed
from app.policies.page_size import check_first
from app.read.lists import Listing
from app.read.pages import Page, after_key
from app.services.stores import Store

from .context import Context
from .errors import bad_input

NodeType = TypeVar("NodeType")


@strawberry.type(description="Where a page is in its list (Relay's cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="Whether rows follow this page: ask again with after: endCursor")
    has_previous_page: bool = strawberry.field(description="Whether rows come before this page")
    start_cursor: str | None = strawberry.field(description="The cursor of its first row; null when it has none")
    end_cursor: str | None = strawberry.field(description="The cursor of its last row; null when it has none")


@strawberry.type(description="One row of a list and its cursor.")
class Edge(Generic[NodeType]):
    node: NodeType = strawberry.field(description="The row")
    cursor: str = strawberry.field(description="Its place in the list: pass it as after for the rows after it")


@strawberry.type(description="One page of a list, newest first, keyset-paginated (SPEC §5).")
class Connection(Generic[NodeType]):
    edges: list[Edge[NodeType]] = strawberry.field(description="The page's rows, at most first of them")
    page_info: PageInfo = strawberry.field(description="Whether more rows follow, and the page's cursors")
    counter: strawberry.Private[Callable[[], Awaitable[int]]]

    @strawberry.field(description="Counted only when selected.")
    async def total_count(self) -> int:
        return await self.counter()


def connection(
    page: Page,
    order: tuple[Column[Any], ...],
    node: Callable[[dict[str, Any]], NodeType],
    counter: Callable[[], Awaitable[int]],
) -> Connection[NodeType]:
    edges = [Edge(node=node(record), cursor=cursor) for record, cursor in zip(page.records, page.cursors, strict=True)]
    info = PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=edges[0].cursor if edges else None,
        end_cursor=edges[-1].cursor if edges else None,
    )
    return Connection(edges=edges, page_info=info, counter=counter)


async def paged(
    info: Info[Context, None],
    store_id: strawberry.ID,
    listing_of: Callable[[Store], Listing],
    node: Callable[[dict[str, Any]], NodeType],
    first: int,
    after: str | None,
) -> Connection[NodeType]:
    """A root list field: admit the store, build its listing (filters are checked there), check
    `first` (`app.policies.page_size`) and `after` (`app.policies.ids`: a cursor this list, of
    this store and space, handed out), fetch one keyset page.
    Bad arguments raise BAD_USER_INPUT naming them."""
    context = info.context
    store = await context.store(store_id)
    scope = list_scope(store)
    try:
        listing = listing_of(store)
        first = check_first(first)
        key = after_key(after, listing.order, scope)
    except ValidationFailed as failure:
        raise bad_input(failure) from None
    page = await context.db.read(listing.page, first, key, scope)
    return connection(page, listing.order, node, lambda: context.db.read(listing.count))


def list_scope(store: Store) -> str:
    """Whose list a cursor belongs to: the store's public id, and its test space apart."""
    return f"{store.public_id}" if store.livemode else f"{store.public_id}/test"


def page_size(first: int) -> int:
    """`first` of a nested list, checked by the rule root connections follow
    (`app.policies.page_size`); raises BAD_USER_INPUT naming `first`."""
    try:
        return check_first(first)
    except ValidationFailed as failure:
        raise bad_input(failure) from None
