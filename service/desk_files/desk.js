// The review desk: the queue of versions in review, each as every site (and variant) shows
// it with what changed marked in place and the guardrails' findings on it (listed, and the
// matched text marked in place), and the reviewer's decision. Plain ES module; it
// talks to the management API with the key the reviewer gives (kept for this tab only).

import { element, markChanged, renderArticle } from "./render.js";

const API = "/v1/manage";
const $ = (selector) => document.querySelector(selector);
let current = null; // { review, renditions, shown }

function key() {
  return sessionStorage.getItem("desk-key") || "";
}

async function call(path, options = {}) {
  const response = await fetch(`${API}${path}`, {
    ...options,
    headers: { Authorization: `Bearer ${key()}`, "Content-Type": "application/json", ...(options.headers || {}) },
  });
  const body = response.status === 204 ? null : await response.json();
  if (!response.ok) throw new Error(body.detail || response.statusText);
  return body;
}

function say(message) {
  $("#status").textContent = message;
}

function kind(review) {
  if (review.site_id !== null) return "Site overlay";
  if (review.experiment_id !== null) return "Experiment variants";
  return "Article";
}

// The whole queue, page by page (the API pages it, 100 at most a page).
async function inReview() {
  const queue = [];
  for (let page = 1; ; page += 1) {
    const batch = await call(`/reviews?page=${page}&page_size=100`);
    queue.push(...batch);
    if (batch.length < 100) return queue;
  }
}

async function loadQueue() {
  const queue = await inReview();
  const list = $("#queue");
  list.replaceChildren();
  for (const review of queue) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.dataset.review = review.id;
    button.textContent = `${kind(review)} · article ${review.article_id} · review ${review.id} · ${review.submitted_by}`;
    button.addEventListener("click", () => openReview(review.id));
    item.append(button);
    list.append(item);
  }
  say(queue.length ? `${queue.length} in review` : "Nothing in review");
}

// A finding's path (`faqs[time-to-results].answer`, `sections[x].items[2]`,
// `comparisons[x].rows[price].cells[prp]`) as the desk's data-path (`faqs.time-to-results.answer`,
// `sections.x.items`, `comparisons.x.rows[price].cells[prp]`), then its parents: the nearest
// part of the page that shows the text.
function shownAt(path) {
  const parts = path.replace(/\[(\d+)\]/g, "").replace(/^(\w+)\[([^\]]+)\]/, "$1.$2").split(".");
  for (let length = parts.length; length > 0; length -= 1) {
    const node = document.querySelector(`#article [data-path="${CSS.escape(parts.slice(0, length).join("."))}"]`);
    if (node) return node;
  }
  return null;
}

// Wrap the first occurrence of the finding's text under `node` in a <mark>.
function markText(node, finding) {
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const at = text.data.indexOf(finding.text);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(text, at);
    range.setEnd(text, at + finding.text.length);
    const mark = document.createElement("mark");
    mark.className = `finding ${finding.severity}`;
    mark.dataset.rule = finding.rule;
    mark.title = `${finding.rule} (${finding.severity}): ${finding.suggestion}`;
    range.surroundContents(mark);
    return true;
  }
  return false;
}

function showFindings(rendition) {
  const weight = { block: 0, warn: 1, info: 2 };
  const findings = [...(rendition.findings || [])].sort((a, b) => weight[a.severity] - weight[b.severity]);
  const blocking = findings.filter((finding) => finding.severity === "block").length;
  $("#gate").textContent = rendition.gate
    ? `Guardrails: ${rendition.gate} · ${blocking} blocking, ${findings.length} in all`
    : "";
  $("#gate").dataset.gate = rendition.gate || "";
  const list = $("#findings");
  list.replaceChildren();
  for (const finding of findings) {
    const item = element("li");
    item.className = `finding ${finding.severity}`;
    item.dataset.rule = finding.rule;
    item.dataset.severity = finding.severity;
    item.append(
      element("strong", null, finding.severity),
      element("span", null, ` ${finding.rule} at ${finding.path} (${finding.where}) `),
    );
    if (finding.text) {
      const quoted = element("q");
      quoted.append(element("mark", null, finding.text));
      item.append(quoted);
    }
    item.append(element("p", null, finding.suggestion));
    list.append(item);
    const node = shownAt(finding.path);
    if (node && finding.text) markText(node, finding);
  }
}

function show(index) {
  const rendition = current.renditions[index];
  current.shown = index;
  for (const [number, tab] of [...$("#renditions").children].entries()) {
    tab.setAttribute("aria-selected", String(number === index));
  }
  $("#problem").hidden = !rendition.problem;
  $("#problem").textContent = rendition.problem || "";
  if (rendition.document) {
    renderArticle($("#article"), rendition.document);
    markChanged($("#article"), rendition.changed);
  } else {
    $("#article").replaceChildren();
  }
  showFindings(rendition);
  $("#targets").replaceChildren(...targets().map((path) => Object.assign(document.createElement("option"), { value: path })));
}

// What a comment may be on: the whole, what changed, then every part the desk shows (each
// spelt as the service takes it: a rendition's paths).
function targets() {
  const paths = new Set([""]);
  for (const rendition of current.renditions) for (const path of rendition.changed) paths.add(path);
  for (const node of document.querySelectorAll("#article [data-path]")) paths.add(node.dataset.path);
  return [...paths];
}

async function openReview(id) {
  const [review, renditions] = await Promise.all([call(`/reviews/${id}`), call(`/reviews/${id}/renditions`)]);
  current = { review, renditions, shown: 0 };
  $("#review").hidden = false;
  $("#review").dataset.review = id;
  $("#review-title").textContent = `${kind(review)} · review ${review.id} (${review.status.replace("_", " ")})`;
  $("#review-note").textContent = review.note || "";
  const tabs = $("#renditions");
  tabs.replaceChildren();
  renditions.forEach((rendition, index) => {
    const tab = document.createElement("button");
    tab.type = "button";
    tab.setAttribute("role", "tab");
    tab.dataset.site = rendition.site;
    tab.textContent = rendition.variant ? `${rendition.site} · ${rendition.variant}` : rendition.site;
    tab.addEventListener("click", () => show(index));
    tabs.append(tab);
  });
  const comments = $("#comments");
  comments.replaceChildren(...review.comments.map((c) => element("li", null, `${c.target || "(all)"}: ${c.body} (${c.by})`)));
  if (renditions.length) show(0);
}

async function decide(action) {
  const id = current.review.id;
  const body =
    action === "approve"
      ? { comment: $("#comment").value || undefined }
      : { comments: [{ target: $("#target").value, body: $("#comment").value }] };
  try {
    const review = await call(`/reviews/${id}/${action}`, { method: "POST", body: JSON.stringify(body) });
    $("#comment").value = "";
    $("#review").hidden = true;
    await loadQueue();
    say(`Review ${id}: ${review.status.replace("_", " ")}`);
  } catch (error) {
    say(`Review ${id}: ${error.message}`);
  }
}

$("#key-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem("desk-key", $("#key").value.trim());
  $("#key").value = "";
  await loadQueue().catch((error) => say(error.message));
});
$("#approve").addEventListener("click", () => decide("approve"));
$("#request-changes").addEventListener("click", () => decide("request-changes"));
if (key()) loadQueue().catch((error) => say(error.message));
