"""Issue 13: the README's commands work as pasted. Its walkthrough block runs, exactly as written,
in bash against a real `kanal serve` on a port that is not 8000 (`BASE` comes from
`KANAL_PORT`), and answers what the README says, then again as replays; its GraphQL documents
answer without errors; and every `kanal …` line of a shell block is either `.venv/bin/kanal`
or follows the block's `source .venv/bin/activate`."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.server import Server, kanal

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, re.DOTALL)


def _walkthrough() -> str:
    section = README[README.index("## The walkthrough") :]
    return section[section.index("```sh\n") + 6 : section.index("```", section.index("```sh\n") + 6)]


@pytest.fixture
def served(tmp_path: Path):
    url = f"sqlite+aiosqlite:///{tmp_path / 'kanal.db'}"
    kanal(url, "db", "upgrade")
    kanal(url, "stores", "create", "--id", "123", "--name", "Demo shop", "--region", "FR")
    key = kanal(url, "keys", "create", "--store", "123", "--name", "demo").stdout.strip().splitlines()[-1]
    server = Server(url)
    try:
        yield server, key
    finally:
        server.stop()


def test_the_walkthrough_runs_as_pasted_on_kanal_port(served) -> None:
    server, key = served
    assert server.port != 8000
    env = {**os.environ, "KANAL_PORT": str(server.port), "KANAL_KEY": key}
    for statuses in (["201", "200", "201", "201"], ["200", "200", "200", "200"]):  # then replayed
        result = subprocess.run(["bash", "-c", _walkthrough()], env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        # curl prints bodies without a final line break: the next answer follows on the same line
        assert re.findall(r"HTTP/1.1 (\d{3})", result.stdout) == statuses
        # after the last answer's headers: its body, then what "What arrived" printed
        tail = result.stdout[result.stdout.rindex("HTTP/1.1") :]
        decoder = json.JSONDecoder()
        _, end = decoder.raw_decode(tail, tail.index("\n\n") + 2)
        last, _ = decoder.raw_decode(tail, end)
        assert (last["external_id"], last["financial_status"]) == ("ORDER-1001", "paid")


def test_the_graphql_documents_answer_after_the_walkthrough(served) -> None:
    server, key = served
    env = {**os.environ, "KANAL_PORT": str(server.port), "KANAL_KEY": key}
    subprocess.run(["bash", "-c", _walkthrough()], env=env, capture_output=True, check=True, timeout=60)
    documents = [part for block in _blocks("graphql") for part in re.split(r"\n(?=# \d)", block.strip())]
    assert len(documents) == 4
    for document in documents:
        response = httpx.post(
            f"{server.base_url}/graphql", json={"query": document}, headers={"Authorization": f"Bearer {key}"}
        )
        body = response.json()
        assert response.status_code == 200 and "errors" not in body, (document[:40], body)
        assert all(value is not None for value in body["data"].values())


def test_each_graphql_block_runs_pasted_whole(served) -> None:
    """A block is pasted into GraphiQL whole: several operations in it must be named (anonymous
    ones made the whole paste `Must provide operation name …`), and each runs by its name."""
    server, key = served
    env = {**os.environ, "KANAL_PORT": str(server.port), "KANAL_KEY": key}
    subprocess.run(["bash", "-c", _walkthrough()], env=env, capture_output=True, check=True, timeout=60)
    for block in _blocks("graphql"):
        names = re.findall(r"^(?:query|mutation|subscription)\s+(\w+)", block, re.MULTILINE)
        for name in names or [None]:
            response = httpx.post(
                f"{server.base_url}/graphql",
                json={"query": block, "operationName": name},
                headers={"Authorization": f"Bearer {key}"},
            )
            body = response.json()
            assert response.status_code == 200 and "errors" not in body, (name, block[:40], body)


def test_every_kanal_line_can_be_pasted() -> None:
    for block in _blocks("sh"):
        activated = False
        for line in block.splitlines():
            command = line.strip()
            activated = activated or command.startswith("source .venv/bin/activate")
            assert not command.startswith("kanal ") or activated, f"`{command}`: kanal is not on PATH here"


def test_no_shell_block_hard_codes_the_port() -> None:
    for block in _blocks("sh"):
        for line in block.splitlines():
            code = line.split("#")[0]
            assert "127.0.0.1:8000" not in code, line
