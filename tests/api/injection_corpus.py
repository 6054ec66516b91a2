"""The injection corpus, `corpora/injection_strings.json`, as Python values: the strings, and for
each the one outcome it has in a given field (stored exactly, absent, or refused with one 422 code)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

TOO_LONG = "too_long"


@dataclass(frozen=True)
class Text:
    """One string of the corpus; `refused` maps a field (dot notation, as a 422 names it, list
    indices left out) to the code it is refused with, beyond the length limits; `absent`: a blank
    string, which counts as absent in the `optional` string fields."""

    id: str
    text: str
    refused: dict[str, str]
    limits: dict[str, int]
    absent: bool = False
    optional: frozenset[str] = frozenset()

    def is_absent(self, field: str) -> bool:
        """Whether `field` takes this text as absent (SPEC §10, issue 11: blank strings are absent):
        a POST stores null, the embedded customer keeps the contact's value, a PATCH leaves it."""
        return self.absent and field in self.optional

    def refusal(self, field: str) -> str | None:
        """The 422 code `field` answers this text with, or None: it is stored exactly."""
        if field in self.refused:
            return self.refused[field]
        if field in self.limits and len(self.text) > self.limits[field]:
            return TOO_LONG
        return None


def _load() -> dict[str, list[Text]]:
    data = json.loads((Path(__file__).parent / "corpora" / "injection_strings.json").read_text("utf-8"))
    limits: dict[str, int] = data["limits"]
    optional = frozenset(data["optional"])
    return {
        kind: [
            Text(
                entry["id"],
                entry["text"] * entry.get("times", 1),
                entry.get("refused", {}),
                limits,
                entry.get("absent", False),
                optional,
            )
            for entry in data[kind]
        ]
        for kind in ("text", "email", "recovery_url")
    }


_CORPUS = _load()
TEXTS = _CORPUS["text"]  # for every string field and id
EMAILS = _CORPUS["email"]
RECOVERY_URLS = _CORPUS["recovery_url"]


def params(texts: list[Text]) -> list[pytest.ParameterSet]:
    """The texts as pytest parameters named by their ids."""
    return [pytest.param(text, id=text.id) for text in texts]
