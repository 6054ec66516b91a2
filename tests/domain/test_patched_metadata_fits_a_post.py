"""README "Limits of a PATCH's metadata": the room a merged metadata has is the body limit less
`{"metadata":}`, and its refusal names the field, the code and both sizes."""

import pytest

from app.domain.errors import ErrorCode
from app.domain.rules.patched_metadata_fits_a_post import metadata_room, metadata_too_large


@pytest.mark.parametrize(
    ("max_body_bytes", "room"), [(1_048_576, 1_048_563), (14, 1), (13, 0), (1, 0), (2**30, 2**30 - 13)]
)
def test_the_room_is_the_body_limit_less_the_envelope(max_body_bytes: int, room: int) -> None:
    assert metadata_room(max_body_bytes) == room


def test_the_refusal_names_the_field_and_both_sizes() -> None:
    (error,) = metadata_too_large(2_000, 1_000).errors
    assert (error.path, error.code) == (("metadata",), ErrorCode.TOO_LARGE)
    assert error.message.startswith("The metadata would be 2,000 bytes as JSON once merged; ")
    assert "at most 987 bytes, what a single POST of at most 1,000 bytes can carry" in error.message
