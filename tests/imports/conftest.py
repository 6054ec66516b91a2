"""Fixtures of the `kanal import` tests: a database prepared by the real CLI (store 123, a key),
on each engine under test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import postgres
from tests.realserver import Prepared, prepared_database


@pytest.fixture(params=postgres.engines_under_test())
def prepared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prepared]:
    with prepared_database(request.param, tmp_path) as database:
        yield database
