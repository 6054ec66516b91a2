"""Counts in the words a person reads: "1 delivery", "2 deliveries", "1,000 records"."""

from __future__ import annotations


def counted(count: int, one: str, many: str) -> str:
    """`count` with thousands separators, then `one` (the singular) when it is 1, else `many`."""
    return f"{count:,} {one if count == 1 else many}"
