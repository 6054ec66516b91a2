"""A webhook's event patterns (README, Webhooks) are event types, or dot-separated parts each a
name or `*` for any one part, matching at least one type. Any other is refused naming it and
listing the types, and nothing is subscribed: `order.**` and `o*`, which `fnmatch` reads, were
taken."""

import pytest

from app.domain.event_types import EventType
from app.services import webhooks
from app.services.stores import StoreError
from tests.conftest import STORE_ID

URL = "http://127.0.0.1:9/hooks"
# pattern -> the types it subscribes to (None: refused)
PATTERNS = {
    "order.created": ["order.created"],
    "order.*": [kind.value for kind in EventType if kind.startswith("order.")],
    "*.created": [kind.value for kind in EventType if kind.endswith(".created")],
    "*": [kind.value for kind in EventType],
    "*.*": [kind.value for kind in EventType],
    "order.**": None,
    "o*": None,
    "order.[cs]*": None,
    "order.?reated": None,
    "order.": None,
    ".created": None,
    "*.*.*": None,
    "orders.*": None,
    "ORDER.CREATED": None,
    "": None,
}


@pytest.mark.parametrize(("pattern", "types"), PATTERNS.items(), ids=[repr(p) for p in PATTERNS])
async def test_an_event_pattern_names_some_type(api, pattern, types):
    if types is not None:
        await webhooks.add_webhook(api.db, STORE_ID, URL, [pattern])
        assert [row["events"] for row in await api.rows("webhooks")] == [[pattern]]
        assert [kind.value for kind in EventType if webhooks.matches([pattern], kind)] == types
        return
    message = f"No event type matches {pattern}; types: {', '.join(EventType)}."
    with pytest.raises(StoreError) as refused:
        await webhooks.add_webhook(api.db, STORE_ID, URL, ["order.*", pattern])
    assert str(refused.value) == message
    assert await api.rows("webhooks") == []
