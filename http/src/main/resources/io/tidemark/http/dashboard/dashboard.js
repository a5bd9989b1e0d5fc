// Tidemark dashboard: renders with no data, then follows the live feed at /ws/live.
"use strict";

const MINUTES = 30;        // minutes of page views shown
const TOP_PAGES = 5;       // lines in the page-views chart
const THROUGHPUT_POINTS = 120;
const MAX_ALERTS = 50;
const COLORS = ["#4fb3ff", "#3ecf8e", "#f7b955", "#ff6b6b", "#b48cff"];

const pageViews = new Map(); // page -> Map(windowStart -> views)
const visitorWindows = new Map(); // windowStart -> visitors
let alertCount = 0;
let firstSeen = Infinity; // start of the earliest page-view window the feed has brought

const $ = (id) => document.getElementById(id);
const fmt = (n) => Number(n).toLocaleString("en-US", { maximumFractionDigits: 1 });
const time = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const duration = (ms) => (ms < 1000 ? `${ms} ms` : `${fmt(ms / 1000)} s`);

function chartsAvailable() {
  return typeof window.Chart === "function";
}

function axisStyle() {
  return { ticks: { color: "#8593a3" }, grid: { color: "#26303b" } };
}

const pageChart = chartsAvailable()
  ? new Chart($("pageviews-chart"), {
      type: "line",
      data: { labels: [], datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: axisStyle(), y: { ...axisStyle(), beginAtZero: true } },
        plugins: { legend: { labels: { color: "#d8dee6" } } },
      },
    })
  : null;

const throughputChart = chartsAvailable()
  ? new Chart($("throughput-chart"), {
      type: "line",
      data: { labels: [], datasets: [{ label: "events/s", data: [], borderColor: COLORS[0], pointRadius: 0, tension: 0.3 }] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: axisStyle(), y: { ...axisStyle(), beginAtZero: true } },
        plugins: { legend: { display: false } },
      },
    })
  : null;

function onWindow(m) {
  if (m.computation === "pageviews") {
    if (!pageViews.has(m.key)) pageViews.set(m.key, new Map());
    pageViews.get(m.key).set(m.windowStart, m.value);
    firstSeen = Math.min(firstSeen, m.windowStart);
    scheduleChart();
  } else if (m.computation === "visitors") {
    visitorWindows.set(m.windowStart, m.value);
    const latest = Math.max(...visitorWindows.keys());
    $("visitors").textContent = fmt(visitorWindows.get(latest));
    for (const start of visitorWindows.keys()) {
      if (start < latest - 60 * 60 * 1000) visitorWindows.delete(start);
    }
  }
}

let chartPending = false;
function scheduleChart() {
  if (!chartPending) {
    chartPending = true;
    requestAnimationFrame(() => {
      chartPending = false;
      drawPageViews();
    });
  }
}

function drawPageViews() {
  let newest = 0;
  for (const windows of pageViews.values()) for (const s of windows.keys()) newest = Math.max(newest, s);
  if (newest === 0 || !pageChart) return;
  // the last MINUTES minutes, or fewer while the feed has not brought that many yet
  const first = Math.max(newest - (MINUTES - 1) * 60000, firstSeen);
  const starts = Array.from({ length: (newest - first) / 60000 + 1 }, (_, i) => first + i * 60000);
  const totals = [];
  for (const [page, windows] of pageViews) {
    let total = 0;
    for (const [s, v] of windows) {
      if (s < first) windows.delete(s);
      else total += v;
    }
    if (windows.size === 0) pageViews.delete(page);
    else totals.push([page, total]);
  }
  totals.sort((a, b) => b[1] - a[1]);
  pageChart.data.labels = starts.map((s) => time(s).slice(0, 5));
  pageChart.data.datasets = totals.slice(0, TOP_PAGES).map(([page], i) => ({
    label: page,
    data: starts.map((s) => pageViews.get(page).get(s) ?? 0),
    borderColor: COLORS[i % COLORS.length],
    backgroundColor: COLORS[i % COLORS.length],
    pointRadius: 2,
    tension: 0,
  }));
  pageChart.update();
}

const shownAlerts = new Set(); // alertIds in the feed, so that a stored and a live copy show once

function onAlert(m) {
  alertCount += 1;
  $("alert-count").textContent = fmt(alertCount);
  showAlert(m);
}

function showAlert(m) {
  if (shownAlerts.has(m.alertId)) return;
  shownAlerts.add(m.alertId);
  const list = $("alerts");
  const empty = list.querySelector(".empty");
  if (empty) empty.remove();
  const item = document.createElement("li");
  item.dataset.alertId = m.alertId;
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = m.userId;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.textContent = `${m.txnId} · ${m.countries.join(", ")} · ${new Date(m.txnTs).toLocaleString()}`;
  item.append(who, document.createTextNode(m.rule ? ` flagged (${m.rule})` : " flagged"), meta);
  list.prepend(item);
  while (list.children.length > MAX_ALERTS) {
    shownAlerts.delete(list.lastChild.dataset.alertId);
    list.lastChild.remove();
  }
}

function onStats(m) {
  // every click is consumed by both click computations: count it once, plus transactions
  const ps = m.perSecond;
  const rate = (ps.pageviews ?? ps.visitors ?? 0) + (ps.fraud ?? 0);
  $("throughput").textContent = fmt(rate);
  $("clients").textContent = fmt(m.clients);
  if (m.alerts > alertCount) {
    alertCount = m.alerts;
    $("alert-count").textContent = fmt(alertCount);
  }
  const dead = Object.entries(m.deadLetters);
  $("dead-total").textContent = fmt(dead.reduce((a, [, n]) => a + n, 0));
  fillTable($("dead-letters"), dead.map(([reason, n]) => [reason, fmt(n)]), 2, "none");
  fillTable(
    $("partitions"),
    m.partitions.map((p) => [p.topic, p.partition, time(p.watermark), duration(p.eventTimeLagMs), p.consumerLag < 0 ? "–" : fmt(p.consumerLag)]),
    5,
    "no data yet",
  );
  if (throughputChart) {
    const d = throughputChart.data;
    d.labels.push(time(m.at));
    d.datasets[0].data.push(rate);
    if (d.labels.length > THROUGHPUT_POINTS) {
      d.labels.shift();
      d.datasets[0].data.shift();
    }
    throughputChart.update();
  }
}

function fillTable(body, rows, columns, emptyText) {
  body.replaceChildren();
  if (rows.length === 0) {
    const tr = body.insertRow();
    tr.className = "empty";
    const td = tr.insertCell();
    td.colSpan = columns;
    td.textContent = emptyText;
    return;
  }
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = cell;
  }
}

const handlers = { window: onWindow, alert: onAlert, stats: onStats };

// The last MINUTES minutes of page views and alerts as stored in the serving tables, so that a
// page opened (or reloaded) on a running service does not start empty. Event time is taken to
// follow the clock, as it does for live traffic; a live window always wins over a stored one.
async function loadHistory() {
  const to = Date.now() + 60000;
  const from = to - (MINUTES + 1) * 60000;
  const json = async (url) => {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    return response.json();
  };
  try {
    const top = await json(`/api/pageviews/top?from=${from}&to=${to}&n=${TOP_PAGES}`);
    for (const { page } of top.pages) {
      const stored = await json(
        `/api/pageviews?page=${encodeURIComponent(page)}&from=${from}&to=${to}`,
      );
      if (!pageViews.has(page)) pageViews.set(page, new Map());
      const windows = pageViews.get(page);
      for (const w of stored.windows) {
        if (!windows.has(w.windowStart)) windows.set(w.windowStart, w.views);
        firstSeen = Math.min(firstSeen, w.windowStart);
      }
    }
    scheduleChart();
  } catch (e) {
    console.warn("page view history not loaded; the live feed fills the chart", e);
  }
  try {
    // oldest first: the newest ends on top of the feed
    const stored = await json(`/api/alerts?since=${from}&limit=1000`);
    stored.alerts.slice(-MAX_ALERTS).forEach(showAlert);
  } catch (e) {
    console.warn("stored alerts not loaded; the live feed fills the list", e);
  }
}

function connect(delay) {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/ws/live`);
  const status = $("connection");
  socket.onopen = () => {
    delay = 500;
    status.textContent = "live";
    status.className = "status online";
  };
  // a frame holds one message, or an array of them (the window updates of one flush)
  socket.onmessage = (event) => {
    const data = JSON.parse(event.data);
    for (const message of Array.isArray(data) ? data : [data]) {
      const handle = handlers[message.type];
      if (handle) handle(message);
    }
  };
  socket.onclose = () => {
    status.textContent = "reconnecting…";
    status.className = "status offline";
    setTimeout(() => connect(Math.min(delay * 2, 10000)), delay);
  };
}

// history first, so that live updates land on top of it
loadHistory().finally(() => connect(500));
