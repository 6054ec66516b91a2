"""Import files as shops bring them."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from tests.server import KANAL


def order(n: int, **overrides: Any) -> dict[str, Any]:
    """Order H-n of a phone among 500 (a shop's returning customers)."""
    body: dict[str, Any] = {
        "external_id": f"H-{n}",
        "placed_at": "2024-05-18T10:00:00Z",
        "total_price": "19.90",
        "currency": "EUR",
        "financial_status": "paid",
        "customer": {"phone": f"+336{10000000 + n % 500:08d}", "first_name": "Ana"},
        "line_items": [{"title": "Tee", "quantity": 1, "price": "19.90"}],
    }
    body.update(overrides)
    return body


def write_jsonl(path: Path, lines: list[Any]) -> Path:
    """One line per item: a dict as JSON, a str as it is (a broken line)."""
    with path.open("w", encoding="utf-8") as file:
        for line in lines:
            file.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    return path


def kanal_import(database_url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([KANAL, "import", *map(str, args)], env=env, capture_output=True, text=True, timeout=300)


def start_import(database_url: str, *args: str | Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [KANAL, "import", *map(str, args)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def report(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def records(count: int) -> str:
    """How the import's summary counts records: "1 record", "2 records", "1,000 records"."""
    return f"{count:,} record" if count == 1 else f"{count:,} records"
