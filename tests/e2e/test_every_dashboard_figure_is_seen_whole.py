"""/dashboard shows every figure whole, at the widths a person reads it at: no panel hides part
of a cell behind its edge (a revenue of ¥301 seen as ¥3), whatever the shop's titles, SKUs,
carriers and currencies. Headless Chromium, outside hosts blocked, a real `kanal serve`.

Each case writes orders whose cells are the widest a shop sends (a long title with spaces, a long
one without, a long SKU, revenue in four currencies of large amounts, a long carrier name), opens the dashboard at
a viewport width, writes an order of the longest id (which the live feed then shows), opens "The
numbers", and checks that no panel is wider inside than it shows (its scrollWidth is its
clientWidth), that every cell and total lies inside its panel, and that no day of "The numbers"
is cut over two lines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import order_body, shipment_body
from tests.e2e import test_dashboard_works_offline_in_a_browser as dashboard
from tests.e2e.test_dashboard_works_offline_in_a_browser import chromium, feed_has, loaded
from tests.e2e.test_graphiql_works_offline_in_a_browser import pytestmark, sync_api  # noqa: F401
from tests.realserver import API, LiveServer, Prepared

# the fixtures of the dashboard's own tests: a prepared database on each engine, a served `kanal serve`
prepared, server = dashboard.prepared, dashboard.server
expect = sync_api.expect
LIVE = "Live: the store's events appear here as they are committed."
WAIT = 15_000  # ms
LONG_TITLE = "Organic cotton long-sleeved T-shirt, Bordeaux, extra large, gift wrapped"
UNBROKEN_TITLE = "Tasse" + "X" * 45  # a title with no space to wrap at
LONG_SKU = "SKU-BORDEAUX-LONGSLEEVE-XXL-0001"
CARRIER = "Deutsche Post DHL Paket International Premium"
LONG_ID = "ORDER-" + "7" * 249  # the longest external id, one word: the live feed shows it

# the viewport widths a dashboard is read at (px): a laptop, a small laptop, a tablet
WIDTHS = {"1280 px": 1280, "1024 px": 1024, "768 px": 768}

# Every element of every panel whose box must lie inside the panel's.
CLIPPED = """() => {
  const out = [];
  for (const section of document.querySelectorAll("main section")) {
    if (section.scrollWidth > section.clientWidth)
      out.push(`${section.querySelector("h2").textContent}: ${section.scrollWidth} px inside, ${section.clientWidth} shown`);
    const edge = section.getBoundingClientRect();
    for (const cell of section.querySelectorAll("td, th, dd, dt")) {
      const box = cell.getBoundingClientRect();
      if (box.width && (box.left < edge.left || box.right > edge.right))
        out.push(`${cell.textContent} (${box.left}-${box.right}) outside ${edge.left}-${edge.right}`);
    }
  }
  return out;
}"""


# The days of "The numbers" that the page shows on more than one line (a date cut at a hyphen).
DAYS_ON_TWO_LINES = """() => [...document.querySelectorAll("#days tbody td:first-child")]
  .filter(cell => { const range = document.createRange(); range.selectNodeContents(cell);
                    return new Set([...range.getClientRects()].map(box => box.top)).size > 1; })
  .map(cell => cell.textContent)"""


def _orders(placed_at: str) -> list[dict[str, Any]]:
    """Four orders placed at `placed_at`, in EUR, USD, JPY and KWD, each selling the three wide
    products."""
    orders = []
    for currency, price in (
        ("EUR", "12345678.91"),
        ("USD", "98765432.10"),
        ("JPY", "3010000000"),
        ("KWD", "98765432.123"),
    ):
        items = [
            {"sku": LONG_SKU, "title": LONG_TITLE, "quantity": 1, "price": price},
            {"title": UNBROKEN_TITLE, "quantity": 1, "price": price},
            {"sku": "PIN", "title": "Pin", "quantity": 1, "price": price},
        ]
        total = str(3 * Decimal(price))
        orders.append(
            order_body(
                external_id=f"WIDE-{currency}",
                placed_at=placed_at,
                currency=currency,
                total_price=total,
                line_items=items,
            )
        )
    return orders


@pytest.mark.parametrize("width", WIDTHS.values(), ids=list(WIDTHS))
def test_no_panel_hides_part_of_a_figure(prepared: Prepared, server: LiveServer, width: int) -> None:
    # now: the carrier panel counts the shipments first reported in the period (store 123 is in FR)
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
    first, last = (moment.astimezone(ZoneInfo("Europe/Paris")).date() for moment in (now - timedelta(days=1), now))
    with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as api:
        answer = api.post(f"{API}/orders/batch", json={"items": _orders(now.isoformat())})
        assert [r["status"] for r in answer.json()["results"]] == [201] * 4
        shipment = shipment_body(external_id="SHIP-WIDE", order_external_id="WIDE-EUR", carrier=CARRIER)
        assert api.post(f"{API}/shipments", json=shipment).status_code == 201
    with chromium() as (context, seen):
        page = context.new_page()
        page.set_viewport_size({"width": width, "height": 1100})
        page.goto(f"{server.base_url}/dashboard#key={prepared.key}&store=123&from={first}&to={last}")
        loaded(page)
        expect(page.locator("#live-status")).to_have_text(LIVE, timeout=WAIT)  # subscribed: the write is seen
        with httpx.Client(base_url=server.base_url, headers=prepared.auth, timeout=60) as api:
            pin = [{"sku": "PIN", "title": "Pin", "quantity": 1, "price": "1.00"}]
            late = order_body(external_id=LONG_ID, placed_at=now.isoformat(), total_price="1.00", line_items=pin)
            assert api.post(f"{API}/orders", json=late).status_code == 201
        feed_has(page, LONG_ID)
        page.click("text=The numbers")
        products = page.eval_on_selector_all("#products tbody tr", "rows => rows.map(r => r.cells[0].innerText)")
        assert sorted(products) == sorted([LONG_TITLE, UNBROKEN_TITLE, "Pin"])
        assert page.inner_text("#carriers tbody tr td") == CARRIER
        page.screenshot(path=f"/tmp/kanal-dashboard-{width}px.png", full_page=True)  # to look at
        assert page.evaluate(CLIPPED) == []
        assert page.evaluate(DAYS_ON_TWO_LINES) == []
    assert seen.outside == [] and seen.problems == [], (seen.outside, seen.problems)
