"""What no public description may say, for the OpenAPI document and the GraphQL schema alike:
a name of the code (a Python module, a private name) or an issue of the project's tracker, which
send an API user into source and tickets they do not have, and a sentence cut off (a description ending in a dangling word such as "until",
"and", "or", or a comma)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Every module and package of the service, by its last name (platform_names, records, consent).
MODULES = frozenset(
    path.stem if path.stem != "__init__" else path.parent.name
    for package in ("app", "graphql_schema")
    for path in (ROOT / package).rglob("*.py")
)
_QUOTED = re.compile(r"`([^`]+)`")
_IN_PROSE = re.compile(r"\bapp\.[a-z_]|\bgraphql_schema\b|\.py\b|\bdocstring\b|\bmodule's\b|\bissue \d+")
# A word or mark a sentence is not finished on ("null until", "no recovery then;", "a, b,").
_DANGLING = re.compile(r"(?:\b(?:until|and|or|the|a|an|of|with|but)|[,;:(\-–—])\s*$", re.IGNORECASE)


def code_names(description: str) -> list[str]:
    """The names of the code a description quotes or writes out: a `quoted` name that is private
    (`_money`) or whose first part is a module (`platform_names.line_item_in_our_names`; a module
    quoted alone reads as the field it is named after), or a module path, a source file, a
    docstring or an issue number named in prose."""
    found = [
        name
        for name in _QUOTED.findall(description)
        if name.startswith("_") or ("." in name and name.split(".")[0] in MODULES)
    ]
    return found + [match.group(0) for match in _IN_PROSE.finditer(description)]


def is_cut_off(description: str) -> bool:
    """Whether a description ends where no sentence ends (a dangling word or mark)."""
    return bool(_DANGLING.search(description.rstrip(" .")))
