"""Test keys from the CLI (issue 15, item 4): `kanal keys create --store ID --test` issues a
`kanal_sk_test_…` key, `keys list` says which keys are test keys, `keys revoke` ends one as it
ends a live key (the next request is 401) and leaves the others working."""

from __future__ import annotations

import re

import pytest

from app.config import Settings
from tests.api.testmode.spaces import UNKNOWN_STORES, kanal
from tests.conftest import STORE_ID, Api, order_body

INVALID = (401, {"error": "Invalid API key"})


async def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    await kanal(*args)
    return capsys.readouterr().out


async def _listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, str]]:
    header, *rows = (await _run(capsys, "keys", "list")).splitlines()
    names = re.split(r"\s{2,}", header.strip())
    return [dict(zip(names, re.split(r"\s{2,}", row.strip()), strict=False)) for row in rows]


async def test_create_list_and_revoke_a_test_key(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    await kanal("keys", "create", "--store", str(STORE_ID), "--test", "--name", "staging")
    created = capsys.readouterr()
    test_key, first_line = created.out.removesuffix("\n"), created.err.removesuffix("\n")
    assert re.fullmatch(r"kanal_sk_test_[A-Za-z0-9]{32}", test_key)
    assert first_line == f"Created test store key {test_key[:22]}… for store {STORE_ID}. It is shown once:"
    assert [(row["prefix"], row["mode"], row["scope"], row["name"]) for row in await _listed(capsys)] == [
        (api.key[:22], "live", f"store {STORE_ID}", "test"),
        (test_key[:22], "test", f"store {STORE_ID}", "staging"),
    ]
    assert (await api.post("/orders", order_body(), key=test_key)).status_code == 201

    # More than the listed prefix and less than the key, or the key with a character wrong: no
    # key is revoked on a guess, and the message says what matches.
    for near in (test_key[:23], test_key[:-1], test_key[:-1] + ("a" if test_key[-1] != "a" else "b")):
        with pytest.raises(SystemExit) as stop:
            await kanal("keys", "revoke", near)
        assert (stop.value.code, capsys.readouterr().err.splitlines()[-1]) == (
            1,
            "error: No active key matches: give the whole key, or its prefix as 'kanal keys list' shows it.",
        )
    assert (await api.post("/orders", order_body(external_id="1002"), key=test_key)).status_code == 201

    assert await _run(capsys, "keys", "revoke", test_key[:22]) == "Revoked 1 key.\n"
    refused = await api.post("/orders", order_body(), key=test_key)
    assert (refused.status_code, refused.json()) == INVALID
    assert [row["mode"] for row in await _listed(capsys) if row.get("revoked")] == ["test"]
    assert (await api.post("/orders", order_body())).status_code == 201  # the live key still works


async def test_a_test_key_for_an_unknown_store_is_refused(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    for store, code, message in UNKNOWN_STORES:
        with pytest.raises(SystemExit) as stop:
            await kanal("keys", "create", "--store", store, "--test")
        assert (stop.value.code, capsys.readouterr().err.splitlines()[-1].split("error: ", 1)[1]) == (
            code,
            message.format(arg="--store"),
        )
    assert len(await api.rows("api_keys")) == 1


async def test_webhooks_add_test_events_is_listed(
    api: Api, settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    await kanal("webhooks", "add", "--store", str(STORE_ID), "--url", "https://a.example.com/h", "--test-events")
    assert (
        capsys.readouterr().err.splitlines()[0]
        == "Webhook 1 for store 123: https://a.example.com/h (*, test events too)."
    )
    await _run(capsys, "webhooks", "add", "--store", str(STORE_ID), "--url", "https://b.example.com/h")
    header, *rows = (await _run(capsys, "webhooks", "list")).splitlines()
    column = re.split(r"\s{2,}", header).index("test events")
    assert [re.split(r"\s{2,}", row)[column] for row in rows] == ["yes", "no"]
    assert [row["test_events"] for row in await api.rows("webhooks")] == [True, False]
