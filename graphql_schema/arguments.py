"""The arguments many fields share, each described once (README, "GraphQL and GraphiQL"): the
store, a dashboard period [from, to), a page (`first`, `after`). A field takes them as
`store_id: StoreId`, `from_: From`, `to: To`, `first: First = 20`, `after: After = None`."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

import strawberry

StoreId = Annotated[
    strawberry.ID,
    strawberry.argument(description="The store's id; the request's API key must open it (README, \"Auth\")."),
]
From = Annotated[
    datetime,
    strawberry.argument(
        name="from",
        description="The period's first instant, included: the period is half-open, [from, to) (RFC 3339).",
    ),
]
To = Annotated[
    datetime,
    strawberry.argument(
        description='The period\'s end, excluded: [from, to); must be after from (BAD_USER_INPUT on ["to"]).'
    ),
]
First = Annotated[
    int,
    strawberry.argument(
        description="How many rows, 0 to 100 as on every list (SPEC §5, §10); 0 answers no rows, where a "
        "connection's totalCount and pageInfo still answer."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="The rows after this cursor, one this same list handed out (pageInfo.endCursor)."),
]


def status_filter(statuses: type[StrEnum], rows: str) -> Any:
    """The `status` argument of a list of `rows`: one of `statuses`' values, as writes spell them."""
    *others, last = (member.value for member in statuses)
    return strawberry.argument(description=f"{rows} of this status: {', '.join(others)} or {last}; blank: any")
