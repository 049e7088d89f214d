// An experiment's results for a marketer: /results/?experiment=<key>. Plain JavaScript
// modules, no CDN. The API key (viewer or above) is kept for this tab only (sessionStorage).

const API = `${location.origin}/v1/manage/experiments`;
const SVG = "http://www.w3.org/2000/svg";
const main = document.getElementById("results");
const form = document.getElementById("sign-in");
const experiment = new URLSearchParams(location.search).get("experiment");

const percent = (value, digits = 1) => (value === null ? "–" : `${(value * 100).toFixed(digits)}%`);
const signed = (value) => (value === null ? "–" : `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%`);
const range = (pair, format) => (pair ? `${format(pair[0])} to ${format(pair[1])}` : "–");

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function svgElement(tag, attributes = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

async function get(path, key) {
  const response = await fetch(`${API}/${encodeURIComponent(experiment)}${path}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  if (!response.ok) {
    const problem = await response.json().catch(() => ({ detail: response.statusText }));
    throw Object.assign(new Error(problem.detail), { status: response.status });
  }
  return response;
}

function table(headings, rows, id) {
  const head = element("tr", {}, ...headings.map((heading) => element("th", {}, heading)));
  const body = rows.map((cells) =>
    element("tr", {}, ...cells.map((cell) => element("td", { class: "number" }, cell ?? "–"))),
  );
  return element("table", { id }, element("thead", {}, head), element("tbody", {}, ...body));
}

function variantRows(rows) {
  return rows.map((row, index) => [
    row.variant,
    String(row.exposed),
    String(row.converted),
    `${percent(row.conversion_rate)} (${range(row.conversion_rate_interval, percent)})`,
    index === 0 ? "control" : `${signed(row.uplift)} (${range(row.uplift_interval, signed)})`,
    index === 0 ? "" : percent(row.chance_to_beat_control, 0),
    index === 0 ? "" : row.verdict,
  ]);
}

// Cumulative uplift of the first variant, day by day, with the interval as it stood each day.
function timelineChart(results) {
  const points = results.timeline.filter((point) => point.uplift_interval[0]);
  const width = 640, height = 240, left = 60, right = 20, top = 20, bottom = 40;
  const svg = svgElement("svg", { width, height, viewBox: `0 0 ${width} ${height}`, id: "timeline-chart" });
  svg.append(svgElement("title", {}, "Cumulative uplift over time, with its always-valid interval"));
  if (!points.length) {
    svg.append(svgElement("text", { x: left, y: height / 2 }, "Not enough data for an uplift yet."));
    return svg;
  }
  const values = points.flatMap((point) => point.uplift_interval[0]).concat([0]);
  const low = Math.min(...values), high = Math.max(...values);
  // One day so far: its values drawn across the whole width, as they stand today.
  if (points.length === 1) points.push(points[0]);
  const x = (index) => left + (index / (points.length - 1)) * (width - left - right);
  const y = (value) => top + ((high - value) / (high - low || 1)) * (height - top - bottom);
  const band = points.map((point, i) => `${x(i)},${y(point.uplift_interval[0][1])}`)
    .concat(points.map((point, i) => `${x(i)},${y(point.uplift_interval[0][0])}`).reverse());
  svg.append(svgElement("polygon", { points: band.join(" "), fill: "#c6dbff" }));
  svg.append(svgElement("line", { x1: left, x2: width - right, y1: y(0), y2: y(0), stroke: "#9aa5b1" }));
  svg.append(svgElement("polyline", {
    points: points.map((point, i) => `${x(i)},${y(point.uplift[0])}`).join(" "),
    fill: "none", stroke: "#1f4fbf", "stroke-width": 2,
  }));
  svg.append(svgElement("line", { x1: left, x2: left, y1: top, y2: height - bottom, stroke: "#1f2933" }));
  for (const value of [low, 0, high]) {
    svg.append(svgElement("text", { x: left - 6, y: y(value) + 4, "text-anchor": "end", "font-size": 11 }, signed(value)));
  }
  const first = points[0].day, last = points.at(-1).day;
  svg.append(svgElement("text", { x: x(0), y: height - bottom + 16, "font-size": 11 }, first));
  if (last !== first) {
    svg.append(svgElement("text", { x: x(points.length - 1), y: height - bottom + 16, "font-size": 11, "text-anchor": "end" }, last));
  }
  svg.append(svgElement("text", { x: width / 2, y: height - 6, "text-anchor": "middle", "font-size": 12 },
    `uplift of ${results.variants[1].variant}, cumulative by day`));
  return svg;
}

async function show(key) {
  const results = await (await get("/results", key)).json();
  const chart = await (await get("/results.svg", key)).text();
  const rates = document.importNode(new DOMParser().parseFromString(chart, "image/svg+xml").documentElement, true);
  const verdictClass = results.verdict.replaceAll(" ", "-");
  const children = [
    element("h1", {}, `${results.experiment}: ${results.goal}`),
    element("p", { id: "verdict", class: verdictClass }, results.summary),
  ];
  if (results.sample_ratio_mismatch) {
    children.push(element("p", { class: "warning" }, "Sample ratio mismatch: visitors did not split as planned. Do not trust these numbers."));
  }
  children.push(
    element("figure", { id: "rates" }, rates, element("figcaption", {}, "Conversion rate of each variant, with its 95% interval.")),
    element("h2", {}, "Variants"),
    table(["Variant", "Visitors", "Conversions", "Rate", "Uplift", "Chance to beat control", "Verdict"], variantRows(results.variants), "variants"),
    element("h2", {}, "Over time"),
    element("figure", { id: "timeline" }, timelineChart(results),
      element("figcaption", {}, "The band is the sequential interval: it stays valid however often you look.")),
    element("h2", {}, "Per site"),
    table(["Site", "Variant", "Visitors", "Conversions", "Rate", "Uplift", "Chance", "Verdict"],
      results.sites.flatMap((site) => variantRows(site.variants).map((cells) => [site.site ?? "(no site)", ...cells])),
      "sites"),
  );
  if (results.sites.length > 1) {
    children.push(table(["Variant", "Uplift, stratified by site", "Sites"],
      results.stratified.map((row) => [row.variant, `${signed(row.relative_uplift)} (${range(row.relative_uplift_interval, signed)})`, String(row.sites)]),
      "stratified"));
  }
  children.push(element("p", { id: "bots" }, `Events from bots dropped: ${results.bot_events}.`));
  main.replaceChildren(...children);
  main.setAttribute("aria-busy", "false");
}

async function start() {
  if (!experiment) {
    main.replaceChildren(element("p", {}, "Name the experiment: /results/?experiment=<key>."));
    return;
  }
  const key = sessionStorage.getItem("cms_key");
  if (!key) {
    form.hidden = false;
    main.replaceChildren();
    return;
  }
  try {
    await show(key);
  } catch (error) {
    if (error.status === 401) sessionStorage.removeItem("cms_key");
    main.replaceChildren(element("p", { class: "warning", id: "error" }, error.message));
    form.hidden = error.status !== 401;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  sessionStorage.setItem("cms_key", document.getElementById("key").value);
  form.hidden = true;
  start();
});

start();
