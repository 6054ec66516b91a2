"""The /dashboard page through the ASGI app, no browser: its files are this service's own and
the npm libraries (each matching its Subresource Integrity hash), a Content-Security-Policy
that lets it load and connect to nothing else, no other file served, and a 503 that says how
to install the libraries when they are missing. What it shows: tests/e2e."""

from __future__ import annotations

import pytest

from tests.api.browser_pages import assert_page_headers, assert_served_as_tagged, tagged

FILES = [
    "/dashboard/assets/dashboard.css",
    "/dashboard/assets/chart.umd.min.js",
    "/dashboard/assets/graphql-ws.min.js",
    "/dashboard/assets/dashboard.js",
]
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


async def test_the_page_loads_only_its_listed_files_each_matching_its_integrity(client):
    response = await client.get("/dashboard")
    assert_page_headers(response, POLICY)
    page = response.text
    assert tagged(page) == FILES
    assert "://" not in page and 'data-graphql="/graphql"' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline: the policy allows none
    await assert_served_as_tagged(client, page, FILES)


@pytest.mark.parametrize(
    "name",
    ["page.html", "__init__.py", "package.json", "..%2Fpackage.json", "chart.umd.min.js.map", "graphiql.min.js"],
)
async def test_no_other_file_is_served(client, name):
    assert (await client.get(f"/dashboard/assets/{name}")).status_code == 404


async def test_without_the_npm_files_the_page_says_how_to_install_them(client, monkeypatch, tmp_path):
    monkeypatch.setenv("KANAL_IDE_ASSETS", str(tmp_path / "nothing-here"))
    response = await client.get("/dashboard")
    assert response.status_code == 503
    assert "scripts/setup" in response.text and "npm ci" in response.text
    assert "node_modules/chart.js/dist/chart.umd.min.js" in response.text
    assert "node_modules/graphql-ws/umd/graphql-ws.min.js" in response.text
    assert (await client.get("/dashboard/assets/chart.umd.min.js")).status_code == 404
