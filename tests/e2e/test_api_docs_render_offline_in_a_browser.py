"""/docs end to end, offline: the real server, headless Chromium with every outside host blocked,
and the operations of the OpenAPI document listed on the page as a person sees them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.test_graphiql_works_offline_in_a_browser import CHROMIUM, FLAGS, pytestmark, sync_api  # noqa: F401
from tests.server import Server, kanal

OPERATIONS = [
    "POST /api/v1/stores/{store_id}/orders",
    "PATCH /api/v1/stores/{store_id}/orders/{external_id}",
    "POST /api/v1/stores/{store_id}/shipments",
    "POST /api/v1/stores/{store_id}/checkouts",
    "DELETE /api/v1/stores/{store_id}/customers/{external_id}",
    "POST /api/v1/stores/{store_id}/orders/batch",
    "POST /api/v1/stores/{store_id}/carts/batch",
    "POST /api/v1/stores/{store_id}/checkouts/batch",
    "POST /api/v1/stores/{store_id}/customers/batch",
    "POST /api/v1/stores/{store_id}/shipments/batch",
]


@pytest.fixture
def server(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/docs.db"
    kanal(url, "db", "upgrade")
    running = Server(url)
    try:
        yield running
    finally:
        running.stop()


def test_the_docs_page_lists_the_operations_offline(server):
    outside, problems = [], []

    def only_this_machine(route):
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", only_this_machine)
            page = context.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(f"{server.base_url}/docs")
            page.wait_for_selector(".opblock", timeout=20_000)
            shown = {
                " ".join(block.inner_text().split()[:2])
                for block in page.locator(".opblock-summary-path-description-wrapper, .opblock-summary").all()
            }
            text = " ".join(page.inner_text("body").split())
            assert "Unable to render this definition" not in text
            assert "Kanal commerce data API" in text
            for operation in OPERATIONS:
                method, path = operation.split(" ")
                assert any(line.startswith(method) and path in line for line in shown), (operation, sorted(shown)[:8])
            # a batch's limits, as a person reads them on opening its operation
            page.locator(".opblock-summary", has_text="/orders/batch").first.click()
            description = page.locator(".opblock-description-wrapper").first
            description.wait_for(timeout=10_000)
            assert "At most 1,000 items and 5 MiB (413 beyond)" in " ".join(description.inner_text().split())
        finally:
            browser.close()

    assert outside == [], f"requests to outside hosts: {outside}"
    assert problems == [], problems
