"""Abuse limits: depth, aliases, tokens, mutations and list items (`node_limit`) per document;
bounded caches; masked errors."""

from __future__ import annotations

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    ValidationContext,
    ValidationRule,
    Visitor,
    visit,
)
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.exceptions import CannotGetOperationTypeError

from app.db.read_budget import ReadTimedOut
from app.db.unavailable import DatabaseUnavailable

from .documents import BoundedParse
from .errors import database_unavailable, too_slow
from .node_limit import NodeLimitRule
from .number_variables import NumberVariables
from .operations import OneOperation

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_MUTATIONS = 10
CACHE_SIZE = 256


class MutationCountRule(ValidationRule):
    """At most MAX_MUTATIONS mutation fields in one document."""

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        if node.operation == OperationType.MUTATION and len(node.selection_set.selections) > MAX_MUTATIONS:
            self.report_error(GraphQLError(f"At most {MAX_MUTATIONS} mutations per document.", node))


def _unexpected(error: GraphQLError) -> bool:
    """Mask errors raised by bugs; keep the ones this API raises on purpose, and a document
    that chooses no operation (GraphQL spec §6.1), which a websocket's answer carries as an
    error whose original is strawberry's CannotGetOperationTypeError."""
    original = error.original_error
    return original is not None and not isinstance(original, (GraphQLError, CannotGetOperationTypeError))


class _MaskErrors(MaskErrors):
    """Masks as `MaskErrors` does, except a read past its time budget and a database that
    cannot serve now, which are no bugs: each becomes its own error, code QUERY_TOO_SLOW or
    DATABASE_UNAVAILABLE (the latter logged as one warning line, no traceback)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        if isinstance(error.original_error, ReadTimedOut):
            return too_slow(error, error.original_error)
        if isinstance(error.original_error, DatabaseUnavailable):
            return database_unavailable(error, error.original_error)
        return super().anonymise_error(error)


class _KnownFragmentsDepth(ValidationRule):
    """Strawberry's depth limit (MAX_DEPTH), run on a document whose fragment spreads all name
    fragments it defines: it looked an unknown one up and failed with a bare KeyError, where
    graphql-core's own rule refuses the document (`Unknown fragment 'Nope'.`, GraphQL spec
    §5.5.2.1)."""

    _limit = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        if _spreads_known(context.document):
            for rule in self._limit:  # each reports what it finds as it is built
                rule(context)


def _spreads_known(document: DocumentNode) -> bool:
    defined = {node.name.value for node in document.definitions if isinstance(node, FragmentDefinitionNode)}
    spreads = _Spreads()
    visit(document, spreads)
    return spreads.names <= defined


class _Spreads(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def enter_fragment_spread(self, node: FragmentSpreadNode, *_args: object) -> None:
        self.names.add(node.name.value)


# Rule classes built once: the validation cache is keyed by the rules, so per-request rule
# classes would make every request a cache miss. Extensions themselves are built per request
# (they hold the request's execution context); parser and validation caches are module-level.
_RULES: list[type[ASTValidationRule]] = [
    _KnownFragmentsDepth,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    MutationCountRule,
    NodeLimitRule,
]


def extensions() -> list:
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        BoundedParse,
        OneOperation,
        NumberVariables,
        lambda: AddValidationRules(_RULES),
        lambda: ValidationCache(maxsize=CACHE_SIZE),
        lambda: _MaskErrors(should_mask_error=_unexpected, error_message="Internal server error"),
    ]
