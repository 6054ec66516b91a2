"""A JSON number in a variable, read by the built-in scalars as JSON means it (GraphQL spec
§3.5, input coercion; RFC 8259 numbers), wherever it sits: a variable of its own, or a field
of an input object or a list item within one.

Variables are read with exact numbers (`app.domain.json_values.read_json`: a Decimal for a
fraction, an exponent or a whole number past Python's int), which the Decimal and JSON
scalars need. graphql-core's built-in scalars take only int and float, so they refused every
such number as "… cannot represent …: <Decimal instance>", `10.0` included, which graphql-js
takes as 10. Before an operation runs, each Decimal its variables hold where a built-in
scalar reads it is given to graphql-core as graphql-js reads the number:

- `Int`: a whole number within 32 bits as an int, however written (`1e3` is 1000, as
  graphql-core takes the float 1000.0); one past 32 bits, however written (`2147483648`,
  `1e400`, `-1e400`, `1e5000`, 5,000 digits), is refused as graphql-core refuses 2147483648
  ("non 32-bit signed integer value"), shown briefly by its JSON text (`1E+400`; a long one
  cut, its digits counted), where `1e400` was spelt out in 401 digits and a whole number past
  `MAX_INT_DIGITS` digits (`1e5000`) was called "non-integer"; a fraction (`1.5`) is
  "non-integer", shown by its text;
- `ID`: a whole number as an int, which `ID` takes as its decimal text (`123.0` is "123");
  any other refused, shown by its text;
- `Float`: the nearest float;
- `String`, `Boolean`: refused as any number is, shown by its text.

Every refusal of a variable's value (graphql-core's input coercion: a built-in scalar, one of
this schema's, an input object, a list item, `null` for a non-null type) is a top-level error
with `extensions.code` `BAD_USER_INPUT` showing the value as JSON as it was sent (`true`,
`{"a":[1,2]}`, `null`, `"x"`, a number by its text), where graphql-core showed it as Python
writes it (`True`, `{'a': [1, 2]}`, `None`, `'x'`) and gave it no code (`refusals`).

So is every refusal of an argument's value graphql-core makes as the field runs, which its
validation let through: a nullable variable sent `null` where the argument is non-null with a
default (`orders(first: $n)` with `$n: Int`), or where a variable with a default stands for a
non-null argument, input field or list item (`$s: ID = "123"`). graphql-core wrote it
`Argument 'first' has invalid value: Expected variable '$n' provided to non-null type 'Int!'
not to be None.`, without a code; it is BAD_USER_INPUT, `null` in place of `None`, its
`extensions.field` the argument's path (`["first"]`, `["input", "tags", "0"]`) as every bad
argument's (`argument_refusal`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal
from typing import Any

from graphql import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLType,
    OperationDefinitionNode,
    Undefined,
    VariableDefinitionNode,
    is_input_type,
    type_from_ast,
)
from graphql.pyutils import inspect, print_path_list
from graphql.utilities import validate_input_value
from strawberry.extensions import SchemaExtension
from strawberry.types import StreamExecutionResult

from app.domain.json_values import MAX_INT_DIGITS

from .errors import BAD_USER_INPUT, coded, null_as_json
from .operations import chosen_operation

# A number's text shown at most this long in a refusal; a longer one is cut, its digits counted.
_SHOWN = 60
# A refused value's JSON shown at most this long (graphql-core's `inspect` cuts a string there).
_SHOWN_JSON = 240


def _brief(value: Decimal | int) -> str:
    """A number's JSON text, cut after 20 characters with its digits counted when longer than
    `_SHOWN`."""
    text = str(value)
    if len(text) <= _SHOWN:
        return text
    digits = len(value.as_tuple().digits) if isinstance(value, Decimal) else len(text.lstrip("-"))
    return f"{text[:20]}… ({digits:,} digits)"


class _Number:
    """A number a built-in scalar does not take, shown in graphql-core's refusal by its JSON
    text (graphql-core's `inspect` calls `__inspect__`)."""

    __slots__ = ("text",)

    def __init__(self, value: Decimal):
        self.text = _brief(value)

    def __inspect__(self) -> str:
        return self.text


class _PastInt(int):
    """A whole number past Int's 32 bits: an int just past the bound of its sign, so that
    graphql-core's Int refuses it as out of range ("non 32-bit signed integer value"), shown
    in that refusal by the number's brief JSON text (graphql-core's `inspect` shows an int by
    its `repr`)."""

    text: str

    def __new__(cls, value: Decimal | int) -> _PastInt:
        number = super().__new__(cls, GRAPHQL_MAX_INT + 1 if value > 0 else GRAPHQL_MIN_INT - 1)
        number.text = _brief(value)
        return number

    def __repr__(self) -> str:
        return self.text


def as_int_input(value: Any) -> Any:
    """`value` as graphql-core's Int should see it (module docstring): a whole number within 32
    bits, an int or a Decimal however written, as an int; a whole number past 32 bits as a
    `_PastInt`; any other Decimal as a `_Number`; anything else as given."""
    if value.__class__ is int:  # not a bool
        return value if GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT else _PastInt(value)
    if not isinstance(value, Decimal):
        return value
    if not value.is_finite() or value != value.to_integral_value():
        return _Number(value)
    return int(value) if GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT else _PastInt(value)


def _whole(value: Decimal) -> int | None:
    return int(value) if value == value.to_integral_value() and value.adjusted() < MAX_INT_DIGITS else None


def _as_id_input(value: Decimal) -> Any:
    """`value` as graphql-core's ID should see it: a whole Decimal of at most `MAX_INT_DIGITS`
    digits as an int (ID takes its decimal text), any other as a `_Number`."""
    whole = _whole(value) if value.is_finite() else None
    return _Number(value) if whole is None else whole


def _as_float(value: Decimal) -> Any:
    number = float(value)
    return _Number(value) if number in (float("inf"), float("-inf")) else number


# built-in scalar -> what it is given for a Decimal
_READ: dict[str, Callable[[Decimal], Any]] = {
    "Int": as_int_input,
    "ID": _as_id_input,  # graphql-core's ID takes an int as its text, as graphql-js an integer
    "Float": _as_float,
    "String": _Number,
    "Boolean": _Number,
}


def as_input(type_: GraphQLType, value: Any) -> Any:
    """`value`, given for an input of `type_`, with each Decimal a built-in scalar reads as
    that scalar should see it (module docstring); the rest as given."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    name = getattr(type_, "name", "")
    read = _READ.get(name)
    if value.__class__ is Decimal:
        return value if read is None else read(value)
    if name == "Int" and value.__class__ is int:
        return as_int_input(value)  # past 32 bits: shown briefly
    if isinstance(type_, GraphQLList):
        # a single value given for a list is a list of it (input coercion): read as an item
        return (
            [as_input(type_.of_type, item) for item in value]
            if isinstance(value, list)
            else as_input(type_.of_type, value)
        )
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        fields = type_.fields
        return {name: as_input(fields[name].type, item) if name in fields else item for name, item in value.items()}
    return value


def json_text(value: Any) -> str:
    """`value`, read from the request's JSON (`read_json`: None, bool, str, int, Decimal, list,
    dict), as compact JSON: `true`, `null`, `"x"`, `{"a":[1,2]}`, a number by its text (a long
    one cut, its digits counted: `_brief`). Past `_SHOWN_JSON` characters it is cut, `…`
    marking the cut; a string holding a lone surrogate, which UTF-8 cannot carry, is written
    with `\\u` escapes."""
    text = ""
    for piece in _json_pieces(value):
        text += piece
        if len(text) > _SHOWN_JSON:
            return text[:_SHOWN_JSON] + "…"
    return text


def _json_pieces(value: Any) -> Iterator[str]:
    if isinstance(value, list):
        yield "["
        for index, item in enumerate(value):
            yield "," if index else ""
            yield from _json_pieces(item)
        yield "]"
    elif isinstance(value, dict):
        yield "{"
        for index, (key, item) in enumerate(value.items()):
            yield ("," if index else "") + _json_string(str(key)) + ":"
            yield from _json_pieces(item)
        yield "}"
    elif value is None or isinstance(value, bool):
        yield json.dumps(value)
    elif isinstance(value, str):
        yield _json_string(value)
    elif isinstance(value, (int, Decimal)):
        yield _brief(value)
    else:
        yield json.dumps(value) if isinstance(value, float) else inspect(value)


def _json_string(text: str) -> str:
    shown = json.dumps(text, ensure_ascii=False)
    try:
        shown.encode()
    except UnicodeEncodeError:  # a lone surrogate
        return json.dumps(text)
    return shown


def _at(value: Any, path: list[str | int]) -> Any:
    """What `value` holds at `path` (keys and list indexes, as graphql-core reports a refusal);
    `Undefined` where it holds nothing."""
    for key in path:
        if isinstance(value, dict) and key in value:
            value = value[key]
        elif isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
            value = value[key]
        else:
            return Undefined
    return value


def _as_sent(message: str, seen: Any, sent: Any) -> str:
    """`message`, which ends with `seen` as graphql-core's `inspect` shows it (maybe then a
    full stop), with `sent` shown as JSON there instead; any other message as it is."""
    if seen is Undefined or sent is Undefined:
        return message
    shown = inspect(seen)
    for end in ("", "."):
        if message.endswith(shown + end):
            return message[: len(message) - len(shown + end)] + json_text(sent) + end
    return message


def refusals(declared: Mapping[str, GraphQLType], seen: Mapping[str, Any], sent: Mapping[str, Any]) -> dict[str, str]:
    """graphql-core's message for each refusal of a variable's value -> that message showing
    the value as JSON as it was sent (`json_text`). `declared` gives each variable's type,
    `seen` the variables graphql-core coerced (`as_input`'s), `sent` the request's. The
    refusals are found as graphql-core finds them (`validate_input_value`, which its
    `coerce_variable_values` calls, each message `Variable '$name' has invalid value<path>:
    <reason>`)."""
    messages: dict[str, str] = {}
    for name, type_ in declared.items():
        if name not in seen or name not in sent or not is_input_type(type_):
            continue

        def refused(error: GraphQLError, path: list[str | int], name: str = name) -> None:
            told = f"Variable '${name}' has invalid value{print_path_list(path)}: "
            reason = _as_sent(error.message, _at(seen[name], path), _at(sent[name], path))
            messages[told + error.message] = told + reason

        validate_input_value(seen[name], type_, refused)
    return messages


# graphql-core's refusal of an argument's value as a field runs: `Argument 'first' has invalid
# value<path>: <reason>`, the path printed as `print_path_list` prints it (` at .tags[0]`)
_ARGUMENT_REFUSED = re.compile(
    r"Argument '(?P<name>[_A-Za-z]\w*)' has invalid value(?: at (?P<path>(?:\.[_A-Za-z]\w*|\[\d+\])+))?: .+",
    re.DOTALL | re.ASCII,
)
_PATH_PART = re.compile(r"\.([_A-Za-z]\w*)|\[(\d+)\]", re.ASCII)


def argument_refusal(error: GraphQLError) -> GraphQLError | None:
    """`error`, when it is graphql-core's refusal of an argument's value as a field runs (module
    docstring), as BAD_USER_INPUT: `extensions.field` the argument's path (its name, then the
    input fields and list indexes within it, as text), `None` written `null`; else None."""
    original = error.original_error
    if not isinstance(original, GraphQLError) or original.extensions or error.extensions:
        return None  # raised by a resolver (coded), or no refusal of graphql-core's
    refused = _ARGUMENT_REFUSED.fullmatch(error.message)
    if refused is None:
        return None
    field = [refused["name"]] + [name or index for name, index in _PATH_PART.findall(refused["path"] or "")]
    return coded(error, BAD_USER_INPUT, null_as_json(error.message), field=field)


def _declared(schema: GraphQLSchema, operation: OperationDefinitionNode) -> Iterator[tuple[str, GraphQLType]]:
    for definition in operation.variable_definitions or ():
        declared = type_from_ast(schema, definition.type)
        if declared is not None:  # an unknown type: graphql-core's validation refuses the document
            yield definition.variable.name.value, declared


class NumberVariables(SchemaExtension):
    """Gives each variable of the operation about to run its numbers as the built-in scalars
    should see them (`as_input`); then gives each refusal of a variable's value code
    `BAD_USER_INPUT` and the value as sent (`refusals`), and each refusal of an argument's
    value as a field runs code `BAD_USER_INPUT` (`argument_refusal`): in the result of a query
    or mutation (`on_execute`, HTTP and websocket alike), and in the error a subscription is refused with
    before it starts (`on_stream_result`: strawberry answers it over the websocket as the
    protocol's `error` message, outside the result `on_execute` sees, where it showed the value
    as Python writes it, `{'a': 1}`, `None`, with no code)."""

    # the operation's declared variables and the request's, once `on_execute` has read them
    _types: dict[str, GraphQLType] | None = None
    _sent: Mapping[str, Any] = {}

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        sent = context.variables or {}
        document = context.graphql_document
        declared: dict[str, GraphQLType] = {}
        if document is not None:
            # the operation `OneOperation` checked once the document was parsed
            operation = chosen_operation(document, context._provided_operation_name)
            declared = dict(_declared(context.schema._schema, operation))
        if sent and declared:
            context.variables = {
                name: as_input(declared[name], value) if name in declared else value for name, value in sent.items()
            }
        self._types, self._sent = declared, sent
        yield
        self._show_refusals(getattr(context.result, "errors", None))

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._show_refusals(getattr(result, "errors", None))
        yield

    def _show_refusals(self, errors: list[GraphQLError] | None) -> None:
        """Each refusal of a variable's value among `errors` coded and shown as sent, and each
        refusal of an argument's value as a field ran coded (`argument_refusal`), in place; an
        error already coded (a query's result, seen again as a websocket sends it; a document
        that does not validate) is left as it is."""
        if not errors:
            return
        shown: dict[str, str] | None = None
        for index, error in enumerate(errors):
            if "code" in (error.extensions or {}):
                continue
            # graphql-core places each refusal of a variable at the variable's definition
            if error.path is None and error.nodes and isinstance(error.nodes[0], VariableDefinitionNode):
                if self._types is None:
                    continue  # refused before the variables were read
                if shown is None:
                    shown = refusals(self._types, self.execution_context.variables or {}, self._sent)
                errors[index] = coded(error, BAD_USER_INPUT, shown.get(error.message))
            else:
                errors[index] = argument_refusal(error) or error
