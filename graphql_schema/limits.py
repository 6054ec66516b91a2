"""Abuse limits: depth, aliases, tokens, mutations and list items (`node_limit`) per document;
bounded caches; masked errors."""

from __future__ import annotations

from graphql import (
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
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
from .node_limit import QUERY_TOO_COMPLEX, NodeLimitRule
from .number_variables import NumberVariables
from .operations import OneOperation

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 2000
MAX_MUTATIONS = 10
# Fields a document selects once its fragments are expanded: a document of MAX_TOKENS without
# fragments selects fewer; fragments spread in fragments multiply.
MAX_EXPANDED_FIELDS = 10_000
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


class _BoundedFragments(ValidationRule):
    """Refuses a document whose operations select more than MAX_EXPANDED_FIELDS fields once
    its fragments are expanded (`expanded_fields`), code QUERY_TOO_COMPLEX; within it, runs
    Strawberry's depth (MAX_DEPTH) and alias (MAX_ALIASES) limits, which walk every spread of a
    fragment again: a document of 300 tokens whose 25 fragments each spread the next twice held
    the event loop, `/healthz` included, for two and a half minutes. The depth limit runs on a
    document whose spreads all name fragments it defines: it looked an unknown one up and
    failed with a bare KeyError, where graphql-core's own rule refuses the document (`Unknown
    fragment 'Nope'.`, GraphQL spec §5.5.2.1)."""

    _depth = QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules
    _aliases = MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        fields = expanded_fields(context.document)
        if fields is None or fields > MAX_EXPANDED_FIELDS:
            counted = "more fields than can be counted" if fields is None else f"{fields:,} fields"
            message = (
                f"This document selects {counted} once its fragments are expanded (each spread counting "
                f"the fields of its fragment); at most {MAX_EXPANDED_FIELDS:,} are allowed. Spread fewer fragments "
                "in fragments."
            )
            self.report_error(GraphQLError(message, extensions={"code": QUERY_TOO_COMPLEX}))
            return
        limits = (*self._depth, *self._aliases) if _spreads_known(context.document) else self._aliases
        for rule in limits:  # each reports what it finds as it is built
            rule(context)


def expanded_fields(document: DocumentNode) -> int | None:
    """The fields the operations of `document` select once its fragments are expanded: each
    field once per spread of the fragments it is in (inline fragments' fields as their own).
    Each fragment is counted once and its count reused, so the count takes time linear in the
    document whatever it expands to; a spread of an unknown fragment, or of one being counted
    (a cycle, which graphql-core's rules refuse), counts none. None for a document nested past
    what Python recurses into (such a document is refused as expanding past any bound)."""
    fragments = {node.name.value: node for node in document.definitions if isinstance(node, FragmentDefinitionNode)}
    counted: dict[str, int] = {}

    def fields(selections: SelectionSetNode, counting: frozenset[str]) -> int:
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                total += 1 + (fields(selection.selection_set, counting) if selection.selection_set else 0)
            elif isinstance(selection, InlineFragmentNode):
                total += fields(selection.selection_set, counting)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in counting or name not in fragments:
                    continue
                if name not in counted:
                    counted[name] = fields(fragments[name].selection_set, counting | {name})
                total += counted[name]
        return total

    try:
        return sum(
            fields(node.selection_set, frozenset())
            for node in document.definitions
            if isinstance(node, OperationDefinitionNode)
        )
    except RecursionError:
        return None


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
    _BoundedFragments,
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
