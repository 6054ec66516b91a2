"""Request corpora kept as data: loading the JSON files of tests/api/corpora/bodies/, building each case's
body as bytes, and checking the one outcome a case expects. The file format is described in
tests/api/corpora/bodies/README.md."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.walkthrough import PHONE
from tests.conftest import cart_body, order_body, shipment_body

CORPORA = Path(__file__).parent / "corpora" / "bodies"

# The valid bodies a case can start from ("valid": name, "with": {field: value}).
VALID: dict[str, Any] = {
    "order": order_body,
    "shipment": shipment_body,
    "cart": cart_body,
    "customer": lambda: {"external_id": "CUST-43", "phone": PHONE},
}

_CASE_KEYS = {"id", "endpoint", "endpoints", "json", "valid", "with", "raw", "encoding", "size", "expect", "defect"}


@dataclass(frozen=True)
class Case:
    """One request and its one expected outcome. `expect` holds `status` and, for a 4xx, either
    `error` (the exact `{"error": …}` text) or `codes` (the exact 422 `codes` mapping); for a
    2xx, optionally `echo` (fields the response must carry with these values) and `ignored` (dot
    paths the response must not carry). `defect` names a known wrong answer: `expect` is the right
    one, and the case is expected to fail until the service is fixed."""

    id: str
    method: str
    path: str
    spec: dict[str, Any]
    expect: dict[str, Any]
    defect: str | None = None

    @property
    def accepted(self) -> bool:
        return self.expect["status"] < 400

    def body(self) -> bytes:
        return encode(self.spec)


def load(*names: str) -> list[Any]:
    """The cases of the named corpus files (file stems), as pytest params with ids
    "<file>: <case id>" (one per endpoint when a case lists several)."""
    params = []
    for name in names:
        seen: set[str] = set()
        for case in _cases(name):
            assert case.id not in seen, f"{name}: duplicate id {case.id!r}"
            seen.add(case.id)
            params.append(pytest.param(case, id=f"{name}: {case.id}"))
    return params


def files() -> list[str]:
    return sorted(path.stem for path in CORPORA.glob("*.json"))


def _cases(name: str) -> Iterator[Case]:
    document = json.loads((CORPORA / f"{name}.json").read_text(encoding="utf-8"))
    assert set(document) == {"about", "cases"}, f"{name}: a file holds 'about' and 'cases'"
    for raw in document["cases"]:
        _check_form(name, raw)
        endpoints = raw.get("endpoints") or [raw["endpoint"]]
        spec = {key: raw[key] for key in ("json", "valid", "with", "raw", "encoding", "size") if key in raw}
        for endpoint in endpoints:
            method, path = endpoint.split(" ", 1)
            case_id = raw["id"] if len(endpoints) == 1 else f"{endpoint}: {raw['id']}"
            yield Case(case_id, method, path, spec, raw["expect"], raw.get("defect"))


def _check_form(name: str, raw: dict[str, Any]) -> None:
    where = f"{name}: {raw.get('id')}"
    assert set(raw) <= _CASE_KEYS, f"{where}: unknown keys {set(raw) - _CASE_KEYS}"
    assert len({"json", "valid", "raw"} & set(raw)) == 1, f"{where}: one body, json, valid or raw"
    assert ("endpoint" in raw) != ("endpoints" in raw), f"{where}: endpoint or endpoints"
    expect = raw["expect"]
    status = expect["status"]
    if status == 422:
        shape = {"status", "codes"}
    elif status >= 400:
        shape = {"status", "error"}
    else:
        shape = {"status"} | ({"echo", "ignored"} & set(expect))
    assert set(expect) == shape, f"{where}: a {status} expects {sorted(shape)}"


# --------------------------------------------------------------------------------------------
# Bodies
# --------------------------------------------------------------------------------------------


def encode(spec: dict[str, Any]) -> bytes:
    """The bytes of a case's body: `json` (a value, maybe with directives), `valid` + `with` (a
    valid body with top-level fields replaced), or `raw` (Latin-1 text: one character per byte).
    `encoding` sends the JSON text in another character encoding; `size` is the exact byte length
    a `$fill` string pads the body to."""
    if "raw" in spec:
        parts = spec["raw"] if isinstance(spec["raw"], list) else [spec["raw"]]
        return "".join(_expand(part) for part in parts).encode("latin-1")
    value = spec["json"] if "json" in spec else {**VALID[spec["valid"]](), **spec.get("with", {})}
    if "size" in spec:
        short = _encoded(value, spec, fill=0)
        body = _encoded(value, spec, fill=spec["size"] - len(short))
        assert len(body) == spec["size"], (len(body), spec["size"])
        return body
    return _encoded(value, spec, fill=None)


def _encoded(value: Any, spec: dict[str, Any], fill: int | None) -> bytes:
    encoding = spec.get("encoding")
    text = _json(value, ascii=encoding is None, fill=fill)
    return text.encode(encoding or "ascii")


def _json(value: Any, ascii: bool, fill: int | None) -> str:
    """JSON text as `json.dumps(value, ensure_ascii=ascii)` writes it, with directives expanded."""
    if isinstance(value, dict) and value and next(iter(value)).startswith("$"):
        return _directive(value, ascii, fill)
    if isinstance(value, dict) and _has_directive(value):
        items = (f"{json.dumps(key, ensure_ascii=ascii)}: {_json(item, ascii, fill)}" for key, item in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list) and _has_directive(value):
        return "[" + ", ".join(_json(item, ascii, fill) for item in value) + "]"
    return json.dumps(value, ensure_ascii=ascii)


def _has_directive(value: Any) -> bool:
    if isinstance(value, dict):
        if value and next(iter(value)).startswith("$"):
            return True
        return any(map(_has_directive, value.values()))
    if isinstance(value, list):
        return any(map(_has_directive, value))
    return False


def _directive(value: dict[str, Any], ascii: bool, fill: int | None) -> str:
    name, argument = next(iter(value.items()))
    if name == "$literal":  # JSON text a value cannot hold: NaN, 1e400, a 5000-digit number
        return _expand(argument)
    if name == "$repeat":
        return json.dumps(_expand(value), ensure_ascii=ascii)
    if name == "$nested_object":
        return '{"a":' * argument + value.get("leaf", "1") + "}" * argument
    if name == "$nested_array":
        return "[" * argument + "]" * argument
    if name == "$pairs":  # an object whose keys may repeat, in this order
        return (
            "{"
            + ", ".join(f"{json.dumps(key, ensure_ascii=ascii)}: {_json(item, ascii, fill)}" for key, item in argument)
            + "}"
        )
    if name == "$fill":
        assert fill is not None, "$fill needs the case's 'size'"
        return json.dumps(argument * fill)
    raise AssertionError(f"unknown directive {name}")


def _expand(part: Any) -> Any:
    """A string, or {"$repeat": [string or list, times]} with, for a string, an optional
    "prefix" and "suffix"."""
    if not isinstance(part, dict):
        return part
    item, times = part["$repeat"]
    if isinstance(item, list):
        return item * times
    return part.get("prefix", "") + item * times + part.get("suffix", "")


# --------------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------------


def outcome_errors(response: httpx.Response, expect: dict[str, Any]) -> list[str]:
    """What differs between the response and the expected outcome (empty when it matches)."""
    status = expect["status"]
    if response.status_code != status:
        return [f"status {response.status_code}, expected {status}: {response.text[:500]}"]
    body = response.json()
    if status == 422:
        return _validation_errors(body, expect["codes"])
    if status >= 400:
        return [] if body == {"error": expect["error"]} else [f"body {body}, expected error {expect['error']!r}"]
    found = [
        f"{name}: {body.get(name, 'absent')!r}, expected {value!r}"
        for name, value in expect.get("echo", {}).items()
        if body.get(name, _ABSENT) != value
    ]
    return found + [f"{path} is echoed" for path in expect.get("ignored", []) if _dig(body, path) is not _ABSENT]


def _validation_errors(body: Any, codes: dict[str, list[str]]) -> list[str]:
    """SPEC §7: {"message": first error, "errors": {path: [messages]}, "codes": {path: [codes]}}."""
    if not isinstance(body, dict) or set(body) != {"message", "errors", "codes"}:
        return [f"not a validation body: {str(body)[:500]}"]
    found = []
    if body["codes"] != codes:
        found.append(f"codes {body['codes']}, expected {codes}")
    messages = body["errors"]
    if set(messages) != set(body["codes"]):
        found.append(f"errors name {set(messages)}, codes name {set(body['codes'])}")
    for path, texts in messages.items():
        if len(texts) != len(body["codes"].get(path, [])) or not all(isinstance(t, str) and t for t in texts):
            found.append(f"{path}: messages {texts} do not match codes {body['codes'].get(path)}")
    first = next(iter(messages.values()), [None])[0]
    if body["message"] != first:
        found.append(f"message {body['message']!r} is not the first error {first!r}")
    return found


_ABSENT = object()


def _dig(body: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(body, dict) or part not in body:
            return _ABSENT
        body = body[part]
    return body
