"""For the tests of the browser pages (/graphql's GraphiQL, /docs, /dashboard) through the ASGI
app (tests/api/conftest.py's `client`): the headers a page is sent with, and each file it tags
served as its integrity hash says."""

from __future__ import annotations

import base64
import hashlib
import re

import httpx


def assert_page_headers(response: httpx.Response, policy: str) -> None:
    """The page answered 200 as HTML with exactly `policy`, no Referer sent from it, and
    revalidated on each load."""
    assert response.status_code == 200, response.text
    headers = response.headers
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"] == policy
    assert (headers["referrer-policy"], headers["cache-control"]) == ("no-referrer", "no-cache")


def tagged(page: str) -> list[str]:
    """The URLs of the page's <script> and <link> tags but data: ones, in its order."""
    urls = re.findall(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"[^>]*>', page)
    return [url for url in urls if not url.startswith("data:")]


async def assert_served_as_tagged(client: httpx.AsyncClient, page: str, urls: list[str]) -> None:
    """Each of `urls` is served as text of its type, revalidated on each load, with the bytes
    the sha384 integrity hash of its tag in `page` names."""
    for url in urls:
        tag = re.search(rf'<[^>]*"{re.escape(url)}"[^>]*>', page).group(0)  # type: ignore[union-attr]
        expected = re.search(r'integrity="sha384-([^"]+)"', tag).group(1)  # type: ignore[union-attr]
        served = await client.get(url)
        assert served.status_code == 200, url
        kind = "text/css" if url.endswith(".css") else "text/javascript"
        assert served.headers["content-type"] == f"{kind}; charset=utf-8"
        assert (served.headers["cache-control"], served.headers["x-content-type-options"]) == ("no-cache", "nosniff")
        assert base64.b64encode(hashlib.sha384(served.content).digest()).decode() == expected, url
