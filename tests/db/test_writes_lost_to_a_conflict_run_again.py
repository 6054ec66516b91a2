"""On PostgreSQL a write that a concurrent transaction made fail in a way a new attempt
resolves (a deadlock PostgreSQL broke, a serialization failure, a unique key taken or a row
referenced deleted meanwhile) runs again, after a short random pause, up to WRITE_ATTEMPTS
attempts in all; any other failure is raised at once (app/db/postgres.py). A deadlock or a
serialization failure that outlasts every attempt, and a table gone, are answered as
`DatabaseUnavailable` caused by the driver's error (app/db/cannot_serve.py): no bug of the
request, so a 503 rather than a 500. Each write run again is counted on /metrics by the
conflict's condition name (`kanal_write_conflicts_total{reason}`), a failure not run again is not."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from app.db.cannot_serve import StillConflicting, TablesMissing
from app.db.postgres import (
    DEADLOCK_PAUSE_CAP,
    DEADLOCK_PAUSE_FIRST,
    LOCK_TABLE_PAUSE_CAP,
    LOCK_TABLE_PAUSE_FIRST,
    RETRY_PAUSE_CAP,
    RETRY_PAUSE_FIRST,
    WRITE_ATTEMPTS,
    retry_pause,
    sqlstate,
)
from app.db.unavailable import DatabaseUnavailable
from tests.conftest import Api

RETRIED = {
    "40P01": "deadlock_detected",
    "40001": "serialization_failure",
    "23505": "unique_violation",
    "23503": "foreign_key_violation",
    "53200": "out_of_memory",
}
RAISED = {"22012": "division_by_zero", "23502": "not_null_violation"}
# What the caller gets when a failure is not run again, or no more: the driver's error, or a
# DatabaseUnavailable over the reason the database cannot serve, over that error.
RAISED_AS: dict[str, type[Exception] | None] = {
    "40P01": StillConflicting,
    "40001": StillConflicting,
    "53200": StillConflicting,
    "42P01": TablesMissing,
    "23505": None,
    "23503": None,
    "22012": None,
    "23502": None,
}


def failing(times: int, sqlstate_: str, name: str = "written") -> tuple[Any, list[int]]:
    """A write that fails `times` times with a real PostgreSQL error of `sqlstate_` (raised by
    the server, as a real conflict's is), then writes a row named `name` and answers "written"."""
    attempts: list[int] = []

    def work(conn: Connection) -> str:
        attempts.append(1)
        if len(attempts) <= times:
            conn.execute(text(f"DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '{sqlstate_}'; END $$"))
        conn.execute(text("INSERT INTO kept_versions (name, version) VALUES (:name, 1)"), {"name": name})
        return "written"

    return work, attempts


async def _written(api: Api) -> int:
    rows = await api.db.read(
        lambda conn: conn.execute(
            text("SELECT count(*) FROM kept_versions WHERE name IN ('written', 'other')")
        ).scalar()
    )
    return int(rows)


@pytest.fixture
def postgres_api(api: Api) -> Api:
    if api.db.dialect != "postgresql":
        pytest.skip("SQLite runs one write transaction at a time: no concurrent one to conflict with")
    return api


def _conflicts() -> dict[str, float]:
    """kanal_write_conflicts_total by reason, as /metrics counts it in this process."""
    reasons = [*RETRIED.values(), *RAISED.values(), "undefined_table", "connection_lost"]
    return {
        reason: REGISTRY.get_sample_value("kanal_write_conflicts_total", {"reason": reason}) or 0.0
        for reason in reasons
    }


def _added(before: dict[str, float]) -> dict[str, float]:
    return {reason: count - before[reason] for reason, count in _conflicts().items() if count != before[reason]}


@pytest.mark.parametrize("state", RETRIED, ids=list(RETRIED.values()))
@pytest.mark.parametrize("times", [1, WRITE_ATTEMPTS - 1])
async def test_a_write_that_lost_to_a_conflict_is_run_again(postgres_api: Api, state: str, times: int) -> None:
    work, attempts = failing(times, state)
    before = _conflicts()
    assert await postgres_api.db.write_alone(work) == "written"
    assert (len(attempts), await _written(postgres_api)) == (times + 1, 1)
    assert _added(before) == {RETRIED[state]: times}


@pytest.mark.parametrize("state", RETRIED, ids=list(RETRIED.values()))
async def test_a_group_of_writes_lost_to_a_conflict_is_counted_once(postgres_api: Api, state: str) -> None:
    """Two writes in one turn share a transaction: the second failing rolls back the first's
    write too, and both then run alone (the failing one no more): one conflict counted, both
    written."""
    work, attempts = failing(1, state)
    other, other_attempts = failing(0, state, "other")
    before = _conflicts()
    answers = await asyncio.gather(postgres_api.db.write(other), postgres_api.db.write(work))
    assert (answers, len(attempts), len(other_attempts)) == (["written", "written"], 2, 2)
    assert (await _written(postgres_api), _added(before)) == (2, {RETRIED[state]: 1})


@pytest.mark.parametrize("state", RETRIED, ids=list(RETRIED.values()))
async def test_a_write_that_loses_every_attempt_raises_the_last_failure(postgres_api: Api, state: str) -> None:
    work, attempts = failing(WRITE_ATTEMPTS, state)
    before = _conflicts()
    with pytest.raises(Exception) as raised:
        await postgres_api.db.write_alone(work)
    assert (_raised(raised.value, state), len(attempts), await _written(postgres_api)) == (state, WRITE_ATTEMPTS, 0)
    assert _added(before) == {RETRIED[state]: WRITE_ATTEMPTS - 1}  # the last attempt is not run again
    if RAISED_AS[state] is StillConflicting:  # the log line says which: records met, or a full lock table
        assert isinstance(raised.value, DatabaseUnavailable)
        assert raised.value.cause.startswith(f"StillConflicting: {STILL_CONFLICTING[state]} at each of 10 attempts (")


# a failure raised as StillConflicting -> what its message says
STILL_CONFLICTING = {
    "40P01": "concurrent writes of the same records",
    "40001": "concurrent writes of the same records",
    "53200": "the server's lock table full of concurrent writes' locks (raise max_locks_per_transaction)",
}


@pytest.mark.parametrize("state", {**RAISED, "42P01": "undefined_table"}, ids=[*RAISED.values(), "undefined_table"])
async def test_any_other_failure_is_raised_at_once(postgres_api: Api, state: str) -> None:
    work, attempts = failing(1, state)
    before = _conflicts()
    with pytest.raises(Exception) as raised:
        await postgres_api.db.write_alone(work)
    assert (_raised(raised.value, state), len(attempts), await _written(postgres_api)) == (state, 1, 0)
    assert _added(before) == {}


def _raised(exc: BaseException, state: str) -> str | None:
    """The SQLSTATE of the driver's error `exc` carries, once `exc` is checked to be what a
    failure of `state` is raised as (RAISED_AS)."""
    reason = RAISED_AS[state]
    if reason is None:
        assert isinstance(exc, DBAPIError)
        return sqlstate(exc)
    assert isinstance(exc, DatabaseUnavailable)
    assert isinstance(exc.__cause__, DBAPIError)
    assert exc.cause.startswith(f"{reason.__name__}: ")
    return sqlstate(exc.__cause__)


# the failure's SQLSTATE -> the first bound and the cap of its pauses
PAUSES = {
    None: (RETRY_PAUSE_FIRST, RETRY_PAUSE_CAP),
    "40P01": (DEADLOCK_PAUSE_FIRST, DEADLOCK_PAUSE_CAP),  # a burst of the same records: longer
    "23505": (RETRY_PAUSE_FIRST, RETRY_PAUSE_CAP),
    "53200": (LOCK_TABLE_PAUSE_FIRST, LOCK_TABLE_PAUSE_CAP),  # the lock table full: longer
}


@pytest.mark.parametrize("state", PAUSES)
@pytest.mark.parametrize("attempt", range(WRITE_ATTEMPTS))
def test_the_pause_before_a_new_attempt_is_random_and_bounded(attempt: int, state: str | None) -> None:
    first, cap = PAUSES[state]
    bound = min(cap, first * 2**attempt)
    pauses = {retry_pause(attempt, state) for _ in range(50)}
    assert all(0 <= pause <= bound for pause in pauses)
    assert len(pauses) > 1  # random: writes that met in one order do not meet again in it
