"""/docs end to end, offline: the real server, headless Chromium with every other origin blocked,
and the operations of the OpenAPI document listed on the page as a person sees them.

The page is opened as `kanal.test` (Chromium maps the name to 127.0.0.1), as under a production
domain or a LAN address: there Swagger UI's validator badge, where a layout shows it, is an image
from validator.swagger.io carrying the document's URL. The validator is off, every request the
page makes goes to its own origin, its Content-Security-Policy blocks nothing the page needs, and
it does block such an image."""

from __future__ import annotations

import pytest

from tests.e2e.test_graphiql_works_offline_in_a_browser import CHROMIUM, FLAGS, pytestmark, sync_api  # noqa: F401
from tests.server import Server, kanal

OPERATIONS = [
    "POST /api/v1/stores/{store_id}/orders",
    "PATCH /api/v1/stores/{store_id}/orders/{external_id}",
    "POST /api/v1/stores/{store_id}/shipments",
    "POST /api/v1/stores/{store_id}/checkouts",
    "DELETE /api/v1/stores/{store_id}/customers/{external_id}",
    "GET /api/v1/stores/{store_id}/customers",
    "POST /api/v1/stores/{store_id}/orders/batch",
    "POST /api/v1/stores/{store_id}/carts/batch",
    "POST /api/v1/stores/{store_id}/checkouts/batch",
    "POST /api/v1/stores/{store_id}/customers/batch",
    "POST /api/v1/stores/{store_id}/shipments/batch",
]
HOST = "kanal.test"  # neither localhost nor 127.0.0.1, as a production domain or a LAN address
FLAGS_AS_HOST = [*FLAGS, f"--host-resolver-rules=MAP {HOST} 127.0.0.1", "--no-proxy-server"]
# What the page loads: itself, Swagger UI's two files and the document; nothing else.
LOADED = {"/docs", "/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js", "/openapi.json"}
# Each CSP violation, as the page's own script would see it (added before any of the page's).
VIOLATIONS = """
window.violations = [];
document.addEventListener("securitypolicyviolation", (event) =>
  window.violations.push(`${event.effectiveDirective} ${event.blockedURI}`));
"""
POST_GREEN = "rgb(73, 204, 144)"  # swagger-ui.css: a POST operation's method badge
ELSEWHERE = "https://validator.swagger.io/validator?url=http%3A%2F%2Fkanal.test%2Fopenapi.json"
PROBE = f"""() => new Promise((resolve) => {{
  const image = new Image();
  image.onload = () => resolve("loaded");
  image.onerror = () => resolve("not loaded");
  image.src = "{ELSEWHERE}";
}})"""


@pytest.fixture
def server(tmp_path):
    url = f"sqlite+aiosqlite:///{tmp_path}/docs.db"
    kanal(url, "db", "upgrade")
    running = Server(url)
    try:
        yield running
    finally:
        running.stop()


def test_the_docs_page_lists_the_operations_and_loads_nothing_from_elsewhere(server):
    origin = f"http://{HOST}:{server.port}"
    requested, outside, problems = [], [], []

    def only_this_origin(route):
        url = route.request.url
        requested.append(url)
        if url.startswith(f"{origin}/"):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS_AS_HOST)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            context.route("**/*", only_this_origin)
            context.add_init_script(VIOLATIONS)
            page = context.new_page()
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("console", lambda message: message.type in ("error", "warning") and problems.append(message.text))
            page.goto(f"{origin}/docs")
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
            # Swagger UI's stylesheet applies (loaded under its integrity hash and the policy)
            method = page.locator(".opblock-post .opblock-summary-method").first
            assert method.evaluate("element => getComputedStyle(element).backgroundColor") == POST_GREEN
            # a batch's limits, as a person reads them on opening its operation
            page.locator(".opblock-summary", has_text="/orders/batch").first.click()
            description = page.locator(".opblock-description-wrapper").first
            description.wait_for(timeout=10_000)
            assert "At most 1,000 items and 5 MiB (413 beyond)" in " ".join(description.inner_text().split())
            # its example: a request, and the answer it gets, each item's result as answered
            opened = page.locator(".opblock.is-open").first
            request = opened.locator(".opblock-section-request-body .highlight-code").first
            answer = opened.locator('tr.response[data-code="200"] .highlight-code').first
            answer.wait_for(timeout=10_000)
            assert '"external_id": "1003"' in request.inner_text()
            answered = " ".join(answer.inner_text().split())
            assert (
                '"status": 200, "stale": true' in answered
                and '"codes": { "currency": [ "invalid_currency" ]' in answered
            )
            assert "null" not in answered, answered
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.ui.getConfigs().validatorUrl") is None  # no validator badge
            violations, seen = page.evaluate("window.violations"), list(problems)
            # an image from elsewhere, as the validator's badge would be: the policy blocks it unasked
            assert page.evaluate(PROBE) == "not loaded"
            page.wait_for_function("window.violations.length > 0", timeout=5_000)
            assert page.evaluate("window.violations") == [f"img-src {ELSEWHERE}"]
        finally:
            browser.close()

    assert outside == [], f"requests to other origins: {outside}"
    assert {url.removeprefix(origin) for url in requested} == LOADED, requested
    assert violations == [], violations
    assert seen == [], seen
