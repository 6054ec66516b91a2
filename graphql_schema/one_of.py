"""Fields that take one of several arguments: a contact by `phone` or by `externalId`, a
store by `storeId` or its deprecated spelling `id`."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.errors import ErrorCode, FieldError, ValidationFailed

from .errors import bad_input


def exactly_one(arguments: Mapping[str, object], message: str) -> tuple[object, str]:
    """The value and name of the one argument of `arguments` (name -> value, None when not
    given, in the field's order) that is given. None or several given: a BAD_USER_INPUT
    error (`graphql.GraphQLError`) with `message`, which names them, at the first argument's
    path (README, "Bad query arguments"): neither answered null, as if nothing matched."""
    given = [(value, name) for name, value in arguments.items() if value is not None]
    if len(given) != 1:
        raise bad_input(ValidationFailed([FieldError((next(iter(arguments)),), ErrorCode.REQUIRED, message)]))
    return given[0]
