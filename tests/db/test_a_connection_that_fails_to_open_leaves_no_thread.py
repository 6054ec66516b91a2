"""A one-off SQLite connection (`kanal db upgrade`, the check before `kanal serve`) that fails
to open ends its aiosqlite thread before the error reaches the caller: the thread used to be
left to hand its result to an event loop `asyncio.run` had closed, and died with
`RuntimeError: Event loop is closed` on stderr (`unavailable.one_off_engine`)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from app.db.unavailable import DatabaseUnavailable, connected, one_off_engine


def _aiosqlite_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if "_connection_worker_thread" in repr(thread._target)}  # type: ignore[attr-defined]


async def _open(url: str) -> None:
    engine = one_off_engine(url)
    try:
        async with connected(engine):
            pass
    finally:
        await engine.dispose()


def test_the_thread_has_ended_when_the_error_is_raised(tmp_path: Path) -> None:
    (tmp_path / "kanal.db").mkdir()  # SQLite cannot open a directory
    before = _aiosqlite_threads()
    for _ in range(20):  # the thread raced the loop's closing: it lost one time in a few
        with pytest.raises(DatabaseUnavailable):
            asyncio.run(_open(f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"))
        assert _aiosqlite_threads() - before == set()
