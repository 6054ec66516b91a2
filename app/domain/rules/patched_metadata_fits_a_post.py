"""A PATCH never makes a record's metadata larger than a single POST can carry (README, "Limits
of a PATCH's metadata").

A PATCH's metadata is a JSON merge patch (RFC 7386): each PATCH adds keys to those stored, so
without a limit a few PATCHes within the body limit each made a metadata of megabytes, which
every GET then returned and which no POST could write again (`413`). The merged metadata is
held to what the smallest POST body carrying it can be: `{"metadata":…}` within
`KANAL_MAX_BODY_BYTES`, the metadata measured as compact JSON in UTF-8 (as a batch item is,
`services.item_size`). A PATCH past it is refused whole (`422`, field `metadata`, code
`too_large`); a PATCH of other fields, or one that leaves the metadata out, is not measured."""

from __future__ import annotations

from app.domain.errors import ErrorCode, FieldError, ValidationFailed

# The rest of the smallest POST body carrying a metadata: `{"metadata":` and `}`.
_ENVELOPE = len(b'{"metadata":}')


def metadata_room(max_body_bytes: int) -> int:
    """The most bytes a merged metadata may take as compact JSON: the body limit
    (`Settings.max_body_bytes`, bytes) less the 13 bytes of `{"metadata":}`, e.g. 1,048,563
    for the default 1 MiB; never below 0."""
    return max(max_body_bytes - _ENVELOPE, 0)


def metadata_too_large(size: int, max_body_bytes: int) -> ValidationFailed:
    """The refusal of a PATCH whose merged metadata would take `size` bytes as compact JSON,
    past `metadata_room(max_body_bytes)`: field `metadata`, code `too_large`, both sizes in the
    message."""
    message = (
        f"The metadata would be {size:,} bytes as JSON once merged; a record's metadata takes at most "
        f"{metadata_room(max_body_bytes):,} bytes, what a single POST of at most {max_body_bytes:,} bytes "
        "can carry. Remove keys with null, or send smaller values."
    )
    return ValidationFailed([FieldError(("metadata",), ErrorCode.TOO_LARGE, message)])
