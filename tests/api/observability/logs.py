"""Capture the request log's lines (app.observability.request_log) as parsed JSON objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.observability import request_log


class Lines:
    """A text stream that keeps each line written."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def write(self, text: str) -> int:
        assert text.endswith("\n") and text.count("\n") == 1, repr(text)  # one write per line
        self.texts.append(text.removesuffix("\n"))
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def parsed(self) -> list[dict[str, Any]]:
        return [json.loads(text) for text in self.texts]


@contextmanager
def request_lines() -> Iterator[Lines]:
    lines = Lines()
    request_log.write_to(lines)  # type: ignore[arg-type]
    try:
        yield lines
    finally:
        request_log.write_to(None)
