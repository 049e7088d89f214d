// @ts-check
// A clinic's article page, rendered from the delivery API in the browser, and an experiment
// client: a first-party visitor id, the assigned variant, an exposure event when the page is
// shown and a conversion when the call to action is clicked. Types: api.d.ts, generated from
// the service's OpenAPI document by openapi-typescript (npm run types).

/** @typedef {import("./api").components["schemas"]} Schemas */
/** @typedef {Schemas["SiteDeliveredArticle"]} Article */
/** @typedef {Schemas["DeliveredSection"]} Section */
/** @typedef {Schemas["DeliveredCondition"]} Condition */
/** @typedef {Schemas["DeliveredCallToAction"]} CallToAction */
/** @typedef {Schemas["Assignment"]} Assignment */
/** @typedef {Schemas["DeliveredPerson"]} Person */
/**
 * @typedef {object} ExperimentEvent
 * @property {string} event_id
 * @property {"exposure" | "conversion"} type
 * @property {string} experiment
 * @property {string} variant
 * @property {string} visitor
 * @property {string} site
 * @property {string} [name]
 */

const params = new URLSearchParams(location.search);
const API = params.get("api") ?? "http://127.0.0.1:8000";
const SITE = params.get("site") ?? "clinic-austin";
const SLUG = params.get("article") ?? "are-all-types-of-back-pain-treatable-with-stem-cells";
const VISITOR_COOKIE = "clinic_visitor";
const CONVERSION = "booking";

/** The visitor's id: from our own cookie, or a new one kept for a year. */
export function visitorId() {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(`${VISITOR_COOKIE}=`));
  if (found) return decodeURIComponent(found.split("=")[1]);
  const id = crypto.randomUUID();
  document.cookie = `${VISITOR_COOKIE}=${id}; max-age=${365 * 24 * 3600}; path=/; SameSite=Lax`;
  return id;
}

/**
 * An element with text (never HTML) and children.
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 */
function element(tag, attributes = {}, children = []) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/**
 * HTML the API has sanitised (every *_html field): safe to insert as it is.
 * @param {string | null | undefined} html
 */
function sanitised(html) {
  const holder = document.createElement("div");
  holder.innerHTML = html ?? "";
  return holder;
}

/** @param {Condition[]} conditions @param {string} heading */
function conditionList(conditions, heading) {
  return element("section", {}, [
    element("h3", {}, [heading]),
    ...conditions.map((condition) =>
      element("div", { class: "condition" }, [
        element("h4", {}, [condition.name ?? ""]),
        sanitised(condition.summary_html),
        element("ul", {}, (condition.points ?? []).map((point) => element("li", {}, [point]))),
      ]),
    ),
  ]);
}

/**
 * @param {CallToAction} cta
 * @param {() => void} onClick
 */
function callToAction(cta, onClick) {
  const button = element("a", { class: "button", href: cta.button_url ?? "#", id: "cta" }, [
    cta.button_label ?? "Book a consultation",
  ]);
  button.addEventListener("click", onClick);
  return element("aside", { class: "cta" }, [
    ...(cta.heading ? [element("h2", {}, [cta.heading])] : []),
    sanitised(cta.body_html),
    button,
  ]);
}

/** An ISO 8601 duration in words: PT45M is "45 min", P2W "2 weeks". @param {string | null | undefined} iso */
function spoken(iso) {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso ?? "");
  if (!match) return iso ?? "";
  const units = ["week", "day", "h", "min"];
  return match
    .slice(1)
    .map((n, i) => (n ? `${n} ${units[i]}${i < 2 && n !== "1" ? "s" : ""}` : ""))
    .filter(Boolean)
    .join(" ");
}

/** A range of two values, or the one given. @param {string} low @param {string} high */
function range(low, high) {
  return low && high && low !== high ? `${low} to ${high}` : low || high;
}

/** An "at a glance" fact's value, in words. @param {Schemas["DeliveredFact"]} fact */
function factValue(fact) {
  // Whole prices without cents ($1,500), others with them ($1,500.50), never rounded away.
  const money = (/** @type {number | null | undefined} */ value) => {
    if (value == null) return "";
    const cents = Number.isInteger(value) ? 0 : 2;
    const style = { style: "currency", currency: fact.currency ?? "USD", minimumFractionDigits: cents, maximumFractionDigits: cents };
    return new Intl.NumberFormat("en-US", /** @type {Intl.NumberFormatOptions} */ (style)).format(value);
  };
  switch (fact.kind) {
    case "duration":
    case "recovery_time":
      return range(spoken(fact.min_duration), spoken(fact.max_duration));
    case "sessions":
      return `${range(String(fact.min_count ?? ""), String(fact.max_count ?? ""))} sessions`;
    case "price_range":
      return range(money(fact.min_price), money(fact.max_price));
    case "insurance_coverage":
      return [String(fact.coverage ?? "").replace("_", " "), fact.insurer ? `(${fact.insurer})` : ""].join(" ").trim();
    default:
      return "";
  }
}

/**
 * What a section's `includes` names: a block of the article shown in its place.
 * @param {Article} article
 * @param {string} block
 * @param {() => void} onConvert
 */
function included(article, block, onConvert) {
  const conditions = article.conditions ?? [];
  switch (block) {
    case "conditions.may_respond":
      return conditionList(conditions.filter((c) => c.outlook === "may_respond"), "May respond");
    case "conditions.may_not_respond":
      return conditionList(conditions.filter((c) => c.outlook === "may_not_respond"), "May not respond");
    case "benefits":
      return element(
        "ul",
        { class: "benefits" },
        (article.benefits ?? []).map((benefit) =>
          element("li", {}, [element("strong", {}, [benefit.title ?? ""]), " ", sanitised(benefit.description_html)]),
        ),
      );
    case "call_to_action":
      return article.call_to_action ? callToAction(article.call_to_action, onConvert) : element("span");
    case "faqs":
      return element(
        "div",
        { class: "faqs" },
        (article.faqs ?? []).map((faq) =>
          element("details", {}, [element("summary", {}, [faq.question ?? ""]), sanitised(faq.answer_html)]),
        ),
      );
    case "steps":
      return element(
        "ol",
        { class: "steps" },
        (article.steps ?? []).map((step) =>
          element("li", {}, [
            element("h3", {}, [step.title ?? "", ...(step.duration ? [element("small", {}, [` ${spoken(step.duration)}`])] : [])]),
            sanitised(step.body_html),
          ]),
        ),
      );
    case "callouts":
      return element(
        "div",
        {},
        (article.callouts ?? []).map((callout) =>
          element("aside", { class: `callout ${callout.kind ?? "note"}` }, [
            ...(callout.title ? [element("strong", {}, [callout.title])] : []),
            sanitised(callout.body_html),
          ]),
        ),
      );
    case "testimonials":
      return element(
        "div",
        {},
        (article.testimonials ?? []).map((testimonial) =>
          element("figure", { class: "testimonial" }, [
            element("blockquote", {}, [testimonial.quote ?? ""]),
            element("figcaption", {}, [testimonial.attribution ?? ""]),
            element("p", { class: "disclosure" }, [testimonial.disclosure ?? ""]),
          ]),
        ),
      );
    case "facts":
      return element(
        "dl",
        { class: "facts" },
        (article.facts ?? []).flatMap((fact) => [
          element("dt", {}, [fact.label ?? ""]),
          element("dd", {}, [factValue(fact), ...(fact.note ? [element("small", {}, [` ${fact.note}`])] : [])]),
        ]),
      );
    case "comparisons":
      return element(
        "div",
        {},
        (article.comparisons ?? []).map((comparison) =>
          element("figure", { class: "comparison", id: `comparison-${comparison.key ?? ""}` }, [
            ...(comparison.caption ? [element("figcaption", {}, [comparison.caption])] : []),
            sanitised(comparison.table_html),
          ]),
        ),
      );
    default:
      return element("span");
  }
}

/** The references, each `ref-N` for the citations ([N]) that point at it. @param {Article} article */
function referenceList(article) {
  const references = article.references ?? [];
  if (!references.length) return [];
  return [
    element("section", { class: "references" }, [
      element("h2", {}, ["References"]),
      element(
        "ol",
        {},
        references.map((reference, index) =>
          element("li", { id: `ref-${index + 1}` }, [element("a", { href: reference.url ?? "#", rel: "noopener noreferrer" }, [reference.title ?? ""])]),
        ),
      ),
    ]),
  ];
}

/** @param {Section} section @param {Article} article @param {() => void} onConvert */
function renderSection(section, article, onConvert) {
  return element("section", { id: section.key ?? "" }, [
    element("h2", {}, [section.heading ?? ""]),
    sanitised(section.body_html),
    element("ul", {}, (section.items ?? []).map((item) => element("li", {}, [item]))),
    ...(section.includes ? [included(article, section.includes, onConvert)] : []),
    sanitised(section.closing_html),
  ]);
}

/**
 * Report one event; `keepalive` lets it leave even as the page navigates away (the CTA).
 * @param {ExperimentEvent} event
 */
export function sendEvent(event) {
  return fetch(`${API}/v1/events`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ events: [event] }),
    keepalive: true,
  });
}

/**
 * An event of the visitor's assignment, if they are in the experiment.
 * @param {Assignment | undefined} assignment
 * @param {"exposure" | "conversion"} type
 * @param {string} visitor
 * @returns {ExperimentEvent | null}
 */
function eventFor(assignment, type, visitor) {
  if (!assignment?.in_experiment || !assignment.experiment || !assignment.variant) return null;
  return {
    event_id: crypto.randomUUID(),
    type,
    experiment: assignment.experiment,
    variant: assignment.variant,
    visitor,
    site: SITE,
    ...(type === "conversion" ? { name: CONVERSION } : {}),
  };
}

/** A srcset of the API's paths, as addresses this page can load. @param {string} srcset */
function fromApi(srcset) {
  return srcset
    .split(", ")
    .map((candidate) => `${API}${candidate}`)
    .join(", ");
}

/**
 * The article's hero image: a <picture> offering each format (WebP first), its size set so
 * the page keeps its place while it loads, its caption and credit below.
 * @param {Article["hero_image"]} image
 */
function heroImage(image) {
  if (!image || !("src" in image)) return []; // (the spec's null is an empty object to TypeScript)
  const sizes = "(max-width: 60rem) 100vw, 60rem";
  const sources = (image.sources ?? []).map((source) =>
    element("source", { type: source.type ?? "", srcset: fromApi(source.srcset ?? ""), sizes }),
  );
  const img = element("img", {
    src: `${API}${image.src}`,
    width: String(image.width),
    height: String(image.height),
    alt: image.decorative ? "" : (image.alt ?? ""),
  });
  const words = [image.caption, image.credit].filter(Boolean).join(" ");
  const caption = words ? [element("figcaption", {}, [words])] : [];
  return [element("figure", { class: "hero" }, [element("picture", {}, [...sources, img]), ...caption])];
}

/** "Dr. Maya Chen, MD, FAAPMR": a person as a byline names them. @param {Person} person */
function withCredentials(person) {
  return [person.name, person.credentials].filter(Boolean).join(", ");
}

/**
 * Who wrote the article and who reviewed it medically, with their credentials (as text), and
 * a short note on each below it: their specialty and their bio (its sanitised HTML).
 * @param {Article} article
 */
function byline(article) {
  const people = new Map((article.people ?? []).map((person) => [person.key, person]));
  const authors = (article.authors ?? []).map((key) => people.get(key)).filter((p) => p !== undefined);
  const reviewer = article.medical_reviewer ? people.get(article.medical_reviewer) : undefined;
  const lines = [
    ...(authors.length ? [element("span", { class: "authors" }, [`By ${authors.map(withCredentials).join(" and ")}`])] : []),
    ...(reviewer ? [element("span", { class: "reviewer" }, [`Medically reviewed by ${withCredentials(reviewer)}`])] : []),
  ];
  return lines.length ? [element("p", { class: "byline" }, lines)] : [];
}

/** @param {Article} article */
function aboutThePeople(article) {
  const people = article.people ?? [];
  if (!people.length) return [];
  const items = people.map((person) =>
    element("li", { class: "person" }, [
      element("strong", {}, [withCredentials(person)]),
      ...(person.specialty ? [element("span", { class: "specialty" }, [` ${person.specialty}`])] : []),
      sanitised(person.bio_html),
    ]),
  );
  return [element("aside", { class: "people" }, [element("h2", {}, ["About the authors"]), element("ul", {}, items)])];
}

/**
 * What a share on social media shows (Open Graph): the title, the summary and the social
 * image (the hero image if none), its address absolute, as crawlers need it.
 * @param {Article} article
 */
function socialMeta(article) {
  const image = [article.social_image, article.hero_image].find((candidate) => candidate && "src" in candidate);
  const meta = {
    "og:type": "article",
    "og:title": article.seo?.title ?? article.title ?? "",
    "og:description": article.seo?.description ?? article.summary ?? "",
    ...(image
      ? {
          "og:image": `${API}${image.src}`,
          "og:image:width": String(image.width),
          "og:image:height": String(image.height),
          "og:image:alt": image.decorative ? "" : (image.alt ?? ""),
        }
      : {}),
  };
  document.head.querySelectorAll("meta[property^='og:']").forEach((old) => old.remove());
  document.head.append(...Object.entries(meta).map(([property, content]) => element("meta", { property, content })));
}

/** @param {Article} article @param {string} visitor */
export function render(article, visitor) {
  const main = /** @type {HTMLElement} */ (document.getElementById("article"));
  const assignment = article.assignment;
  const convert = () => {
    const event = eventFor(assignment, "conversion", visitor);
    if (event) sendEvent(event);
  };
  const sections = article.sections ?? [];
  const shown = new Set(sections.map((section) => section.includes).filter(Boolean));
  main.replaceChildren(
    element("article", { "data-variant": assignment?.variant ?? "" }, [
      element("h1", {}, [article.title ?? ""]),
      element("p", { class: "summary" }, [article.summary ?? ""]),
      ...byline(article),
      ...heroImage(article.hero_image),
      sanitised(article.intro_html),
      ...sections.map((section) => renderSection(section, article, convert)),
      ...(shown.has("call_to_action") || !article.call_to_action ? [] : [callToAction(article.call_to_action, convert)]),
      ...(shown.has("faqs") ? [] : [included(article, "faqs", convert)]),
      ...referenceList(article),
      ...aboutThePeople(article),
      element("p", { class: "variant" }, [assignment ? `Variant: ${assignment.variant}` : ""]),
    ]),
  );
  main.setAttribute("aria-busy", "false");
  document.title = article.title ?? document.title;
  socialMeta(article);
  const jsonld = element("script", { type: "application/ld+json" }, [JSON.stringify(article.structured_data)]);
  document.head.append(jsonld);
  const exposure = eventFor(assignment, "exposure", visitor);
  if (exposure) sendEvent(exposure);
}

/** @param {Article} article */
function renderClinic(article) {
  // The clinic as the structured data names it (the site's own name and phone).
  const graph = /** @type {{publisher?: {name?: string, telephone?: string}}[]} */ (
    article.structured_data?.["@graph"] ?? []
  );
  const publisher = graph[0]?.publisher ?? {};
  const name = /** @type {HTMLElement} */ (document.getElementById("clinic-name"));
  const phone = /** @type {HTMLAnchorElement} */ (document.getElementById("clinic-phone"));
  name.textContent = publisher.name ?? SITE;
  phone.textContent = publisher.telephone ?? "";
  phone.href = `tel:${publisher.telephone ?? ""}`;
}

async function main() {
  const visitor = visitorId();
  const url = `${API}/v1/sites/${encodeURIComponent(SITE)}/articles/${encodeURIComponent(SLUG)}?visitor=${encodeURIComponent(visitor)}`;
  const response = await fetch(url);
  if (!response.ok) {
    const problem = await response.json();
    const main = /** @type {HTMLElement} */ (document.getElementById("article"));
    main.replaceChildren(element("p", { class: "error" }, [`${problem.title}: ${problem.detail}`]));
    return;
  }
  /** @type {Article} */
  const article = await response.json();
  renderClinic(article);
  render(article, visitor);
}

main();
