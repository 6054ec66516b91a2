"""The packages form layers: no import cycle between them (a lazy import inside a function counts).

This reads the import statements with `ast` (a check of structure, not behaviour): the layers are
config and domain < db < services < policies < read < automations, rest and graphql_schema <
main and cli."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "graphql_schema")


def _unit(module: str) -> str:
    """The layer a module belongs to: `app.services.carts` -> `app.services`, `graphql_schema.x` -> `graphql_schema`."""
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "app" and len(parts) > 1 else parts[0]


def _imported(path: Path, module: str) -> set[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module or "")
    return {name for name in found if name.split(".")[0] in PACKAGES}


def import_graph() -> dict[str, set[str]]:
    """unit -> the other units it imports."""
    graph: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            graph[_unit(module)] |= {_unit(name) for name in _imported(path, module)} - {_unit(module)}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, done = [], set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append(path[path.index(node) :] + [node])
            return
        if node in done:
            return
        for target in sorted(graph.get(node, ())):
            visit(target, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])
    return found


def test_the_graph_is_read_from_the_sources():
    graph = import_graph()
    assert "app.services" in graph["app.rest"] and "app.domain" in graph["app.services"]


def test_no_import_cycle_between_packages():
    assert _cycles(import_graph()) == []


def test_services_do_not_import_automations():
    assert "app.automations" not in import_graph()["app.services"]


def test_config_is_a_leaf():
    """Config imports only the rules it checks settings by (app.sqlite_uri, app.driver_options,
    app.rate_limit_storage), leaves themselves but for the one another reads."""
    graph = import_graph()
    assert graph["app.config"] == {"app.sqlite_uri", "app.driver_options", "app.rate_limit_storage"}
    assert graph["app.driver_options"] == {"app.sqlite_uri"}
    assert graph["app.rate_limit_storage"] == set()
    assert graph["app.sqlite_uri"] == set()


def test_a_cycle_would_be_found():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
