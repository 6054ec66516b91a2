"""The log of a GraphQL request's errors, naming the request as REST's lines do.

Strawberry logs each error of an answer on `strawberry.execution`, without the request; the
filter `app.observability.request_log.ExpectedGraphQLErrors` drops those answered on purpose.
Two kinds are no bug and get one warning line per request here, with its method and route
(README "Errors"): a database that cannot serve now (`database unavailable on POST /graphql:
ConnectionRefusedError: …`) and a read stopped past its time budget (`read past its time
budget on GET /graphql: …`). An operation of a websocket names its method WEBSOCKET."""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.types import ExecutionContext

from app.db.read_budget import ReadTimedOut
from app.db.unavailable import DatabaseUnavailable

from .context import Context

log = logging.getLogger("kanal")


def _warning(error: GraphQLError) -> tuple[str, str] | None:
    """The line's text before ` on METHOD ROUTE` and its cause, for an error that is no bug."""
    original = error.original_error
    if isinstance(original, DatabaseUnavailable):
        return "database unavailable", original.cause
    if isinstance(original, ReadTimedOut):
        return "read past its time budget", str(original)
    return None


class Schema(strawberry.Schema):
    """strawberry.Schema, with the errors that are no bug logged as one warning line each kind
    per request, naming it; any other error is left to strawberry's log."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        context: Any = execution_context.context if execution_context is not None else None
        where = f" on {context.method} {context.path}" if isinstance(context, Context) else ""
        said: set[str] = set()
        rest = []
        for error in errors:
            warning = _warning(error)
            if warning is None:
                rest.append(error)
            elif warning[0] not in said:  # every field that met it has the error; one line
                said.add(warning[0])
                log.warning("%s%s: %s", warning[0], where, warning[1])
        super().process_errors(rest, execution_context)
