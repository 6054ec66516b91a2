"""Text every engine can store: no NUL characters, no lone UTF-16 surrogates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import orjson

from .errors import ErrorCode, FieldError


def is_blank(value: Any) -> bool:
    """A string that is empty or only whitespace (`str.isspace`: Unicode whitespace): a shop's
    "no value" (SPEC §10, "Blank strings")."""
    return isinstance(value, str) and (not value or value.isspace())


def trimmed(value: Any) -> Any:
    """`value` without its surrounding whitespace when it is a string, else `value` as it is (for
    the field's own type to refuse). Whitespace is what `is_blank` reads as such (SPEC §10,
    "Blank strings"): `str.strip` cuts exactly the characters `str.isspace` takes, where
    pydantic's `strip_whitespace` (Rust's `char::is_whitespace`) keeps U+001C-U+001F."""
    return value.strip() if value.__class__ is str else value


def _error(path: tuple[str | int, ...]) -> FieldError:
    field = ".".join(str(part) for part in path) or "(key)"
    return FieldError(
        path, ErrorCode.INVALID_CHARACTERS, f"The {field} field contains a NUL character or a lone surrogate."
    )


def unsafe_text_errors(data: Any) -> list[FieldError]:
    """One error per string that holds a NUL or a lone surrogate, at its path, in `data`: JSON
    values, or mappings (a GraphQL input view) holding them."""
    try:
        # Fast path in C: orjson refuses lone surrogates and escapes NUL as \u0000.
        # A JSON body's numbers with decimals are Decimals: float, a C call, writes them (the
        # text of a number holds nothing unsafe); anything else float refuses is visited.
        if b"\\u0000" not in orjson.dumps(data, default=float if data.__class__ is dict else _plain):
            return []
    except (TypeError, orjson.JSONEncodeError):
        pass
    found: list[FieldError] = []
    try:
        _visit(data, (), found)
    except RecursionError:
        pass  # nested past any accepted depth: the field validation rejects it (too_deep)
    return found


def _plain(value: Any) -> Any:
    """orjson's `default`: a mapping view is written as its items, anything else as text."""
    if value.__class__ is Decimal:  # every amount of a JSON body: spared the ABC check (1 µs)
        return 0  # a number's text holds no NUL or surrogate: no need to write it
    return dict(value) if isinstance(value, Mapping) else str(value)


def _visit(value: Any, path: tuple[str | int, ...], found: list[FieldError]) -> None:
    if isinstance(value, str):
        if not is_safe(value):
            found.append(_error(path))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if is_safe(key):
                _visit(item, path + (key,), found)
            else:
                found.append(_error(path))  # a bad key is reported on the object holding it
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _visit(item, path + (index,), found)


# A NUL, or a UTF-16 surrogate (U+D800-U+DFFF) standing alone in a Python str: one C search,
# where a generator over the characters cost a Python step each (every batch item's id).
_UNSAFE = re.compile("[\x00\ud800-\udfff]")


# How a JSON text writes a NUL or a lone surrogate in a string: only as an escape (RFC 8259 §7:
# a control character in a string is escaped, and UTF-8 encodes no surrogate), `\u0000`, or
# `\uD800`-`\uDFFF` in either case.
_UNSAFE_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def may_hold_unsafe_text(body: bytes) -> bool:
    """Whether the JSON text `body` (UTF-8) may hold a string with a NUL or a lone surrogate:
    False when it writes no escape that makes one, so that `unsafe_text_errors` of what it
    parses to is empty, and the whole parsed body, a batch's every item, need not be written
    out again to find out. True for a paired surrogate or an escaped backslash before `u0000`
    too: their strings are then checked one by one."""
    return _UNSAFE_ESCAPE.search(body) is not None


def is_safe(text: str) -> bool:
    """Whether `text` holds no NUL and no lone surrogate (what no engine stores, nor UTF-8 encodes)."""
    return _UNSAFE.search(text) is None
