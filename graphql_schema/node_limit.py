"""The node limit: how many list items one document may ask for, counted before it runs.

Depth, aliases and tokens bound a document's size, not its answer's: lists nested in lists
multiply. `contacts(first: 100) { … orders(first: 100) { contact { orders(first: 100) { … } } } }`
stays within depth 10 and asks for a million orders; answering it held the event loop for 30
seconds, every other request of every store waiting. So, as GitHub's GraphQL API counts its
"node limit": each list field that takes `first` asks for `first` items for each item of the
lists it is nested in, and a document's operation may ask for at most `MAX_NODES` in all.

`first` counts as given in the document; as the largest a page may hold (`MAX_FIRST`) when it is
a variable (the count is made once per document, whatever the variables: the validation cache
keeps the verdict); as its default when absent; a value out of range counts as the nearest
bound (the field then refuses it itself, `first must be between 0 and 100.`). Lists without
`first` (an order's line items, events, shipments; a batch mutation's results) count nothing
before it runs: what they hold is the record's, not the document's.

What an answer holds is counted too, as it is made (`BoundedAnswers`): a list without `first`
multiplies the lists nested in it by its length, which no document bounds (a store's key may
give an order a thousand shipments: `orders(first: 100) { shipments { order { contact {
orders(first: 100) … } } } }`, counted 10,100 before it ran, answered 200,000 orders). Past
`MAX_NODES` items of objects, a query's answer is refused whole, and in a mutation's answer
each list past it is an error in its place (its writes' results kept), code QUERY_TOO_COMPLEX.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Sized
from typing import Any

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    ValidationContext,
    ValidationRule,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.policies.page_size import MAX_FIRST

MAX_NODES = 20_000
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"


class NodeLimitRule(ValidationRule):
    """Refuses an operation that asks for more than `MAX_NODES` list items (module docstring),
    code QUERY_TOO_COMPLEX, with the count it asks for."""

    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        # A fragment's items per item of the list it is spread in, by fragment: every count is
        # linear in the items it is nested in, so a fragment spread many times is counted once.
        self._per_fragment: dict[str, int] = {}

    def enter_operation_definition(self, node: OperationDefinitionNode, *_args: object) -> None:
        root = self.context.schema.get_root_type(node.operation)
        if root is None:  # an operation the schema has no root for: another rule reports it
            return
        asked = self._items(node.selection_set, root, frozenset())
        if asked > MAX_NODES:
            message = (
                f"This document asks for up to {asked:,} list items (each list's `first`, times the items of the "
                f"lists it is nested in); at most {MAX_NODES:,} are allowed. Ask for fewer items in nested lists."
            )
            self.report_error(GraphQLError(message, node, extensions={"code": QUERY_TOO_COMPLEX}))

    def _items(self, selections: SelectionSetNode, parent: GraphQLNamedType | None, path: frozenset[str]) -> int:
        """The list items `selections` of `parent` ask for, per item of the lists it is in.
        `path`: the fragments being counted (a cycle, which another rule reports, counts none)."""
        total = 0
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                field = _field(parent, selection.name.value)
                if field is None:  # unknown here: another rule reports it
                    continue
                size = _first(selection, field)
                each = 1 if size is None else size
                inner = (
                    self._items(selection.selection_set, get_named_type(field.type), path)
                    if selection.selection_set
                    else 0
                )
                total += (0 if size is None else size) + each * inner
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                kind = self.context.schema.get_type(condition.name.value) if condition else parent
                total += self._items(selection.selection_set, kind, path)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, path)
        return total

    def _fragment(self, name: str, path: frozenset[str]) -> int:
        if name in path:
            return 0
        if name not in self._per_fragment:
            fragment = self.context.get_fragment(name)
            kind = self.context.schema.get_type(fragment.type_condition.name.value) if fragment else None
            self._per_fragment[name] = self._items(fragment.selection_set, kind, path | {name}) if fragment else 0
        return self._per_fragment[name]


def _field(parent: GraphQLNamedType | None, name: str) -> GraphQLField | None:
    if isinstance(parent, (GraphQLObjectType, GraphQLInterfaceType)):
        return parent.fields.get(name)
    return None


def _first(node: FieldNode, field: GraphQLField) -> int | None:
    """The items the field asks for per item it is nested in: its `first` (module docstring),
    None for a field that takes none."""
    argument = field.args.get("first")
    if argument is None:
        return None
    given = next((arg.value for arg in node.arguments or () if arg.name.value == "first"), None)
    if given is None:
        value = argument.default_value
        return MAX_FIRST if value is Undefined or not isinstance(value, int) else _bounded(value)
    if isinstance(given, IntValueNode):
        return _bounded(int(given.value))
    if isinstance(given, VariableNode):
        return MAX_FIRST
    return 0  # a literal `first` cannot take: another rule reports it


def _bounded(value: int) -> int:
    return min(max(value, 0), MAX_FIRST)


class BoundedAnswers(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution of an operation, counting the items of the lists of objects its
    answer holds (module docstring); lists of scalars (tags) count nothing, a record's own
    values. Past `MAX_NODES`:
    - a query's answer is refused whole, data null and one error, code QUERY_TOO_COMPLEX
      (GraphQL's null propagation took an error in the list's place up through the non-null
      types that hold every list: a partial answer was no answer), no list filled past it;
    - in a mutation's answer, each list past it is an error in its place, the nearest field
      that may be null null: its writes are done, and its outcome (a payload's `results` and
      `userErrors`, not counted: its inputs bound them) must say so, while its records' nested
      reads (`order { contact { orders(first: 100) … } }`) are bounded as a query's."""

    answered_items = 0

    def execute_operation(self, serially: bool | None = None) -> Any:
        result = super().execute_operation(serially)
        if self.is_awaitable(result):
            return self._bounded_later(result)
        return self._bounded(result)

    async def _bounded_later(self, result: Awaitable[Any]) -> Any:
        return self._bounded(await result)

    def _bounded(self, result: Any) -> Any:
        if self.answered_items <= MAX_NODES or self.operation.operation != OperationType.QUERY:
            return result
        return ExecutionResult(data=None, errors=[_too_many()])

    def complete_iterable_value(
        self,
        item_type: GraphQLOutputType,
        field_details_list: Any,
        info: GraphQLResolveInfo,
        path: Path,
        items: Iterable[Any],
        position_context: Any,
    ) -> Any:
        query = self.operation.operation == OperationType.QUERY
        # a mutation's own outcome (a payload's `results`, `userErrors`) is bounded by its inputs
        outcome = not query and info.parent_type.name.endswith("Payload")
        if isinstance(items, Sized) and items and not outcome and is_composite_type(get_named_type(item_type)):
            self.answered_items += len(items)
            if self.answered_items > MAX_NODES:
                if query:  # refused whole (`_bounded`)
                    return []
                raise _too_many()
        return super().complete_iterable_value(item_type, field_details_list, info, path, items, position_context)


def _too_many() -> GraphQLError:
    message = (
        f"This answer would hold more than {MAX_NODES:,} list items, counted as it is made (a list "
        "without `first`, such as an order's line items or shipments, holds all its record has, "
        "times the lists nested in it). Ask for fewer items in nested lists."
    )
    return GraphQLError(message, extensions={"code": QUERY_TOO_COMPLEX})
