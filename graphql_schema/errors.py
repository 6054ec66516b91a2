"""Errors: validation as userErrors in payloads, access failures as top-level errors."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncGenerator, Iterator
from contextlib import aclosing
from typing import Any, TypeVar

import strawberry
from graphql import GraphQLError, located_error
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.types import Info

from app.db.read_budget import ReadTimedOut
from app.db.unavailable import DatabaseUnavailable
from app.domain.errors import ErrorCode, FieldError, ValidationFailed
from app.policies import rate_limit
from app.policies.access import Refusal
from app.read.feed import SubscriberTooSlow
from app.services import shipments

from .derived import described_enum
from .node_limit import QUERY_TOO_COMPLEX

BAD_USER_INPUT = "BAD_USER_INPUT"
QUERY_TOO_SLOW = "QUERY_TOO_SLOW"
DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
SUBSCRIBER_TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
# A document that does not validate against the schema (Apollo Server's code for it).
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"

# The domain's codes as a GraphQL enum, by member name (REQUIRED, INVALID_PHONE, …); REST's 422
# bodies give the same codes by value (required, invalid_phone, …).
described_enum(
    ErrorCode,
    "ErrorCode",
    "Why an input field was refused: the REST API's codes, upper-cased.",
    {
        "REQUIRED": "Missing, null or blank where a value is required",
        "INVALID_TYPE": "Not of the field's JSON type",
        "TOO_LONG": "Longer than the field allows",
        "OUT_OF_RANGE": "A number or a time outside the field's range",
        "TOO_PRECISE": "More decimals than the field allows (an amount: its currency's)",
        "INVALID_PHONE": "Not a valid phone number, read in the store's region without a +",
        "AMBIGUOUS_PHONE": "Digits that read as two numbers: write it with + and the country code",
        "INVALID_CURRENCY": "Not an ISO 4217 currency code",
        "INVALID_DATETIME": "Not an RFC 3339 date and time",
        "INVALID_URL": "Not an http(s) URL",
        "INVALID_EMAIL": "Not a valid email address",
        "INVALID_CHOICE": "Not one of the values the field allows",
        "INVALID_CHARACTERS": "Holds a NUL or a lone surrogate, which not every engine can store",
        "TOO_DEEP": "Free-form JSON nested more than 32 levels",
        "TOO_LARGE": "Larger than a single write may carry",
        "NOT_FOUND": "Names a record the store does not have",
        "NOT_ALLOWED": "A field the API knows that this write may not change",
        "INVALID": "Refused for another reason, which the message gives",
    },
)


@strawberry.type(description="Why one input field was refused: its path, the REST code and a message.")
class UserError:
    field: list[str] = strawberry.field(description="Path to the input field, e.g. [input, customer, phone]")
    code: ErrorCode = strawberry.field(description="The REST API's code for it, upper-cased")
    message: str = strawberry.field(description="What is wrong, naming the field as its path does")


def _camel(name: str | int) -> str:
    if isinstance(name, int):
        return str(name)
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def user_errors(failure: ValidationFailed, root: str | list[str] = "input", given: Any = None) -> list[UserError]:
    """The failure's field errors, each path under `root` (`input`; `[inputs, 3]` for the
    fourth input of a batch; "" for none) as GraphQL names it (`_graphql_path`), `given` the
    input they are about."""
    return [_user_error(error, [root] if isinstance(root, str) else root, given) for error in failure.errors]


def _user_error(error: FieldError, root: list[str], given: Any) -> UserError:
    path = _graphql_path(error.path, given)
    return UserError(field=[part for part in root if part] + path, code=error.code, message=_named(error, path))


def _graphql_path(path: tuple[str | int, ...], given: Any) -> list[str]:
    """`path`, in REST's names, as GraphQL's input `given` names it: an input field camelCased
    (`customer.firstName`), a list index as text, and a key within a JSON value (`metadata`, a
    line item) as it was sent (`metadata.my_key`, `lineItems.0.parent_item_id`), where a
    camelCased key named one the value does not hold."""
    named = []
    value, in_json = given, False
    for part in path:
        in_json = in_json or isinstance(value, dict)
        named.append(part if in_json and isinstance(part, str) else _camel(part))
        value = _within(value, part)
    return named


def _within(value: Any, part: str | int) -> Any:
    """What `value` (an input, a JSON value, a list) holds at `part`; None when nothing."""
    if isinstance(value, dict):
        return value.get(part)
    if isinstance(value, list):
        return value[part] if isinstance(part, int) and 0 <= part < len(value) else None
    return getattr(value, part, None) if isinstance(part, str) and dataclasses.is_dataclass(value) else None


def _named(error: FieldError, path: list[str]) -> str:
    """The message naming its field as GraphQL's input does (`The customer.firstName field …`),
    where the domain's message names it as REST's body does (`customer.first_name`); a message
    naming a field in its own words, in GraphQL's words (`GRAPHQL_WORDING`)."""
    message = GRAPHQL_WORDING.get(error.message, error.message)
    rest = ".".join(str(part) for part in error.path)
    return message.replace(f"The {rest} field", f"The {'.'.join(path)} field") if rest else message


# A domain message that names a field in its text as REST's body spells it -> the message as
# GraphQL's input spells the field (a new such message belongs here)
GRAPHQL_WORDING = {
    shipments.NO_SUCH_ORDER: "No order of this store has this externalId.",
}


def bad_input(failure: ValidationFailed) -> GraphQLError:
    """Query arguments (ids, filters, cursors, page sizes) that are wrong: a top-level error
    with code BAD_USER_INPUT naming the argument in `extensions.field`."""
    first = failure.errors[0]
    return GraphQLError(first.message, extensions={"code": BAD_USER_INPUT, "field": [_camel(p) for p in first.path]})


def refused(refusal: Refusal) -> GraphQLError:
    """A failed key or store check (SPEC §2): the REST message, code UNAUTHENTICATED or
    FORBIDDEN, and where REST's `WWW-Authenticate` says why (a header that is not `Bearer
    <key>`, two keys, a key unknown or revoked), the same words in `extensions.description`."""
    extensions = {"code": refusal.code}
    if refusal.description is not None:
        extensions["description"] = refusal.description
    return GraphQLError(refusal.message, extensions=extensions)


def throttled() -> GraphQLError:
    """A store over its budget (SPEC §7, §10); the HTTP response is a 429 with Retry-After."""
    return GraphQLError(rate_limit.TOO_MANY, extensions={"code": rate_limit.THROTTLED})


def rate_limit_unavailable(unavailable: rate_limit.RateLimitUnavailable) -> GraphQLError:
    """The rate-limit storage cannot count now (app/policies/rate_limit.py): its message, code
    RATE_LIMIT_UNAVAILABLE; the HTTP response is a 503 with Retry-After."""
    return GraphQLError(str(unavailable), extensions={"code": rate_limit.UNAVAILABLE})


def subscriber_too_slow(behind: SubscriberTooSlow) -> GraphQLError:
    """A subscription's reader fell too far behind its events (app/read/feed.py: a bound, no
    bug): its message, code SUBSCRIBER_TOO_SLOW; logged by no one, as any refusal."""
    return GraphQLError(str(behind), extensions={"code": SUBSCRIBER_TOO_SLOW})


def too_slow(error: GraphQLError, timed_out: ReadTimedOut) -> GraphQLError:
    """A read past its time budget (app/db/read_budget.py): its message, code QUERY_TOO_SLOW,
    at the field that asked for it."""
    return _at_field(error, str(timed_out), QUERY_TOO_SLOW)


def database_unavailable(error: GraphQLError, unavailable: DatabaseUnavailable) -> GraphQLError:
    """The database cannot serve now (app/db/unavailable.py): its message, code
    DATABASE_UNAVAILABLE, at the field that asked for it."""
    return _at_field(error, str(unavailable), DATABASE_UNAVAILABLE)


def _at_field(error: GraphQLError, message: str, code: str) -> GraphQLError:
    """`message` with `code`, where `error` (raised by a resolver) was."""
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions={"code": code},
    )


Item = TypeVar("Item")


async def at_field(info: Info[Any, Any], stream: AsyncGenerator[Item, None]) -> AsyncGenerator[Item, None]:
    """The items of `stream`, the source stream a subscription field's resolver returns. An
    exception it raises, before its first item or later, is raised as the GraphQLError
    graphql-core makes of a resolver's (`located_error`): at the field `info` resolves, `path`
    its response key (an alias when the document gives one) and `locations` its node's, its
    message, extensions and original error kept, so that it is logged, masked and answered as
    the same error of a query field is (README, "Live updates"). graphql-core locates what the
    resolver raises, not what its stream raises at iteration, where every error of an async
    generator comes: those had neither path nor locations. Closing this closes `stream`."""
    async with aclosing(stream):
        try:
            async for item in stream:
                yield item
        except Exception as error:
            raise located_error(error, info._raw_info.field_nodes, info.path.as_list()) from error


def coded(error: GraphQLError, code: str, message: str | None = None, **extensions: object) -> GraphQLError:
    """`error` (its places, path, original and extensions kept) with `extensions.code` `code`
    and `extensions` after it and, when given, `message` in place of its own."""
    return GraphQLError(
        error.message if message is None else message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions={**(error.extensions or {}), "code": code, **extensions},
    )


def null_as_json(message: str) -> str:
    """graphql-core's refusal of `null` for a non-null type (`… not to be None.`), `null`
    written as JSON and graphql-js write it; any other message as it is."""
    return message[: -len(_PYTHON_NULL)] + " not to be null." if message.endswith(_PYTHON_NULL) else message


class CodedValidationErrors(SchemaExtension):
    """Gives each error of a document that does not validate (GraphQL spec §5: an unknown
    field, a literal its type refuses such as `storeId: 123.0` or `first: "x"`, the depth,
    alias and mutation limits) `extensions.code` GRAPHQL_VALIDATION_FAILED, as Apollo Server
    does, its message as graphql-core wrote it (every GraphQL error carries a code: README,
    "GraphQL and GraphiQL"), but for a literal `null` where a non-null type stands, which
    graphql-core calls `None` (`… not to be None.`) and is written `null` as graphql-js writes
    it. A document past graphql-core's validation budgets, which it refuses with a bare
    "Validation aborted." (a thousand `name` fields side by side), is code QUERY_TOO_COMPLEX,
    saying so (`TOO_COMPLEX_TO_VALIDATE`). The errors are replaced in their list, which the
    validation cache may hold: an error already coded is left as it is."""

    def on_validate(self) -> Iterator[None]:
        yield
        errors = self.execution_context.pre_execution_errors or []
        for index, error in enumerate(errors):
            if isinstance(error, ValidationAbortedError) and error.message == _ABORTED:
                errors[index] = coded(error, QUERY_TOO_COMPLEX, TOO_COMPLEX_TO_VALIDATE)
            elif not (error.extensions or {}).get("code"):
                errors[index] = coded(error, GRAPHQL_VALIDATION_FAILED, null_as_json(error.message))


# graphql-core's end of the refusal of a literal `null` for a non-null type
_PYTHON_NULL = " not to be None."
# graphql-core's whole message when a document passes its validation budgets (fields to compare
# for merging, fragments spread, nesting): a valid document is then refused with no word of why.
_ABORTED = "Validation aborted."
TOO_COMPLEX_TO_VALIDATE = (
    "This document is too complex to validate: its fields to compare with each other, fragment spreads or "
    "nesting pass the validator's budget. Select each field once, and spread fewer fragments."
)
