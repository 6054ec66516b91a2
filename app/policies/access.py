"""Access to a store: the refusals, their order, and what each one says.

Rule (SPEC §2): a request is checked in this order — key present, key valid, store active,
key covers the store — and the first failing check answers. The checks themselves run in
`app.services.keys.authorize` (one read of the key and the store); this module owns what a
refusal says: the REST status and `{"error": message}` body, and the GraphQL top-level error
(`message`, `extensions.code`). GraphQL uses the same keys and scope rules on every store it
names (SPEC §2, last line).
"""

from __future__ import annotations

from dataclasses import dataclass

from app.services.keys import AuthFailure, InvalidKey, MissingKey, StoreForbidden, StoreUnavailable


@dataclass(frozen=True)
class Refusal:
    """What a failed check answers: `status` (REST HTTP status), `code` (GraphQL
    `extensions.code`) and `message` (REST `error`, GraphQL `message`)."""

    status: int
    code: str
    message: str


UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"

# In the order the checks run (SPEC §2's table).
REFUSALS: dict[type[AuthFailure], Refusal] = {
    MissingKey: Refusal(401, UNAUTHENTICATED, "API key is missing"),
    InvalidKey: Refusal(401, UNAUTHENTICATED, "Invalid API key"),
    StoreUnavailable: Refusal(404, FORBIDDEN, "Store not found or paused"),
    StoreForbidden: Refusal(403, FORBIDDEN, "API key does not authorize this store"),
}


def refusal(failure: AuthFailure) -> Refusal:
    """The refusal for a failure `keys.authorize` raised."""
    return REFUSALS[type(failure)]
