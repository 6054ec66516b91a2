// Kanal's reference dashboard: everything on this page comes from the public GraphQL API,
// queries over HTTP (fetch) and the live feed over a websocket (graphql-ws, protocol
// graphql-transport-ws). Chart.js draws the chart. Copy it freely.
//
// The key is the person's: typed into the form or given in the link's fragment
// (/dashboard#key=…&store=123, which browsers never send to a server), then kept in this tab's
// sessionStorage only and sent only in the Authorization header (the connection payload on the
// websocket). Days are the store's own (Store.timezone): the API cuts them, this page only
// names them.
"use strict";

const KEY = "kanal.dashboard.key"; // the sessionStorage entry: gone when the tab closes
const GRAPHQL = document.body.dataset.graphql;
const DAY_MS = 86_400_000;
const FEED_LENGTH = 50;
const $ = (id) => document.getElementById(id);

let settings = { key: "", store: "", from: "", to: "" }; // from/to: local days YYYY-MM-DD, both included
let store = null; // { name, timezone, livemode } of the open store
let chart = null; // the Chart.js chart, drawn once and then updated
let live = null; // the graphql-ws client of the live feed
let refreshTimer = 0;

// Live re-reads spend at most a tenth of the store's rate limit, which the shop's own writes
// share: each refresh is two requests (DAYS, PERIOD), so at the default 60 a minute one
// starts at most every 20 s. The limit is X-RateLimit-Limit of the latest response.
const LIVE_SHARE = 0.1;
const READS_PER_REFRESH = 2;
const DEBOUNCE_MS = 300; // one read for a burst of events
let rateLimit = 60; // requests a minute, the API's default until a response says otherwise
let lastRead = -Infinity; // performance.now() when the panels were last read: on opening too

// ---------------------------------------------------------------- the API

// livemode is false when the key is a test key (kanal_sk_test_…): every read of the page is
// then of the store's test data, which the page says beside the title.
const STORE = `query Store($store: ID!) { store(storeId: $store) { name timezone livemode } }`;

// One bucket per local day; the first bucket's start and the last one's end are the period
// the other panels read, so every panel counts the same instants.
const DAYS = `query Days($store: ID!, $from: DateTime!, $to: DateTime!) {
  storeTimeseries(storeId: $store, from: $from, to: $to, interval: DAY) {
    start end orderCount revenue { currency amount } cartsAbandoned cartsRecovered
  }
}`;

const PERIOD = `query Period($store: ID!, $from: DateTime!, $to: DateTime!) {
  storeStats(storeId: $store, from: $from, to: $to) { orderCount revenue { currency amount } cartsAbandoned cartsRecovered }
  recoveryFunnel(storeId: $store, from: $from, to: $to) {
    cartsAbandoned recoveriesFired cartsRecovered ordersAfterRecovery revenue { currency amount }
  }
  topProducts(storeId: $store, from: $from, to: $to, first: 10) { sku title quantity orders revenue { currency amount } }
  carrierPerformance(storeId: $store, from: $from, to: $to) {
    carrier shipments delivered failed returned medianHoursToDeliver p90HoursToDeliver
  }
  newest: orders(storeId: $store, first: 1) { edges { node { placedAt } } }
}`;

const EVENTS = `subscription Events($store: ID!) {
  storeEvents(storeId: $store) { id type subjectType subjectId data createdAt }
}`;

class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code; // the error's extensions.code, e.g. UNAUTHENTICATED, QUERY_TOO_SLOW
  }
}

/** POSTs one document; answers its data, or throws the API's first error as it gave it. */
async function graphql(query, variables) {
  const response = await fetch(GRAPHQL, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${settings.key}` },
    body: JSON.stringify({ query, variables }),
  });
  const limit = Number(response.headers.get("X-RateLimit-Limit"));
  if (limit > 0) rateLimit = limit;
  const body = await response.json().catch(() => null);
  if (!body) throw new ApiError(`The server answered ${response.status} ${response.statusText}.`, "HTTP");
  const [error] = body.errors || [];
  if (error) throw new ApiError(error.message, error.extensions?.code);
  return body.data;
}

// ---------------------------------------------------------------- days in the store's timezone

/** The local day (YYYY-MM-DD) of an instant in a timezone: four digits of year before 1000 too. */
function localDay(instant, timeZone) {
  const day = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return day.format(instant).replace(/^\d+/, (year) => year.padStart(4, "0")); // "999-01-01" before 1000
}

/** A day as the form gives it, YYYY-MM-DD, that is on the calendar: a link may carry anything
 * (`from=garbage`, `2026-5-1`, `2026-02-30`), and such a text is named to the person here rather
 * than sent to the API as `null` or failing in the date arithmetic below. */
function isDay(day) {
  const midnight = Date.parse(`${day}T00:00:00Z`); // NaN for 2026-13-01, 2026-03-02 for 2026-02-30
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(midnight) && addDays(day, 0) === day;
}

/** Throws a PeriodError naming each of a link's From and To (`{ From, To }`, either absent)
 * that is not a day: both when both are wrong, so the link is put right at once. */
function checkPeriod(period) {
  const wrong = Object.entries(period).filter(([, day]) => day && !isDay(day));
  if (wrong.length === 0) return;
  const named = wrong.map(([name, day]) => `${name} is "${day}"`).join(" and ");
  throw new PeriodError(`${named}, not ${wrong.length === 1 ? "a day" : "days"} written YYYY-MM-DD.`);
}

function addDays(day, count) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + count * DAY_MS).toISOString().slice(0, 10);
}

/** How far a zone's clocks are ahead of UTC at an instant (ms since the epoch), in ms. */
function offsetAt(instant, timeZone) {
  const local = new Date(instant).toLocaleString("sv-SE", { timeZone }); // "999-01-01 12:09:21" before 1000
  const wall = Date.parse(local.replace(/^\d+/, (year) => year.padStart(4, "0")).replace(" ", "T") + "Z");
  return wall - Math.floor(instant / 1000) * 1000; // the wall time is read to the second
}

/** Noon of a local day: inside that day whatever the zone's offset or clock change, which is
 * all the API needs to pick the day's bucket; null for a day the zone's clocks skipped
 * (Pacific/Apia's 2011-12-30), which has no bucket. The offset is the one at local noon: the
 * one at UTC noon put a skipped day's noon in the day before. */
function noonOf(day, timeZone) {
  const utcNoon = Date.parse(`${day}T12:00:00Z`);
  let noon = utcNoon - offsetAt(utcNoon, timeZone);
  noon = utcNoon - offsetAt(noon, timeZone);
  return localDay(new Date(noon), timeZone) === day ? new Date(noon) : null;
}

/** The noons of a period's first and last days on the zone's calendar: From moved on past, and
 * To back before, days its clocks skipped; a PeriodError when none is left. A reversed period
 * is left to the API, which names it. */
function calendarPeriod(firstDay, lastDay, timeZone) {
  if (firstDay > lastDay) {
    return [firstDay, lastDay].map((day) => noonOf(day, timeZone) || new Date(`${day}T12:00:00Z`));
  }
  let first = firstDay;
  let last = lastDay;
  for (let skipped = 0; skipped < 3 && first <= last && !noonOf(first, timeZone); skipped++) first = addDays(first, 1);
  for (let skipped = 0; skipped < 3 && first <= last && !noonOf(last, timeZone); skipped++) last = addDays(last, -1);
  if (first > last || !noonOf(first, timeZone) || !noonOf(last, timeZone)) {
    throw new PeriodError(`${firstDay} to ${lastDay} holds no day of ${timeZone}: its clocks skipped it.`);
  }
  return [noonOf(first, timeZone), noonOf(last, timeZone)];
}

// ---------------------------------------------------------------- settings

/** #key=…&store=…&from=…&to=…: the key moves into sessionStorage. */
function readFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get("key")) sessionStorage.setItem(KEY, params.get("key"));
  return {
    key: sessionStorage.getItem(KEY) || "",
    store: params.get("store") || "",
    from: params.get("from") || "",
    to: params.get("to") || "",
  };
}

/** The address bar without the key: a link to this view that is safe to copy or bookmark. */
function writeFragment() {
  const params = new URLSearchParams();
  for (const name of ["store", "from", "to"]) if (settings[name]) params.set(name, settings[name]);
  const fragment = params.toString();
  history.replaceState(null, "", fragment ? `#${fragment}` : location.pathname);
}

function setStatus(text, kind = "") {
  $("status").textContent = text;
  $("status").className = kind;
}

// ---------------------------------------------------------------- loading

async function open() {
  stopLive();
  $("key").value = settings.key;
  $("store").value = settings.store;
  $("test-data").hidden = true; // until the key's store says which data it reads
  if (!settings.key || !settings.store) {
    $("panels").hidden = true;
    setStatus(
      "Enter an API key and the ID of its store, or open a link made like /dashboard#key=…&store=123. " +
        "The key stays in this browser tab and is sent only in the Authorization header.",
    );
    return;
  }
  setStatus("Loading…");
  try {
    store = (await graphql(STORE, { store: settings.store })).store;
    if (!store) throw new ApiError(`Store ${settings.store} was not found.`, "NOT_FOUND");
    $("store-name").textContent = `· ${store.name}`;
    $("test-data").hidden = store.livemode;
    $("timezone").textContent = `(days in ${store.timezone})`;
    await refresh();
    $("panels").hidden = false;
    startLive();
  } catch (error) {
    fail(error);
  }
}

/** Reads the period's panels again: on opening, and after live events. */
async function refresh() {
  lastRead = performance.now(); // the opening's reads count against the pace as the live ones do
  performance.mark("kanal:panels-read"); // when each read began, as the pace counts it
  const timeZone = store.timezone;
  checkPeriod({ From: settings.from, To: settings.to });
  const lastDay = settings.to || localDay(new Date(), timeZone);
  const firstDay = settings.from || addDays(lastDay, -29);
  $("from").value = firstDay;
  $("to").value = lastDay;
  const [firstNoon, lastNoon] = calendarPeriod(firstDay, lastDay, timeZone);
  const days = (
    await graphql(DAYS, {
      store: settings.store,
      from: firstNoon,
      to: new Date(lastNoon.getTime() + 1000), // the last day's bucket is the last
    })
  ).storeTimeseries;
  const data = await graphql(PERIOD, { store: settings.store, from: days[0].start, to: days.at(-1).end });
  drawDays(days, data.storeStats);
  drawEmptyPeriod(data.storeStats, data.newest.edges[0]?.node, firstDay, lastDay);
  drawFunnel(data.recoveryFunnel);
  drawProducts(data.topProducts);
  drawCarriers(data.carrierPerformance);
  setStatus(`${firstDay} to ${lastDay}, read at ${new Date().toLocaleTimeString(undefined, { timeZone })}.`);
}

/** Reads the panels again after live events: debounced, and paced to LIVE_SHARE of the
 * store's limit. A refresh due sooner waits for the pace, so the last event is still read. */
function scheduleRefresh() {
  clearTimeout(refreshTimer);
  const gap = (60_000 * READS_PER_REFRESH) / (rateLimit * LIVE_SHARE);
  const wait = Math.max(DEBOUNCE_MS, lastRead + gap - performance.now());
  refreshTimer = setTimeout(() => refresh().catch(fail), wait);
}

/** A period the page cannot read (a link's From or To that is not a day). */
class PeriodError extends Error {
  code = "BAD_PERIOD";
}

// What the page says before the API's own message (or the page's), per error code.
const EXPLAINED = {
  BAD_PERIOD: "Check the link's period",
  UNAUTHENTICATED: "The API refused the key",
  FORBIDDEN: "The API refused this store", // not the key's, or not found, or paused
  QUERY_TOO_SLOW: "Too slow: the server stopped a read",
  THROTTLED: "Too many requests for this store",
  BAD_USER_INPUT: "The API refused the request",
};

function fail(error) {
  if (error.code === "UNAUTHENTICATED" || error.code === "FORBIDDEN") {
    $("panels").hidden = true;
    stopLive();
  }
  if (error.code === "UNAUTHENTICATED") {
    sessionStorage.removeItem(KEY); // a refused key is not kept
    settings.key = "";
    $("key").value = "";
  }
  const reason = error instanceof ApiError || error instanceof PeriodError ? error.message : `The server could not be reached (${error.message}).`;
  setStatus(`${EXPLAINED[error.code] || "The dashboard could not be loaded"}: ${reason}`, "error");
}

// ---------------------------------------------------------------- drawing (text only: textContent, never HTML)

// Numbers in the reader's locale. An amount or quantity is given to Intl as the API's decimal
// text with exactly as many fraction digits as that text has: "0.0466" stays 0.0466 (never
// rounded to the currency's unit) and "5.50" stays 5.50 (a trailing zero is a digit too).
function exact(text) {
  const number = /^[-+]?\d*(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text);
  if (!number) return { maximumFractionDigits: 100 }; // not a decimal text: Intl's most, unrounded
  const [, fraction = "", exponent = "0"] = number;
  const digits = Math.min(100, Math.max(0, fraction.length - Number(exponent)));
  return { minimumFractionDigits: digits, maximumFractionDigits: digits };
}

function count(value) {
  return new Intl.NumberFormat().format(value);
}

function decimal(value) {
  const text = String(value);
  return new Intl.NumberFormat(undefined, exact(text)).format(text);
}

function money(revenue) {
  if (!revenue.length) return count(0);
  return revenue
    .map(({ currency, amount }) =>
      currency ? new Intl.NumberFormat(undefined, { style: "currency", currency, ...exact(amount) }).format(amount) : decimal(amount),
    )
    .join(" + ");
}

function fillTable(id, rows) {
  const body = $(id).tBodies[0];
  body.replaceChildren(
    ...rows.map((cells) => {
      const row = body.insertRow();
      for (const cell of cells) row.insertCell().textContent = cell;
      return row;
    }),
  );
  $(`${id}-empty`).hidden = rows.length > 0;
  $(id).hidden = rows.length === 0;
}

function drawDays(days, totals) {
  const timeZone = store.timezone;
  const labels = days.map((day) => localDay(new Date(day.start), timeZone));
  const currencies = [...new Set(days.flatMap((day) => day.revenue.map((r) => r.currency)))];
  const datasets = [
    { label: "Orders", data: days.map((day) => day.orderCount), yAxisID: "orders" },
    ...currencies.map((currency) => ({
      type: "line",
      label: `Revenue (${currency ?? "no currency"})`,
      data: days.map((day) => Number(day.revenue.find((r) => r.currency === currency)?.amount ?? 0)),
      yAxisID: "revenue",
      pointRadius: days.length > 31 ? 0 : 3, // a dot a day crowds a long period
    })),
  ];
  if (chart) {
    Object.assign(chart.data, { labels, datasets });
    chart.update();
  } else {
    chart = new Chart($("chart"), {
      type: "bar",
      data: { labels, datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false }, // hovering a day shows all its figures
        scales: {
          orders: { position: "left", beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "Orders" } },
          revenue: { position: "right", beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: "Revenue" } },
        },
      },
    });
  }
  const totalsList = [
    ["Orders", count(totals.orderCount)],
    ["Revenue", money(totals.revenue)],
    ["Carts abandoned", count(totals.cartsAbandoned)],
    ["Carts recovered", count(totals.cartsRecovered)],
  ];
  $("totals").replaceChildren(
    ...totalsList.map(([name, value]) => {
      const item = document.createElement("div");
      item.append(Object.assign(document.createElement("dt"), { textContent: name }));
      item.append(Object.assign(document.createElement("dd"), { textContent: value, id: `total-${name.split(" ").at(-1)}` }));
      return item;
    }),
  );
  $("days").tBodies[0].replaceChildren();
  days.forEach((day, n) => {
    const row = $("days").tBodies[0].insertRow();
    for (const cell of [labels[n], count(day.orderCount), money(day.revenue), count(day.cartsAbandoned), count(day.cartsRecovered)]) {
      row.insertCell().textContent = cell;
    }
  });
}

/** No orders in the period: say so (that they may still come, until its last day is over), and
 * offer the days around the newest order if there is one. */
function drawEmptyPeriod(totals, newest, firstDay, lastDay) {
  const note = $("chart-empty");
  note.hidden = totals.orderCount > 0;
  const ended = lastDay < localDay(new Date(), store.timezone); // ISO days sort as text
  const waiting = ended ? "." : " yet. New orders appear here as they arrive.";
  note.replaceChildren(`No orders from ${firstDay} to ${lastDay}${waiting}`);
  if (totals.orderCount > 0 || !newest) return;
  const day = localDay(new Date(newest.placedAt), store.timezone);
  const button = Object.assign(document.createElement("button"), {
    type: "button",
    textContent: `Show the 30 days up to the newest order (${day})`,
  });
  button.addEventListener("click", () => {
    Object.assign(settings, { from: addDays(day, -29), to: day });
    writeFragment();
    refresh().catch(fail);
  });
  note.append(" ", button);
}

function drawFunnel(funnel) {
  const rows = [
    ["Carts abandoned", count(funnel.cartsAbandoned)],
    ["Recovery messages sent", count(funnel.recoveriesFired)],
    ["Carts recovered", count(funnel.cartsRecovered)],
    ["Orders after a message", count(funnel.ordersAfterRecovery)],
    ["Revenue of those orders", money(funnel.revenue)],
  ];
  fillTable("funnel", funnel.cartsAbandoned ? rows : []);
}

function drawProducts(products) {
  fillTable(
    "products",
    // a product is its sku (variants sold under one title are apart), else its title
    products.map((p) => [p.title ?? "(no title)", p.sku ?? "–", decimal(p.quantity), count(p.orders), money(p.revenue)]),
  );
}

function drawCarriers(carriers) {
  const hours = (value) => (value === null ? "–" : decimal(value)); // the API's hundredths, not one decimal
  fillTable(
    "carriers",
    carriers.map((c) => [
      c.carrier ?? "(none given)",
      count(c.shipments),
      count(c.delivered),
      count(c.failed),
      count(c.returned),
      hours(c.medianHoursToDeliver),
      hours(c.p90HoursToDeliver),
    ]),
  );
}

// ---------------------------------------------------------------- the live feed

function setLive(text, kind = "") {
  $("live-status").textContent = text;
  $("live-status").className = kind;
}

function showEvent(event) {
  const item = document.createElement("li");
  const time = new Date(event.createdAt).toLocaleTimeString(undefined, { timeZone: store.timezone });
  const subject = event.data?.subject?.external_id ?? event.subjectId;
  item.append(
    Object.assign(document.createElement("time"), { dateTime: event.createdAt, textContent: time }),
    " ",
    Object.assign(document.createElement("strong"), { textContent: event.type }),
    ` ${subject}`,
  );
  $("feed").prepend(item);
  while ($("feed").children.length > FEED_LENGTH) $("feed").lastChild.remove();
}

function startLive() {
  const url = new URL(GRAPHQL, location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  let stopped = false;
  const client = graphqlWs.createClient({
    url: url.href,
    connectionParams: { Authorization: `Bearer ${settings.key}` }, // a browser cannot set websocket headers
    retryAttempts: Infinity, // a restarted server is joined again…
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(2 ** retries, 30) * 1000)),
    on: {
      connected: (socket, payload, wasRetry) => {
        setLive("Live: the store's events appear here as they are committed.");
        if (wasRetry) scheduleRefresh(); // …and what was missed meanwhile is read again
      },
      closed: () => stopped || setLive("Disconnected from the live feed; reconnecting…", "error"),
    },
  });
  client.subscribe(
    { query: EVENTS, variables: { store: settings.store } },
    {
      next: (result) => {
        if (result.errors) {
          stopped = true; // a refusal (e.g. the key was revoked): the API ends the subscription
          setLive(`The live feed stopped: ${result.errors[0].message}`, "error");
          return;
        }
        showEvent(result.data.storeEvents);
        scheduleRefresh();
      },
      error: (error) => {
        stopped = true;
        const reason = Array.isArray(error) ? error[0].message : error.reason || error.message || "closed";
        setLive(`The live feed stopped: ${reason}`, "error");
      },
      complete: () => {},
    },
  );
  live = {
    stop() {
      stopped = true; // closed on purpose: not "reconnecting"
      client.dispose();
    },
  };
}

function stopLive() {
  clearTimeout(refreshTimer);
  live?.stop();
  live = null;
}

// ---------------------------------------------------------------- the page

$("settings").addEventListener("submit", (event) => {
  event.preventDefault(); // never submitted: the key stays out of every URL
  settings = { key: $("key").value.trim(), store: $("store").value.trim(), from: $("from").value, to: $("to").value };
  if (settings.key) sessionStorage.setItem(KEY, settings.key);
  writeFragment();
  open();
});

$("forget").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  settings.key = "";
  open();
});

// A new link pasted into this tab's address bar changes only the fragment.
window.addEventListener("hashchange", () => {
  settings = readFragment();
  writeFragment();
  open();
});

settings = readFragment();
writeFragment(); // the key leaves the address bar (and the tab's history) at once
open();
