// The article as a visitor reads it, drawn as examples/clinic-site/main.js draws it (text set
// as text, HTML only the API's sanitised *_html and a comparison's table_html; each section's
// `includes` in its place, what none includes after the sections), with every part tagged with
// the path the renditions' `changed` and a review comment spell it with: `faqs.<key>.answer`,
// `comparisons.<key>.rows[<row>].cells[<column>]`. `data-covers` names the other paths a
// part shows (a fact's value, its bounds).

export function element(tag, path, text, html) {
  const node = document.createElement(tag);
  if (path) node.dataset.path = path;
  if (html !== undefined) node.innerHTML = html ?? ""; // sanitised by the service, as delivery's
  else if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

const HTML = "html";
const LIST = "list";
const DURATION = "duration";

// Each kind of child: its element, and its fields in the order a visitor reads them.
const CHILDREN = {
  sections: ["section", [["heading", "h2"], ["body", "div", HTML], ["items", "ul", LIST], ["includes"], ["closing", "div", HTML]]],
  conditions: ["div", [["name", "h3"], ["summary", "div", HTML], ["points", "ul", LIST]]],
  benefits: ["div", [["title", "h3"], ["description", "div", HTML]]],
  steps: ["li", [["title", "h3"], ["duration", "small", DURATION], ["body", "div", HTML]]],
  callouts: ["aside", [["title", "strong"], ["body", "div", HTML]]],
  testimonials: ["figure", [["quote", "blockquote"], ["attribution", "figcaption"], ["disclosure", "p"]]],
  faqs: ["div", [["question", "h3"], ["answer", "div", HTML]]],
};
// What a section may include, each shown once: where a section includes it, else after them.
const BLOCKS = [
  "conditions.may_respond",
  "conditions.may_not_respond",
  "benefits",
  "steps",
  "facts",
  "callouts",
  "testimonials",
  "comparisons",
  "call_to_action",
  "faqs",
];

/** An ISO 8601 duration in words: PT45M is "45 min", P2W "2 weeks". */
function spoken(iso) {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso ?? "");
  if (!match) return iso ?? "";
  const units = [["week", "weeks"], ["day", "days"], ["h", "h"], ["min", "min"]];
  return units.flatMap(([one, many], i) => (match[i + 1] ? [`${match[i + 1]} ${match[i + 1] === "1" ? one : many}`] : [])).join(" ");
}

function field(child, path, [name, tag, kind]) {
  const value = child[name];
  if (kind === HTML) return value ? element(tag, `${path}.${name}`, null, child[`${name}_html`]) : null;
  if (kind === LIST) {
    const list = element(tag, `${path}.${name}`);
    for (const item of value || []) list.append(element("li", null, item));
    return list.children.length ? list : null;
  }
  if (kind === DURATION) return value ? element(tag, `${path}.${name}`, ` ${spoken(value)}`) : null;
  return value ? element(tag, `${path}.${name}`, value) : null;
}

function child(kind, item, doc) {
  const [tag, fields] = CHILDREN[kind];
  const path = `${kind}.${item.key}`;
  const part = element(tag, path);
  if (kind === "callouts") part.className = `callout ${item.kind || "note"}`;
  for (const spec of fields) {
    const shown = spec[0] === "includes" ? item.includes && block(item.includes, doc) : field(item, path, spec);
    if (shown) part.append(shown);
  }
  return part;
}

function range(low, high) {
  return low && high && low !== high ? `${low} to ${high}` : low || high || "";
}

// A fact's value in words, and the fields it is read from (the first names the part).
function factValue(fact) {
  const money = (value) =>
    value == null ? "" : new Intl.NumberFormat("en-US", { style: "currency", currency: fact.currency || "USD", maximumFractionDigits: 0 }).format(value);
  if (fact.kind === "sessions") return [`${range(fact.min_count, fact.max_count)} sessions`, ["min_count", "max_count"]];
  if (fact.kind === "price_range") return [range(money(fact.min_price), money(fact.max_price)), ["min_price", "max_price", "currency"]];
  if (fact.kind === "insurance_coverage") {
    return [[String(fact.coverage || "").replace("_", " "), fact.insurer ? `(${fact.insurer})` : ""].join(" ").trim(), ["coverage", "insurer"]];
  }
  return [range(spoken(fact.min_duration), spoken(fact.max_duration)), ["min_duration", "max_duration"]];
}

function fact(item) {
  const path = `facts.${item.key}`;
  const [value, names] = factValue(item);
  const shown = element("dd", `${path}.${names[0]}`, value);
  shown.dataset.covers = [...names.slice(1), "kind"].map((name) => `${path}.${name}`).join(" ");
  const part = element("div", path);
  part.append(element("dt", `${path}.label`, item.label), shown);
  if (item.note) part.append(element("dd", `${path}.note`, item.note));
  return part;
}

// The comparison's table as delivery renders it (table_html), each header, row and cell then
// tagged with its path, as the diff names them, by its place in the table.
function comparison(item) {
  const path = `comparisons.${item.key}`;
  const figure = element("figure", path);
  figure.className = "comparison";
  if (item.caption) figure.append(element("figcaption", `${path}.caption`, item.caption));
  const holder = element("div", null, null, item.table_html);
  figure.append(holder);
  const table = holder.querySelector("table");
  if (!table) return figure;
  const tag = (node, own, ...covers) => {
    if (!node) return;
    node.dataset.path = `${path}.${own}`;
    if (covers.length) node.dataset.covers = covers.map((name) => `${path}.${name}`).join(" ");
  };
  const width = item.columns.length + 1;
  tag(table, "rows", "columns");
  const head = table.tHead?.rows[0];
  if (head?.cells.length === width) {
    tag(head.cells[0], "criteria.label", "criteria.align");
    item.columns.forEach((column, i) => tag(head.cells[i + 1], `columns[${column.key}].label`, `columns[${column.key}].align`));
  }
  item.rows.forEach((row, r) => {
    const line = table.tBodies[0]?.rows[r];
    if (line?.cells.length !== width) return;
    tag(line, `rows[${row.key}]`);
    tag(line.cells[0], `rows[${row.key}].label`);
    item.columns.forEach((column, i) => tag(line.cells[i + 1], `rows[${row.key}].cells[${column.key}]`));
  });
  return figure;
}

function callToAction(cta) {
  const action = element("aside", "call_to_action");
  action.className = "cta";
  for (const [name, tag] of [["heading", "h2"], ["body", "div", HTML], ["button_label", "strong"], ["button_url", "small"]]) {
    const shown = field(cta, "call_to_action", [name, tag, tag === "div" ? HTML : undefined]);
    if (shown) action.append(shown);
  }
  return action;
}

function block(name, doc) {
  const [kind, outlook] = name.split(".");
  if (kind === "call_to_action") return doc.call_to_action ? callToAction(doc.call_to_action) : null;
  const holder = element("div");
  holder.className = `block ${kind}`;
  const items = (doc[kind] || []).filter((item) => !outlook || item.outlook === outlook);
  const draw = { facts: fact, comparisons: comparison }[kind] || ((item) => child(kind, item, doc));
  const list = kind === "steps" ? element("ol") : kind === "facts" ? element("dl") : holder;
  list.append(...items.map(draw));
  if (list !== holder) holder.append(list);
  return items.length ? holder : null;
}

function image(name, picture) {
  if (!picture) return null;
  const figure = element("figure", name);
  if (typeof picture.src === "string" && picture.src.startsWith("/v1/media/")) {
    const img = element("img");
    Object.assign(img, { src: picture.src, alt: picture.decorative ? "" : picture.alt || "" });
    if (picture.width) img.width = picture.width;
    if (picture.height) img.height = picture.height;
    figure.append(img);
  } else {
    figure.append(element("span", null, `[image ${picture.asset}: ${picture.alt || "decorative"}]`));
  }
  const words = [picture.caption, picture.credit].filter(Boolean).join(" ");
  if (words) figure.append(element("figcaption", null, words));
  return figure;
}

function person(doc, key) {
  const found = (doc.people || []).find((one) => one.key === key);
  return found ? [found.name, found.credentials].filter(Boolean).join(", ") : key;
}

function byline(doc) {
  const parts = [];
  if (doc.authors?.length) parts.push(element("p", "authors", `By ${doc.authors.map((key) => person(doc, key)).join(", ")}`));
  if (doc.medical_reviewer) parts.push(element("p", "medical_reviewer", `Medically reviewed by ${person(doc, doc.medical_reviewer)}`));
  if (doc.reviewed_by) parts.push(element("p", "reviewed_by", `Reviewed by ${doc.reviewed_by}`));
  if (doc.reviewed_at) parts.push(element("p", "reviewed_at", `Reviewed on ${doc.reviewed_at}`));
  return parts;
}

function meta(doc) {
  const list = element("dl");
  list.className = "meta";
  for (const [label, path, value] of [
    ["SEO title", "seo.title", doc.seo?.title],
    ["SEO description", "seo.description", doc.seo?.description],
    ["Tags", "tags", (doc.tags || []).join(", ")],
  ]) {
    if (value) list.append(element("dt", null, label), element("dd", path, value));
  }
  return list;
}

function references(doc) {
  if (!doc.references?.length) return null;
  const part = element("section", "references");
  const list = element("ol");
  doc.references.forEach((reference, index) => {
    const item = element("li", null, `${reference.title} (${reference.url})`);
    item.id = `ref-${index + 1}`;
    list.append(item);
  });
  part.append(element("h2", null, "References"), list);
  return part;
}

/** Draw `doc` (a rendition's document) into `article`. */
export function renderArticle(article, doc) {
  const included = new Set((doc.sections || []).map((section) => section.includes).filter(Boolean));
  const parts = [
    meta(doc),
    element("h1", "title", doc.title),
    element("p", "summary", doc.summary),
    ...byline(doc),
    image("hero_image", doc.hero_image),
    element("div", "intro", null, doc.intro_html),
    ...(doc.sections || []).map((section) => child("sections", section, doc)),
    ...BLOCKS.filter((name) => !included.has(name)).map((name) => block(name, doc)),
    doc.medical_disclaimer ? element("aside", "medical_disclaimer", null, doc.medical_disclaimer_html) : null,
    references(doc),
    image("social_image", doc.social_image),
  ];
  article.replaceChildren(...parts.filter(Boolean));
}

/** Mark each changed path on the most precise part that shows it (its own path or one it covers). */
export function markChanged(article, changed) {
  const shown = [...article.querySelectorAll("[data-path]")].map((node) => [
    node,
    [node.dataset.path, ...(node.dataset.covers ? node.dataset.covers.split(" ") : [])],
  ]);
  for (const path of changed) {
    let best = null;
    let length = -1;
    for (const [node, paths] of shown) {
      for (const own of paths) {
        if ((path === own || path.startsWith(`${own}.`)) && own.length > length) [best, length] = [node, own.length];
      }
    }
    best?.classList.add("changed");
  }
}
