"""The /dashboard page through the ASGI app, no browser: its files are this service's own and
the npm libraries (each matching its Subresource Integrity hash), a Content-Security-Policy
that lets it load and connect to nothing else, no other file served, and a 503 that says how
to install the libraries when they are missing. What it shows: tests/e2e."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx
import pytest

from app.config import Settings
from app.main import create_app

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


@pytest.fixture
async def client(tmp_path):
    app = create_app(Settings.from_env(database_url=f"sqlite+aiosqlite:///{tmp_path}/kanal.db"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kanal.test") as client:
        yield client
    await app.state.db.dispose()


async def test_the_page_loads_only_its_listed_files_each_matching_its_integrity(client):
    response = await client.get("/dashboard")
    assert response.status_code == 200, response.text
    assert response.headers["content-security-policy"] == POLICY
    assert response.headers["referrer-policy"] == "no-referrer"
    page = response.text
    tags = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"[^>]*>', page)
    assert [url for url in tags if not url.startswith("data:")] == FILES
    assert "://" not in page and 'data-graphql="/graphql"' in page
    assert "<script>" not in page and "style=" not in page  # nothing inline: the policy allows none
    for url in FILES:
        tag = re.search(rf'<[^>]*"{re.escape(url)}"[^>]*>', page).group(0)
        expected = re.search(r'integrity="sha384-([^"]+)"', tag).group(1)
        served = await client.get(url)
        assert served.status_code == 200
        assert served.headers["content-type"] == ("text/css" if url.endswith(".css") else "text/javascript") + (
            "; charset=utf-8"
        )
        assert base64.b64encode(hashlib.sha384(served.content).digest()).decode() == expected, url


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
