"""Hostile and odd request bodies (SPEC §3, §4, §7), kept as data in tests/api/corpora/bodies/*.json
(format: tests/api/corpora/bodies/README.md) and sent to the endpoints that take a body. Each case pins
its one outcome: the status and, for a 4xx, the exact `{"error": …}` text or the exact 422 `codes`
mapping; a rejected request leaves every table exactly as it was; nothing is ever a 500.

The walkthrough's data is written once per engine for the whole module (a rejected request
changes nothing), and each case compares the tables with that first state; after a case that
changed them (an accepted body, or a failure) the data is written afresh."""

from __future__ import annotations

import pytest

from tests.api import corpus
from tests.api.walkthrough import SeededStore

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest.mark.parametrize("case", corpus.load(*corpus.files()))
async def test_body_gets_its_one_outcome(seeded_store: SeededStore, case: corpus.Case) -> None:
    response = await seeded_store.api.raw(case.method, case.path, case.body(), **{"content-type": "application/json"})
    changed = await seeded_store.changed_tables()
    problems = corpus.outcome_errors(response, case.expect)
    if case.defect:
        # A known wrong answer: still never a 500, and a rejection still changes nothing.
        assert response.status_code < 500, response.text[:500]
        assert response.status_code < 400 or not changed, f"a rejected request changed {changed}"
        if not problems:
            pytest.fail(f"the defect is fixed, drop its mark: {case.defect}")
        pytest.xfail(case.defect)
    assert not problems, problems
    if not case.accepted:
        assert not changed, f"a rejected request changed {changed}"
