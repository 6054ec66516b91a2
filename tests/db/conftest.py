"""Fixtures of the database tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres
from tests.db.migrated import database_at


@pytest.fixture(params=postgres.engines_under_test())
def url_before(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A new database of each engine under test at the revision the test module names in
    `BEFORE` (the one before the migration it tests)."""
    with database_at(request.param, tmp_path, request.module.BEFORE) as url:
        yield url
