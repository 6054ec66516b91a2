"""The /docs page through the ASGI app, no browser: it loads Swagger UI's two files from this
service (each matching its Subresource Integrity hash) and its one inline script, allowed by its
hash; its Content-Security-Policy lets it load and connect to nothing else; Swagger UI's online
validator is off; no other file is served; a 503 says how to install the files when they are
missing. What it shows, under a host that is not localhost: tests/e2e."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from tests.api.browser_pages import assert_page_headers, assert_served_as_tagged, tagged

FILES = ["/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js"]
POLICY = (
    "default-src 'none'; script-src 'self' 'sha256-{init}'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


async def test_the_page_loads_only_its_files_each_matching_its_integrity(client):
    response = await client.get("/docs")
    page = response.text
    (init,) = re.findall(r"<script>(.*?)</script>", page, re.DOTALL)  # its only inline script
    digest = base64.b64encode(hashlib.sha256(init.encode()).digest()).decode()
    assert_page_headers(response, POLICY.format(init=digest))
    assert "validatorUrl: null" in init
    assert 'data-url="/openapi.json"' in page
    assert tagged(page) == FILES
    assert "://" not in page and "style=" not in page and "<style" not in page
    await assert_served_as_tagged(client, page, FILES)


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "swagger-initializer.js",
        "oauth2-redirect.html",
        "swagger-ui.js",
        "package.json",
        "..%2Fpackage.json",
    ],
)
async def test_no_other_file_is_served(client, name):
    assert (await client.get(f"/docs/assets/{name}")).status_code == 404


async def test_without_the_npm_files_the_page_says_how_to_install_them(client, monkeypatch, tmp_path):
    monkeypatch.setenv("KANAL_IDE_ASSETS", str(tmp_path / "nothing-here"))
    response = await client.get("/docs")
    assert response.status_code == 503
    assert "scripts/setup" in response.text and "npm ci" in response.text
    assert (await client.get("/docs/assets/swagger-ui-bundle.js")).status_code == 404
