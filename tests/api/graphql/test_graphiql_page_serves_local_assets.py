"""The GraphiQL page through the ASGI app, no browser: local assets only, each matching its
Subresource Integrity hash; a 503 that says how to install them when they are missing."""

from __future__ import annotations

from tests.api.browser_pages import assert_served_as_tagged, tagged

HTML = {"Accept": "text/html"}


async def test_page_loads_only_local_assets_each_matching_its_integrity(client):
    response = await client.get("/graphql", headers=HTML)
    assert response.status_code == 200, response.text
    page = response.text
    assets = tagged(page)
    assert len(assets) == 5 and all(url.startswith("/graphql/ide/") for url in assets), assets
    assert "://" not in page and "//" not in "".join(assets)
    await assert_served_as_tagged(client, page, assets)
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    assert (response.headers["referrer-policy"], response.headers["cache-control"]) == ("no-referrer", "no-cache")
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
