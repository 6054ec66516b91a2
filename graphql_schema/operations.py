"""Which operation of a document a request runs: GraphQL spec §6.1, GetOperation."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import DocumentNode, OperationDefinitionNode
from strawberry.extensions import SchemaExtension
from strawberry.schema.exceptions import CannotGetOperationTypeError

MULTIPLE_OPERATIONS = "Must provide operation name if query contains multiple operations."
NO_OPERATION = "Must provide an operation."


class OperationNotFound(CannotGetOperationTypeError):
    """A request error (GraphQL spec §6.1): the document and `operationName` name no single
    operation. Raised as strawberry's own error of that kind, so that HTTP answers it as a
    request error (400, `BAD_REQUEST`: `graphql_schema.app.transport_error`) before anything
    runs, and a websocket as the subscription's one error, code `BAD_REQUEST`."""

    def __init__(self, message: str):
        super().__init__(None)
        self.message = message
        # over a websocket, the GraphQLError strawberry makes of it takes these extensions
        self.extensions = {"code": "BAD_REQUEST"}

    def as_http_error_reason(self) -> str:
        return self.message


def chosen_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode:
    """GetOperation (GraphQL spec §6.1): the operation named `name`; without a name, the
    document's only operation. Raises OperationNotFound for a name no operation has, or for no
    name and none or several operations."""
    operations = [node for node in document.definitions if isinstance(node, OperationDefinitionNode)]
    if name is not None:
        for operation in operations:
            if operation.name is not None and operation.name.value == name:
                return operation
        raise OperationNotFound(f'Unknown operation named "{name}".')
    if len(operations) != 1:
        raise OperationNotFound(MULTIPLE_OPERATIONS if operations else NO_OPERATION)
    return operations[0]


class OneOperation(SchemaExtension):
    """Refuses a request whose document and `operationName` choose no single operation
    (`chosen_operation`), once the document is parsed and before anything is checked or run:
    strawberry alone ran the first of several operations when no name was given."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        if context.graphql_document is not None:  # else a syntax error, answered as such
            # The name as the request gave it: `operation_name` is the first operation's when none was.
            chosen_operation(context.graphql_document, context._provided_operation_name)
