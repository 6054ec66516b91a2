"""Parsing a request's document, once per distinct text (a bounded cache), with its whole
number literals bounded: graphql-core reads an Int literal with Python's `int`, which refuses
more than `MAX_INT_DIGITS` digits with a ValueError that became a masked "Internal server error"
(its traceback logging the document); a literal past that is now a syntax error, as the
GraphQL spec's grammar leaves a number's length to the server."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, IntValueNode, Visitor, parse, visit
from strawberry.extensions import SchemaExtension

from app.domain.json_values import MAX_INT_DIGITS

CACHE_SIZE = 256
# A document that does not parse (Apollo Server's code for it).
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"


class _LongWholeNumbers(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[IntValueNode] = []

    def enter_int_value(self, node: IntValueNode, *_args: object) -> None:
        if len(node.value.lstrip("-")) > MAX_INT_DIGITS:
            self.found.append(node)


@lru_cache(maxsize=CACHE_SIZE)
def parse_document(query: str, **options: Any) -> DocumentNode:
    """`query` parsed (graphql-core's `parse`, `options` its own) by the GraphQL spec's grammar
    (§2.4: a selection set holds one selection at least; graphql-core takes `{ }` unless told
    not to, and strawberry's depth limit then failed on it with a bare Python error). Raises
    GraphQLError: a syntax error, or a whole number literal of more than `MAX_INT_DIGITS`
    digits (no argument or field takes one: the longest, a Long, has 19)."""
    document = parse(query, **{**options, "allow_empty_selection_sets": False})
    finder = _LongWholeNumbers()
    visit(document, finder)
    if finder.found:
        message = f"Syntax Error: A whole number literal has more than {MAX_INT_DIGITS:,} digits."
        raise GraphQLError(message, finder.found[0])
    return document


class BoundedParse(SchemaExtension):
    """Parses the request's document with `parse_document`: strawberry's ParserCache, with
    whole number literals bounded. A document that does not parse is refused with its syntax
    error, `extensions.code` GRAPHQL_PARSE_FAILED (every GraphQL error carries a code: README,
    "GraphQL and GraphiQL")."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = parse_document(context.query, **context.parse_options)
        except GraphQLError as error:
            error.extensions = {**(error.extensions or {}), "code": GRAPHQL_PARSE_FAILED}
            raise
        yield
