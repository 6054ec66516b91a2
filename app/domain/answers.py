"""What a REST answer about a record holds at its top level (SPEC §3 "Response"; README,
"Why an automation fired or not"): the record's own fields — a read's answer is the record —
and, on a write's answer, `automations` after them. The renderer (`app.rest.responses`) and the
PATCH refusals (`commands.readonly_fields`, SPEC §3.1 `not_allowed`) both take the shape from
here, so a field an answer gains is one a PATCH refuses unless its model takes it."""

from __future__ import annotations

import dataclasses
from typing import Any

# A write's answer: what the write caused or suppressed, and why (`app.domain.automations`).
AUTOMATIONS = "automations"


def answer_fields(record: type[Any]) -> frozenset[str]:
    """The top-level fields of the answers about `record` (a dataclass of `records`): its
    fields and `AUTOMATIONS`, e.g. {"id", "external_id", "store_id", "contact", …,
    "automations"} for `records.Order`."""
    return frozenset(item.name for item in dataclasses.fields(record)) | {AUTOMATIONS}
