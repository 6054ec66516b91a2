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

from app.services.keys import (
    AuthFailure,
    InvalidKey,
    MalformedAuthorization,
    MissingKey,
    PlaceholderKey,
    SeveralCredentials,
    StoreForbidden,
    StoreUnavailable,
)


@dataclass(frozen=True)
class Refusal:
    """What a failed check answers: `status` (REST HTTP status), `code` (GraphQL
    `extensions.code`) and `message` (REST `error`, GraphQL `message`); a 401 also carries
    `challenge`, its `WWW-Authenticate` header (RFC 6750 §3, RFC 9110 §11.6.1), and, where
    the challenge says why, `description` (its `error_description`; GraphQL's
    `extensions.description`, as a GraphQL answer carries no such header)."""

    status: int
    code: str
    message: str
    challenge: str | None = None
    description: str | None = None


UNAUTHENTICATED = "UNAUTHENTICATED"
FORBIDDEN = "FORBIDDEN"


def _unauthenticated(message: str, error: str | None = None, description: str | None = None) -> Refusal:
    """A 401: RFC 6750 §3.1 gives no error code when no credentials came; `invalid_request`
    for a header that is not `Bearer <key>` or that is sent more than once ("repeats the same
    parameter": the body stays SPEC §2's "missing", no key was read); `invalid_token` for a key
    unknown or revoked."""
    challenge = "Bearer" if error is None else f'Bearer error="{error}", error_description="{description}"'
    return Refusal(401, UNAUTHENTICATED, message, challenge, description)


# In the order the checks run (SPEC §2's table). Each body stays exactly as SPEC §2 says.
REFUSALS: dict[type[AuthFailure], Refusal] = {
    MissingKey: _unauthenticated("API key is missing"),
    MalformedAuthorization: _unauthenticated(
        "API key is missing", "invalid_request", "The Authorization header must be: Bearer <API key>"
    ),
    SeveralCredentials: _unauthenticated(
        "API key is missing",
        "invalid_request",
        "The Authorization header must be sent once, with one key: Bearer <API key>",
    ),
    PlaceholderKey: _unauthenticated(
        "API key is missing",
        "invalid_request",
        "The Authorization header holds a placeholder in angle brackets: put your API key in its place",
    ),
    InvalidKey: _unauthenticated("Invalid API key", "invalid_token", "The API key is unknown or revoked"),
    StoreUnavailable: Refusal(404, FORBIDDEN, "Store not found or paused"),
    StoreForbidden: Refusal(403, FORBIDDEN, "API key does not authorize this store"),
}


def refusal(failure: AuthFailure) -> Refusal:
    """The refusal for a failure `keys.authorize` raised."""
    return REFUSALS[type(failure)]
