"""/dashboard end to end, offline (issue 16, item 7): a real `kanal serve`, headless Chromium with
every outside host blocked, and what a person sees. Opened by a link carrying the key in its
fragment, the page follows what the REST API is sent: the day's orders and revenue in the chart
and its totals, the recovery funnel, the top products, the carrier table, and the live feed
gaining each event, without a reload. A key typed into the form is kept in the tab's
sessionStorage alone, and no key reaches the server in a URL (the browser's requests and the
server's own access log say so); a wrong key shows the API's error; a test key's page says it
shows test data; a read past the read budget says it was too slow."""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
import pytest
import uvicorn

from app.config import Settings
from app.main import create_app
from tests import postgres
from tests.api.slow_reads import BUDGET, endless_reads_of
from tests.conftest import cart_body, order_body, shipment_body
from tests.e2e.test_graphiql_works_offline_in_a_browser import CHROMIUM, FLAGS, pytestmark, sync_api  # noqa: F401
from tests.e2e.test_readme_commands_work_as_pasted import _walkthrough
from tests.realserver import API, LiveServer, Prepared, prepared_database
from tests.server import free_port, kanal

SCREENSHOT = Path("/tmp/kanal-dashboard-e2e.png")
expect = sync_api.expect
WAIT = 15_000  # ms: a write reaches the page within a second of its commit (then one read)


@dataclass
class Browsed:
    """What the browser sent: every request's URL and headers, websocket URLs, outside hosts
    it tried, and the page's errors."""

    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    websockets: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def assert_no_key_outside_authorization(self, key: str) -> None:
        for url, headers in self.requests:
            assert key not in url, url
            assert all(key not in value for name, value in headers.items() if name != "authorization"), headers
        assert all(key not in url for url in self.websockets), self.websockets
        assert self.outside == [], f"requests to outside hosts: {self.outside}"
        assert self.problems == [], self.problems


@contextlib.contextmanager
def chromium(locale: str = "en-US") -> Iterator[tuple[Any, Browsed]]:
    """A browser context (`locale`, en-US unless given) that lets only this machine's hosts through."""
    seen = Browsed()

    def only_this_machine(route: Any) -> None:
        request = route.request
        seen.requests.append((request.url, dict(request.headers)))
        if urlsplit(request.url).hostname in ("127.0.0.1", "localhost"):
            route.continue_()
        else:
            seen.outside.append(request.url)
            route.abort()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 1100}, locale=locale)
            context.route("**/*", only_this_machine)
            context.on("page", lambda page: watch(page, seen))
            yield context, seen
        finally:
            browser.close()


def watch(page: Any, seen: Browsed) -> None:
    page.on("pageerror", lambda error: seen.problems.append(str(error)))
    page.on("console", lambda message: message.type == "error" and seen.problems.append(message.text))
    page.on("websocket", lambda socket: seen.websockets.append(socket.url))


def storage(page: Any) -> dict[str, Any]:
    return page.evaluate(
        "() => ({session: {...sessionStorage}, local: localStorage.length, cookie: document.cookie, url: location.href})"
    )


def loaded(page: Any) -> None:
    """The panels have been read (the status names the period and when it was read)."""
    expect(page.locator("#status")).to_contain_text("read at", timeout=WAIT)


def chart_day(page: Any, day: str) -> list[float]:
    """What the chart draws for a day: its orders bar and its revenue point."""
    return page.evaluate(
        """day => { const chart = Chart.getChart("chart"); const i = chart.data.labels.indexOf(day);
                    return chart.data.datasets.map(set => set.data[i]); }""",
        day,
    )


def table(page: Any, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )


def feed_has(page: Any, text: str) -> None:
    expect(page.locator("#feed li").filter(has_text=text)).to_have_count(1, timeout=WAIT)


@pytest.fixture(params=postgres.engines_under_test())
def prepared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Prepared]:
    with prepared_database(request.param, tmp_path) as database:
        yield database


@pytest.fixture
def server(prepared: Prepared) -> Iterator[LiveServer]:
    # its worker fires cart recoveries (on PostgreSQL, `auto` leaves that to `kanal worker`)
    running = LiveServer(prepared.url, access_log=True, env={"KANAL_IN_PROCESS_WORKER": "true"})
    try:
        yield running
    finally:
        running.stop()


def _iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def test_a_link_opens_the_dashboard_and_it_follows_the_writes_live(prepared: Prepared, server: LiveServer) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    today = now.astimezone(ZoneInfo("Europe/Paris")).date().isoformat()  # store 123 is in FR
    with chromium() as (context, seen), httpx.Client(base_url=server.base_url, headers=prepared.auth) as api:
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123")
        loaded(page)
        # nothing yet: each panel says so
        expect(page.locator("#total-Orders")).to_have_text("0")
        expect(page.locator("#chart-empty")).to_contain_text(f"No orders from {page.input_value('#from')} to {today}")
        for empty in ("#funnel-empty", "#products-empty", "#carriers-empty"):
            expect(page.locator(empty)).to_be_visible()
        expect(page.locator("#live-status")).to_have_text("Live: the store's events appear here as they are committed.")
        assert chart_day(page, today) == [0]
        place = storage(page)  # the key left the address bar for this tab's sessionStorage
        assert place["url"] == f"{server.base_url}/dashboard#store=123"
        assert (place["session"], place["local"], place["cookie"]) == ({"kanal.dashboard.key": prepared.key}, 0, "")

        # a cart abandoned two hours ago by a customer subscribed to marketing messages: its
        # recovery message is due at once (60 min delay)
        abandoned = now - timedelta(hours=2)
        consent = {"marketing": "subscribed", "consented_at": _iso(abandoned), "source": "checkout"}
        customer = {"phone": "+33612345678", "first_name": "Marie", "whatsapp_consent": consent}
        cart = cart_body(external_id="CART-1", abandoned_at=_iso(abandoned), customer=customer)
        assert api.post(f"{API}/carts", json=cart).status_code == 201
        feed_has(page, "cart.abandoned CART-1")
        feed_has(page, "cart.recovery_due CART-1")
        expect(page.locator("#funnel tbody")).to_contain_text("Recovery messages sent1", timeout=WAIT)

        # the same customer orders after the message: the order recovers the cart
        lines = [
            {"title": "Mug", "sku": "MUG-1", "quantity": 3, "price": 10},
            {"title": "T-shirt Bordeaux", "quantity": 1, "price": 24.95},
        ]
        placed = _iso(datetime.now(UTC))  # after the message went out
        first = order_body(external_id="ORDER-1", placed_at=placed, total_price=54.95, line_items=lines)
        assert api.post(f"{API}/orders", json=first).status_code == 201
        feed_has(page, "order.created ORDER-1")
        feed_has(page, "cart.recovered CART-1")
        expect(page.locator("#total-Orders")).to_have_text("1", timeout=WAIT)
        expect(page.locator("#total-Revenue")).to_have_text("€54.95")
        expect(page.locator("#funnel tbody")).to_contain_text("Revenue of those orders€54.95", timeout=WAIT)
        assert table(page, "#funnel") == [
            ["Carts abandoned", "1"],
            ["Recovery messages sent", "1"],
            ["Carts recovered", "1"],
            ["Orders after a message", "1"],
            ["Revenue of those orders", "€54.95"],
        ]

        # another customer's order the same day
        second = order_body(
            external_id="ORDER-2",
            placed_at=placed,
            total_price=20,
            customer={"external_id": "CUST-7", "phone": "+33698765432"},
            line_items=[{"title": "Mug", "sku": "MUG-1", "quantity": 2, "price": 10}],
        )
        assert api.post(f"{API}/orders", json=second).status_code == 201
        feed_has(page, "order.created ORDER-2")
        expect(page.locator("#total-Orders")).to_have_text("2", timeout=WAIT)
        expect(page.locator("#total-Revenue")).to_have_text("€74.95")
        assert chart_day(page, today) == [2, 74.95]
        expect(page.locator("#chart-empty")).to_be_hidden()
        page.click("text=The numbers")  # the chart's figures as a table
        days = {row[0]: row[1:] for row in table(page, "#days")}
        carts_today = "1" if abandoned.astimezone(ZoneInfo("Europe/Paris")).date().isoformat() == today else "0"
        assert days[today] == ["2", "€74.95", carts_today, carts_today]
        expect(page.locator("#products tbody tr").first).to_contain_text("Mug", timeout=WAIT)
        assert table(page, "#products") == [
            ["Mug", "MUG-1", "5", "2", "€50.00"],
            ["T-shirt Bordeaux", "–", "1", "1", "€24.95"],
        ]

        # the parcel: in transit, then delivered an hour later
        shipment = shipment_body(external_id="SHIP-1", order_external_id="ORDER-1")
        transit = {**shipment, "status": "in_transit", "updated_at": _iso(now - timedelta(minutes=90))}
        assert api.post(f"{API}/shipments", json=transit).status_code == 201
        feed_has(page, "shipment.created SHIP-1")
        delivered = {**shipment, "status": "delivered", "updated_at": _iso(now - timedelta(minutes=30))}
        assert api.post(f"{API}/shipments", json=delivered).status_code == 200
        expect(page.locator("#carriers tbody")).to_contain_text("Colissimo110011", timeout=WAIT)  # delivered in an hour
        assert table(page, "#carriers") == [["Colissimo", "1", "1", "0", "0", "1", "1"]]
        page.screenshot(path=str(SCREENSHOT), full_page=True)

    seen.assert_no_key_outside_authorization(prepared.key)
    assert any(url.endswith("/graphql") for url in seen.websockets)
    # the server's side: what it received and logged (uvicorn's access log: each path as received)
    received = [line for line in server.stderr.splitlines() if '"GET /' in line or '"POST /' in line]
    assert any('"GET /dashboard HTTP/1.1" 200' in line for line in received), received
    assert prepared.key not in server.stderr
    assert server.tracebacks().count("Traceback") == 0, server.tracebacks()


def graphql_reads(page: Any) -> list[float]:
    """When the page began each of its GraphQL requests over HTTP (ms, the page's clock), in order:
    the websocket is no fetch."""
    return page.evaluate(
        """() => performance.getEntriesByType("resource")
                   .filter(e => e.initiatorType === "fetch" && new URL(e.name).pathname === "/graphql")
                   .map(e => e.startTime)"""
    )


def test_an_open_dashboard_leaves_the_store_its_rate_limit(prepared: Prepared, server: LiveServer) -> None:
    """README "The dashboard": live re-reads spend at most a tenth of the store's limit. Each
    event read the panels again 300 ms later (two requests), so a shop writing about once a second
    at the default 60 a minute had its writes refused with 429 while someone watched. A store at 60
    a minute: refreshes start at least 20 s apart, the opening's included, every write is 201, and
    the panels catch up."""
    limit, orders = 60, 20
    gap = 60_000 * 2 / (limit / 10)  # ms between two live refreshes (DAYS, PERIOD)
    kanal(prepared.url, "stores", "set-rate-limit", "123", str(limit))
    with chromium() as (context, seen), httpx.Client(base_url=server.base_url, headers=prepared.auth) as api:
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123")
        loaded(page)
        expect(page.locator("#live-status")).to_have_text("Live: the store's events appear here as they are committed.")
        assert len(graphql_reads(page)) == 3  # STORE, DAYS, PERIOD
        statuses = []
        for n in range(orders):
            placed = _iso(datetime.now(UTC).replace(microsecond=0))
            body = order_body(external_id=f"PACED-{n}", placed_at=placed, total_price="10.00")
            statuses.append(api.post(f"{API}/orders", json=body).status_code)
            page.wait_for_timeout(500)
        assert statuses == [201] * orders
        feed_has(page, f"order.created PACED-{orders - 1}")
        expect(page.locator("#total-Orders")).to_have_text(str(orders), timeout=gap + WAIT)
        expect(page.locator("#total-Revenue")).to_have_text(f"€{orders * 10}.00")
        page.wait_for_timeout(1000)  # nothing more is due: no read follows
        reads = graphql_reads(page)
        live = reads[3:]
        # when each read of the panels began, as the page's pace counts it (its performance mark:
        # a fetch's own start comes later by as much as a loaded machine delays it)
        starts = page.evaluate("performance.getEntriesByName('kanal:panels-read').map(e => e.startTime)")
        assert len(live) == 2 * (len(starts) - 1) and len(starts) >= 2, reads  # each reads DAYS, then PERIOD
        assert all(later - earlier >= gap - 10 for earlier, later in itertools.pairwise(starts)), starts
        assert len(live) <= limit / 10 * (1 + (live[-1] - live[0]) // 60_000), reads  # a tenth a minute
        # the orders spanned about 10 s from the opening: one refresh, once the pace allowed (the
        # opening's reads count: the first event's refresh came 300 ms after it, whatever the limit)
        assert len(starts) == 2, starts
    seen.assert_no_key_outside_authorization(prepared.key)


def test_a_key_typed_into_the_form_is_kept_in_this_tab_only(prepared: Prepared, server: LiveServer) -> None:
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard")
        expect(page.locator("#status")).to_contain_text("Enter an API key and the ID of its store")
        expect(page.locator("#panels")).to_be_hidden()

        page.fill("#key", prepared.key)
        page.fill("#store", "123")
        page.click("button[type=submit]")
        loaded(page)
        expect(page.locator("#panels")).to_be_visible()
        expect(page.locator("#store-name")).to_have_text("· X")
        place = storage(page)
        assert place["url"] == f"{server.base_url}/dashboard#store=123"  # the period left to its default
        assert (place["session"], place["local"], place["cookie"]) == ({"kanal.dashboard.key": prepared.key}, 0, "")

        page.reload()  # the same tab keeps it
        loaded(page)
        other = context.new_page()  # another tab does not
        other.goto(f"{server.base_url}/dashboard#store=123")
        expect(other.locator("#status")).to_contain_text("Enter an API key")
        assert storage(other)["session"] == {}

        page.click("#forget")
        expect(page.locator("#status")).to_contain_text("Enter an API key")
        assert storage(page)["session"] == {}

    seen.assert_no_key_outside_authorization(prepared.key)
    assert prepared.key not in server.stderr


def test_a_test_keys_dashboard_says_it_shows_test_data(prepared: Prepared, server: LiveServer) -> None:
    """A test key reads the store's test data (`Store.livemode` false): the page says so beside
    the title, with that data's figures; a live key's page of the same store shows neither."""
    test_key = kanal(prepared.url, "keys", "create", "--store", "123", "--test").stdout.strip().splitlines()[-1]
    assert test_key.startswith("kanal_sk_test_"), test_key
    order = order_body(placed_at=_iso(datetime.now(UTC).replace(microsecond=0)), total_price=12.5)
    test_data = httpx.post(
        f"{server.base_url}{API}/orders", json=order, headers={"Authorization": f"Bearer {test_key}"}
    )
    assert test_data.status_code == 201, test_data.text
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={test_key}&store=123")
        loaded(page)
        expect(page.locator("#test-data")).to_be_visible()
        expect(page.locator("h1")).to_have_text("Kanal dashboard · X Test data", use_inner_text=True)
        expect(page.locator("#total-Orders")).to_have_text("1")
        expect(page.locator("#total-Revenue")).to_have_text("€12.50")

        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123")  # the same tab, a live key
        expect(page.locator("#total-Orders")).to_have_text("0", timeout=WAIT)
        loaded(page)
        expect(page.locator("#test-data")).to_be_hidden()
        expect(page.locator("h1")).to_have_text("Kanal dashboard · X", use_inner_text=True)

        live = context.new_page()  # opened with the live key from the start
        live.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123")
        loaded(live)
        expect(live.locator("#test-data")).to_be_hidden()
        expect(live.locator("h1")).to_have_text("Kanal dashboard · X", use_inner_text=True)
    seen.assert_no_key_outside_authorization(test_key)
    seen.assert_no_key_outside_authorization(prepared.key)


@pytest.mark.parametrize(
    ("key", "store", "shown"),
    [
        ("kanal_sk_live_not-a-key", "123", "The API refused the key: Invalid API key"),
        (None, "124", "The API refused this store: API key does not authorize this store"),
        (None, "999", "The API refused this store: Store not found or paused"),
    ],
    ids=["unknown key", "another store", "no such store"],
)
def test_a_refused_key_or_store_shows_the_apis_error(
    prepared: Prepared, server: LiveServer, key: str | None, store: str, shown: str
) -> None:
    kanal(prepared.url, "stores", "create", "--id", "124", "--name", "Other", "--region", "FR")
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={key or prepared.key}&store={store}")
        expect(page.locator("#status")).to_have_text(shown, timeout=WAIT)
        expect(page.locator("#panels")).to_be_hidden()
        # a refused key is not kept; a key refused a store may open another
        kept = {} if key else {"kanal.dashboard.key": prepared.key}
        assert storage(page)["session"] == kept
        assert page.input_value("#key") == kept.get("kanal.dashboard.key", "")
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


@pytest.mark.parametrize(
    ("period", "shown"),
    [
        ("from=garbage&to=2026-05-31", 'Check the link\'s period: From is "garbage", not a day written YYYY-MM-DD.'),
        ("from=2026-05-01&to=garbage", 'Check the link\'s period: To is "garbage", not a day written YYYY-MM-DD.'),
        ("to=garbage", 'Check the link\'s period: To is "garbage", not a day written YYYY-MM-DD.'),
        ("from=2026-5-1&to=2026-05-31", 'Check the link\'s period: From is "2026-5-1", not a day written YYYY-MM-DD.'),
        (
            "from=2026-02-30&to=2026-03-01",
            'Check the link\'s period: From is "2026-02-30", not a day written YYYY-MM-DD.',
        ),
        (
            "from=2026-05-01T00:00&to=2026-05-31",
            'Check the link\'s period: From is "2026-05-01T00:00", not a day written YYYY-MM-DD.',
        ),
        (
            "from=2026-5-1&to=garbage",
            'Check the link\'s period: From is "2026-5-1" and To is "garbage", not days written YYYY-MM-DD.',
        ),
        ("from=0999-01-01&to=0999-01-02", "0999-01-01 to 0999-01-02, read at"),  # a day before the year 1000 is a day
    ],
    ids=[
        "from not a day",
        "to not a day",
        "to alone",
        "no leading zeros",
        "no such date",
        "a time",
        "both not days",
        "year 999",
    ],
)
def test_a_link_whose_period_is_not_days_says_so(
    prepared: Prepared, server: LiveServer, period: str, shown: str
) -> None:
    """Where the page read the days itself and asked the API with `null` (`Variable '$from' has
    invalid value …`), or threw before asking (`The server could not be reached (Invalid time
    value)`), a link whose From or To is not a day names it; both, when neither is (where it
    named To alone)."""
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&{period}")
        expect(page.locator("#status")).to_contain_text(shown, timeout=WAIT)
        assert storage(page)["session"] == {"kanal.dashboard.key": prepared.key}  # the key is not the problem
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


def test_an_empty_period_says_whether_orders_may_still_come(prepared: Prepared, server: LiveServer) -> None:
    """A store without orders: a period that has ended says it had none, where it said none
    "yet" and that new orders appear as they arrive; one that has not ended says so still."""
    today = datetime.now(ZoneInfo("Europe/Paris")).date()  # store 123 is in FR
    day = lambda days: (today + timedelta(days=days)).isoformat()  # noqa: E731
    waiting = "yet. New orders appear here as they arrive."
    # the link's period -> what the chart says
    periods = {
        "from=2025-01-01&to=2025-01-31": "No orders from 2025-01-01 to 2025-01-31.",
        f"from={day(-9)}&to={day(-1)}": f"No orders from {day(-9)} to {day(-1)}.",
        "": f"No orders from {day(-29)} to {day(0)} {waiting}",
        f"from={day(-2)}&to={day(0)}": f"No orders from {day(-2)} to {day(0)} {waiting}",
        f"from={day(-2)}&to={day(1)}": f"No orders from {day(-2)} to {day(1)} {waiting}",
    }
    with chromium() as (context, seen):
        for period, said in periods.items():
            page = context.new_page()  # a new fragment alone does not load the page again
            page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&{period}")
            loaded(page)
            expect(page.locator("#chart-empty")).to_have_text(said)
            page.close()
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


@contextlib.contextmanager
def served_in_process(url: str) -> Iterator[tuple[str, Any]]:
    """The app under uvicorn in a thread of this process, read budget BUDGET: the test can make
    its reads of orders endless, as an expensive dashboard read would be."""
    app = create_app(Settings.from_env(database_url=url, read_timeout_seconds=BUDGET))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_a_read_past_the_budget_says_it_was_too_slow(prepared: Prepared) -> None:
    with served_in_process(prepared.url) as (base_url, app), chromium() as (context, seen):
        page = context.new_page()
        with endless_reads_of(app.state.db, "orders"):
            page.goto(f"{base_url}/dashboard#key={prepared.key}&store=123")
            expect(page.locator("#status")).to_have_text(
                f"Too slow: the server stopped a read: The query ran longer than the read time budget ({BUDGET:g} s) "
                "and was stopped. Ask for less (a shorter period, a narrower filter, a smaller page) or try again later.",
                timeout=WAIT,
            )
        page.click("button[type=submit]")  # the same reads, now quick
        loaded(page)
        expect(page.locator("#total-Orders")).to_have_text("0")
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


def test_the_walkthroughs_link_shows_its_day(prepared: Prepared, server: LiveServer) -> None:
    """The README's walkthrough as pasted, then the dashboard link it prints: the day's order and
    revenue, the recovered cart and the product (issue 16: "Done when"); the last 30 days, the
    parcel reported today."""
    env = {**os.environ, "KANAL_PORT": str(urlsplit(server.base_url).port), "KANAL_KEY": prepared.key}
    ran = subprocess.run(["bash", "-c", _walkthrough()], env=env, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
    (link,) = re.findall(r"^http://\S+/dashboard#\S+$", ran.stdout, re.MULTILINE)
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(link)
        loaded(page)
        expect(page.locator("#store-name")).to_have_text("· X")
        assert [page.inner_text(f"#total-{name}") for name in ("Orders", "Revenue", "abandoned", "recovered")] == [
            "1",
            "€49.90",
            "1",
            "1",
        ]
        assert chart_day(page, "2026-05-18") == [1, 49.9]
        assert table(page, "#funnel")[:3] == [
            ["Carts abandoned", "1"],
            ["Recovery messages sent", "0"],  # the order came before the message was due
            ["Carts recovered", "1"],
        ]
        assert table(page, "#products") == [["T-shirt Bordeaux", "–", "2", "1", "€49.90"]]
        expect(page.locator("#carriers-empty")).to_have_text("No shipments first reported in this period.")

        # the same tab without a period: the last 30 days are empty, and the page offers the newest order's
        page.goto(f"{server.base_url}/dashboard#store=123")
        expect(page.locator("#chart-empty")).to_be_visible(timeout=WAIT)  # every panel is drawn at once
        expect(page.locator("#chart-empty")).to_contain_text("No orders from")
        assert table(page, "#carriers") == [["Colissimo", "1", "0", "0", "0", "–", "–"]]  # reported today
        page.click("text=Show the 30 days up to the newest order (2026-05-18)")
        expect(page.locator("#total-Orders")).to_have_text("1", timeout=WAIT)
        assert page.input_value("#from") == "2026-04-19" and page.input_value("#to") == "2026-05-18"
    seen.assert_no_key_outside_authorization(prepared.key)


NBSP = "\u00a0"


def test_numbers_read_in_the_readers_locale_every_digit_kept(prepared: Prepared, server: LiveServer) -> None:
    """A German reader: counts with its thousands separator (1.002, not 1002), every amount and
    quantity in its decimal comma (an amount without a currency and a quantity too: 5,12 and
    4,66, not 5.12 read as 512), and none rounded to its currency's unit (0,0466 €, not 0,05 €);
    the variants one title holds apart by their SKU."""
    day = "2026-03-10"
    orders = [
        order_body(external_id="EUR", placed_at=f"{day}T12:00:00Z", total_price="10.01", currency="EUR",
                   line_items=[{"sku": "TEE-S", "title": "Tee", "quantity": 4.66, "price": "0.01"}]),
        order_body(external_id="JPY", placed_at=f"{day}T12:00:00Z", total_price="1500", currency="JPY",
                   line_items=[{"sku": "TEE-M", "title": "Tee", "quantity": 1, "price": "1500"}]),
        order_body(external_id="NONE", placed_at=f"{day}T12:00:00Z", total_price="5.12", currency=None,
                   line_items=[{"title": "Pin", "quantity": 1, "price": "5.12"}]),
    ]  # fmt: skip
    free = [
        order_body(external_id=f"FREE-{n}", placed_at=f"{day}T13:00:00Z", total_price=0, line_items=[])
        for n in range(999)
    ]
    with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as api:
        for batch in (orders, free):
            answer = api.post(f"{API}/orders/batch", json={"items": batch})
            assert answer.status_code == 200 and {r["status"] for r in answer.json()["results"]} == {201}
    with chromium("de-DE") as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&from={day}&to={day}")
        loaded(page)
        revenue = f"10,01{NBSP}€ + 1.500{NBSP}¥ + 5,12"
        assert page.inner_text("#total-Orders") == "1.002"
        assert page.inner_text("#total-Revenue") == revenue
        page.click("text=The numbers")
        assert table(page, "#days") == [[day, "1.002", revenue, "0", "0"]]
        assert table(page, "#products") == [
            ["Tee", "TEE-S", "4,66", "1", f"0,0466{NBSP}€"],
            ["Tee", "TEE-M", "1", "1", f"1.500{NBSP}¥"],
            ["Pin", "–", "1", "1", "5,12"],
        ]
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


# A product's line (price, quantity) -> the API's decimal text of its revenue -> what a German
# reader sees, every digit of that text kept (trailing zeros too), with and without a currency.
# The order's total is that amount too, where its currency takes one so precise.
AMOUNTS = {
    "no currency, a trailing zero": ("5.5", 1, None, "5.50", "5,50"),
    "no currency, a whole amount": ("5", 1, None, "5.00", "5,00"),
    "no currency, past the cent": ("0.01", 4.66, None, "0.0466", "0,0466"),
    "no currency, thousands": ("1234.5", 1, None, "1234.50", "1.234,50"),
    "EUR, a trailing zero": ("5.5", 1, "EUR", "5.50", f"5,50{NBSP}€"),
    "EUR, past the cent": ("0.01", 4.66, "EUR", "0.0466", f"0,0466{NBSP}€"),
    "EUR, thousands": ("1234.5", 1, "EUR", "1234.50", f"1.234,50{NBSP}€"),
    "JPY, no decimals": ("7", 1, "JPY", "7", f"7{NBSP}¥"),
    "KWD, three decimals": ("12.34", 1, "KWD", "12.340", f"12,340{NBSP}KWD"),
}


@pytest.mark.parametrize(("price", "quantity", "currency", "api", "shown"), AMOUNTS.values(), ids=list(AMOUNTS))
def test_every_amount_shows_the_digits_the_api_gave(
    prepared: Prepared, server: LiveServer, price: str, quantity: float, currency: str | None, api: str, shown: str
) -> None:
    """README "The dashboard": each amount with every digit the API gave. The page formatted
    with at most 20 fraction digits and no least, so an amount without a currency lost its
    trailing zeros: "5.50" showed 5,5 and a product's revenue of "5.00" showed 5."""
    day = "2026-03-10"
    line = {"sku": "PIN", "title": "Pin", "quantity": quantity, "price": price}
    total = api if currency is None or quantity == 1 else "0"  # EUR takes no total of 0.0466
    order = order_body(
        external_id="AMOUNT", placed_at=f"{day}T12:00:00Z", total_price=total, currency=currency, line_items=[line]
    )
    period = {"from": f"{day}T00:00:00Z", "to": f"{day}T23:00:00Z"}
    read = (
        "query($from: DateTime!, $to: DateTime!) "
        "{ topProducts(storeId: 123, from: $from, to: $to) { revenue { amount } } }"
    )
    with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as client:
        assert client.post(f"{API}/orders", json=order).status_code == 201
        data = client.post("/graphql", json={"query": read, "variables": period}).json()["data"]
    assert data["topProducts"][0]["revenue"] == [{"amount": api}]
    totals = shown if total == api else f"0,00{NBSP}€"
    with chromium("de-DE") as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&from={day}&to={day}")
        loaded(page)
        assert page.inner_text("#total-Revenue") == totals
        page.click("text=The numbers")
        assert table(page, "#days") == [[day, "1", totals, "0", "0"]]
        assert table(page, "#products") == [["Pin", "PIN", f"{quantity:g}".replace(".", ","), "1", shown]]
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


# Minutes from a parcel's in_transit to its delivery -> the API's hours (rounded to the
# hundredth) -> what a German reader sees in the Carriers panel.
HOURS = {
    "a third of an hour": (20, 0.33, "0,33"),
    "three minutes": (3, 0.05, "0,05"),
    "an hour and a half": (90, 1.5, "1,5"),
    "whole hours": (120, 2, "2"),
    "a day and a quarter": (1815, 30.25, "30,25"),
    "thousands": (74_070, 1234.5, "1.234,5"),
}


@pytest.mark.parametrize(("minutes", "api", "shown"), HOURS.values(), ids=list(HOURS))
def test_the_carriers_hours_show_the_digits_the_api_gave(
    prepared: Prepared, server: LiveServer, minutes: int, api: float, shown: str
) -> None:
    """README "The dashboard": the hours to deliver as the API gives them. The page rounded them
    to one decimal: 0.33 hours showed 0,3 and 0.05 showed 0,1."""
    sent = datetime(2026, 3, 2, tzinfo=UTC)
    ship = shipment_body(external_id="SHIP-H")
    steps = [
        {**ship, "status": "in_transit", "updated_at": _iso(sent)},
        {**ship, "status": "delivered", "updated_at": _iso(sent + timedelta(minutes=minutes))},
    ]
    period = {"from": "2026-03-01T00:00:00Z", "to": "2026-05-01T00:00:00Z"}
    read = (
        "query($from: DateTime!, $to: DateTime!) "
        "{ carrierPerformance(storeId: 123, from: $from, to: $to) { medianHoursToDeliver p90HoursToDeliver } }"
    )
    with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as client:
        assert client.post(f"{API}/orders", json=order_body()).status_code == 201
        assert [client.post(f"{API}/shipments", json=step).status_code for step in steps] == [201, 200]
        data = client.post("/graphql", json={"query": read, "variables": period}).json()["data"]
    assert data["carrierPerformance"] == [{"medianHoursToDeliver": api, "p90HoursToDeliver": api}]
    with chromium("de-DE") as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&from=2026-03-01&to=2026-04-30")
        loaded(page)
        assert table(page, "#carriers") == [["Colissimo", "1", "1", "0", "0", shown, shown]]
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)


# Pacific/Apia skipped 2011-12-30: its clocks went from the 29th (UTC-10) to the 31st (UTC+14).
# The orders are on the local 29th and 31st; each period -> the days the page lists, or what it says.
SKIPPED = {
    "the skipped day alone": ("2011-12-30", "2011-12-30", None),
    "from the skipped day": ("2011-12-30", "2011-12-31", ["2011-12-31"]),
    "to the skipped day": ("2011-12-29", "2011-12-30", ["2011-12-29"]),
    "across it": ("2011-12-29", "2011-12-31", ["2011-12-29", "2011-12-31"]),
}


@pytest.mark.parametrize(("first", "last", "listed"), SKIPPED.values(), ids=list(SKIPPED))
def test_a_day_the_clocks_skipped_is_no_day_of_the_period(
    prepared: Prepared, server: LiveServer, first: str, last: str, listed: list[str] | None
) -> None:
    """README "The dashboard": a day the store's clocks skipped is no bucket. The page took the
    zone's offset at UTC noon for a day's noon, which put the skipped day's noon in the day
    before: a period of the skipped day alone listed the 29th and its order, and one from it
    counted the 29th's order too."""
    kanal(prepared.url, "stores", "set-timezone", "123", "Pacific/Apia")
    orders = [
        order_body(external_id="ON-29", placed_at="2011-12-29T20:00:00Z", total_price="7.00", currency="EUR"),
        order_body(external_id="ON-31", placed_at="2011-12-30T20:00:00Z", total_price="9.00", currency="EUR"),
    ]
    with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as api:
        answer = api.post(f"{API}/orders/batch", json={"items": orders})
        assert [r["status"] for r in answer.json()["results"]] == [201, 201]
    with chromium() as (context, seen):
        page = context.new_page()
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&from={first}&to={last}")
        if listed is None:
            expect(page.locator("#status")).to_have_text(
                "Check the link's period: 2011-12-30 to 2011-12-30 holds no day of Pacific/Apia: its clocks skipped it.",
                timeout=WAIT,
            )
        else:
            loaded(page)
            page.click("text=The numbers")
            totals = {"2011-12-29": 7, "2011-12-31": 9}
            assert [row[:3] for row in table(page, "#days")] == [[day, "1", f"€{totals[day]}.00"] for day in listed]
            assert page.inner_text("#total-Orders") == str(len(listed))
            assert page.inner_text("#total-Revenue") == f"€{sum(totals[day] for day in listed)}.00"
            expect(page.locator("#status")).to_contain_text(f"{first} to {last}, read at")
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)
