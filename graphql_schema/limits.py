"""Abuse limits: depth, aliases, tokens, mutations per document; bounded caches; masked errors."""

from __future__ import annotations

from graphql import GraphQLError, OperationDefinitionNode, OperationType, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

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
    """Mask errors raised by bugs; keep the ones this API raises on purpose."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


# One shared instance each: the caches must outlive a request to be caches at all.
_PARSER_CACHE = ParserCache(maxsize=CACHE_SIZE)
_VALIDATION_CACHE = ValidationCache(maxsize=CACHE_SIZE)


def extensions() -> list:
    return [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: _PARSER_CACHE,
        lambda: _VALIDATION_CACHE,
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: AddValidationRules([MutationCountRule]),
        lambda: MaskErrors(should_mask_error=_unexpected, error_message="Internal server error"),
    ]
