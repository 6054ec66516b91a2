"""Capture the request log's lines (app.observability.request_log) as parsed JSON objects."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.observability import request_log


class Lines:
    """A text stream that keeps each line written; the log's lines are written at the end of a
    turn of the event loop, so reading them flushes what the log keeps first."""

    def __init__(self) -> None:
        self._texts: list[str] = []
        self.writes: list[str] = []

    def write(self, text: str) -> int:
        assert text.endswith("\n"), repr(text)  # whole lines only
        assert len(text.encode()) <= 4096 or text.count("\n") == 1, len(text)  # PIPE_BUF, or one line
        self.writes.append(text)
        self._texts.extend(text.removesuffix("\n").split("\n"))
        return len(text)

    def flush(self) -> None:
        pass

    @property
    def texts(self) -> list[str]:
        request_log.flush()
        return self._texts

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
