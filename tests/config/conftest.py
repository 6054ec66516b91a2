"""The settings tests' shared fixture."""

from __future__ import annotations

import pytest

from app.config import Settings


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """`monkeypatch`, with every variable of the settings unset: a test sets the ones it reads."""
    for field in Settings.model_fields.values():
        monkeypatch.delenv(str(field.validation_alias), raising=False)
    return monkeypatch
