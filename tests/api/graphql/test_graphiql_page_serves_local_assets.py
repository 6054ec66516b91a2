"""The GraphiQL page through the ASGI app, no browser: local assets only, each matching its
Subresource Integrity hash; a 503 that says how to install them when they are missing."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from app.config import Settings
from app.main import create_app

HTML = {"Accept": "text/html"}


@pytest.fixture
async def client(tmp_path):
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/kanal.db"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kanal.test") as client:
        yield client
    await app.state.db.dispose()


async def test_page_loads_only_local_assets_each_matching_its_integrity(client):
    response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 200, response.text
    page = response.text
    tags = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"[^>]*>', page)
    assets = [url for url in tags if not url.startswith("data:")]
    assert len(assets) == 5 and all(url.startswith("/graphql/ide/") for url in assets), assets
    assert "://" not in page and "//" not in "".join(tags)
    for url in assets:
        tag = re.search(rf'<[^>]*"{re.escape(url)}"[^>]*>', page).group(0)
        expected = re.search(r'integrity="sha384-([^"]+)"', tag).group(1)
        asset = await client.get(url)
        assert asset.status_code == 200
        assert asset.headers["content-type"].startswith(("text/javascript", "text/css"))
        assert base64.b64encode(hashlib.sha384(asset.content).digest()).decode() == expected, url
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    assert "Bearer &lt;your key&gt;" in page  # the headers editor's default text


async def test_only_the_listed_files_are_served(client):
    for path in ("/graphql/ide/package.json", "/graphql/ide/..%2Fpackage.json", "/graphql/ide/graphiql.min.js.map"):
        assert (await client.get(path)).status_code == 404, path


async def test_missing_assets_page_says_how_to_install_them(client, monkeypatch, tmp_path):
    monkeypatch.setenv("KANAL_IDE_ASSETS", str(tmp_path / "nothing-here"))
    response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 503
    assert "scripts/setup" in response.text and "npm ci" in response.text
    assert "node_modules/graphiql/graphiql.min.js" in response.text
    assert (await client.get("/graphql/ide/graphiql.min.js")).status_code == 404


async def test_graphql_itself_is_unchanged(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.json() == {"data": {"__typename": "Query"}}
