"""What the OpenAPI document says of blank strings, as the API reads them (SPEC §10, "Blank
strings"; README): shops relay `""` or whitespace for "no value", so in an optional string field of
a command a blank is the field left out, and in a required one it is missing.

The request schemas come from the command models, which describe the values they keep: a
currency of three letters, an email, an RFC 3339 time. Left so, a client that validates its
requests against the document (a generated SDK, a gateway) refused the blanks the API takes.
Here every optional field the API reads a blank in also allows one (`commands.blank_fields`: the
string fields, and those no string fills, such as an address or a count), and every required
string field needs a character that is not whitespace (`commands.string_fields`). A field holding
an object also allows `[]`, PHP's empty array, which the API reads as the field left out."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from app.domain.commands import Command, blank_fields, nested_commands, object_fields, string_fields
from app.domain.types import LineItem

# What `text.is_blank` reads as whitespace (`str.isspace`), spelled out: ECMA-262's `\s`, which
# JSON Schema patterns use, differs at its edges (it takes U+FEFF, and not U+001C–U+001F nor
# U+0085), so a document said blank where the API did not, and the other way round.
WHITESPACE = (
    "\\t\\n\\u000b\\u000c\\r\\u001c-\\u0020\\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
)
BLANK = {"type": "string", "pattern": f"^[{WHITESPACE}]*$", "description": "Blank: the field left out"}
NOT_BLANK = f"[^{WHITESPACE}]"  # a required field's text: not only whitespace
# PHP's empty array where an object goes: the field left out (`commands.without_blank_strings`)
EMPTY_ARRAY = {"type": "array", "maxItems": 0, "description": "An empty PHP array: the field left out"}


def commands_within(model: type[Command]) -> Iterator[type[Command]]:
    """`model` and the commands its fields hold (the embedded customer, addresses, a consent)."""
    yield model
    for _name, nested in nested_commands(model):
        yield from commands_within(nested)


def allow_blanks(definitions: dict[str, Any], models: list[type[Command]]) -> None:
    """Mark, in place, the schemas of `models` and of the commands within them in
    `definitions` (component name → JSON schema; a model's validation schema is named after it,
    or `<name>-Input` when it differs from its serialization one)."""
    # a line item is free-form but for its quantity and price, which read a blank as a command does
    within = [model for top in models for model in commands_within(top)] + [LineItem]
    for model in dict.fromkeys(within):
        schema = definitions.get(f"{model.__name__}-Input") or definitions.get(model.__name__)
        if schema is not None:
            _mark(schema, blank_fields(model), string_fields(model))
            for name in object_fields(model):  # each optional, so already an anyOf with its blank
                schema["properties"][name]["anyOf"].append(EMPTY_ARRAY)


def _mark(schema: dict[str, Any], blank: frozenset[str], text: frozenset[str]) -> None:
    required = set(schema.get("required", ()))
    for name in blank:
        prop = schema["properties"][name]
        if name in required:
            if name in text:  # a required object or list refuses a string by its type already
                prop.setdefault("pattern", NOT_BLANK)
        elif "anyOf" in prop:
            prop["anyOf"] = [*prop["anyOf"], BLANK]
        else:
            described = {key: prop.pop(key) for key in ("title", "description", "default") if key in prop}
            schema["properties"][name] = {"anyOf": [prop, BLANK], **described}
