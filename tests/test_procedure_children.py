"""The child kinds of procedure pages (issue 16): each keyed, ordered, capped, stored, delivered
with its HTML, overlaid per site, diffed, edited through the children API and in the spec, as
every kind of child is; then what each kind has of its own."""

import copy
from typing import NamedTuple

import pytest

from service.config import MAX_CHILDREN, TESTIMONIAL_DISCLOSURE
from service.content.document import dump_document, load_document
from service.content.errors import InvalidDocument
from service.content.mapping import apply_document, document_from_article
from service.models import Article

SITES = "/v1/manage/sites"
AUSTIN = {"key": "clinic-austin", "name": "Austin", "variables": {}}
STEPS = [
    {"key": "check-in", "title": "Check in", "body": "Bring your **referral**.", "duration": "PT10M"},
    {"key": "assessment", "title": "Assessment", "body": "Your physiotherapist asks about your history."},
    {"key": "plan", "title": "Your plan", "body": "You agree on goals.", "duration": "PT15M"},
]
CALLOUTS = [
    {
        "key": "clothing",
        "kind": "tip",
        "title": "Wear loose clothing",
        "body": "Shorts let us see the **knee**.",
    },
    {"key": "pain", "kind": "warning", "body": "Tell us if an exercise hurts."},
    {
        "key": "bottom-line",
        "kind": "verdict",
        "title": "Bottom line",
        "body": "Most people need a few visits.",
    },
]

CONSENT = {"consent_date": "2026-10-14", "consent_form": "written"}
TESTIMONIALS = [
    {
        "key": "maria",
        "quote": "I walked the dog again.",
        "attribution": "Maria, 58",
        **CONSENT,
        "disclosure": "Own.",
    },
    {"key": "tom", "quote": "The exercises were clear.", "attribution": "Tom", **CONSENT},
    {"key": "ana", "quote": "Kind staff.", "attribution": "Ana", **CONSENT, "disclosure": "Results vary."},
]

FACTS = [
    {
        "key": "sessions",
        "label": "Sessions",
        "kind": "sessions",
        "min_count": 6,
        "max_count": 8,
        "note": "Weekly.",
    },
    {"key": "price", "label": "Price per session", "kind": "price_range", "min_price": 95, "currency": "USD"},
    {
        "key": "recovery",
        "label": "Recovery",
        "kind": "recovery_time",
        "min_duration": "P2W",
        "max_duration": "P6W",
    },
    {"key": "insurance", "label": "Medicare", "kind": "insurance_coverage", "coverage": "partly_covered"},
]


class Kind(NamedTuple):
    children: list[dict]  # three of them; the second leaves out `optional`
    text: str  # a text field of it
    markdown: str | None  # its Markdown field, sent with `<name>_html` beside it
    optional: tuple[str, object]  # a field it may leave out (null), and a value for it
    spec_name: str  # its schema in the spec


KINDS = {
    "steps": Kind(STEPS, "body", "body", ("duration", "PT15M"), "Step"),
    "callouts": Kind(CALLOUTS, "body", "body", ("title", "Before you come"), "Callout"),
    "testimonials": Kind(TESTIMONIALS, "quote", None, ("disclosure", "Results vary."), "Testimonial"),
    "facts": Kind(FACTS, "label", None, ("note", "Weekly."), "Fact"),
}
each_kind = pytest.mark.parametrize("kind", list(KINDS))


@pytest.fixture
def procedure(reviewed_document) -> dict:
    """The seed with three children of each new kind, its first section introducing the steps."""
    for kind, sample in KINDS.items():
        reviewed_document[kind] = copy.deepcopy(sample.children)
    reviewed_document["sections"][0]["includes"] = "steps"
    return reviewed_document


def keys(children: list[dict]) -> list[str]:
    return [child["key"] for child in children]


def errors_of(document: dict) -> list[dict]:
    with pytest.raises(InvalidDocument) as raised:
        load_document(document)
    return raised.value.errors


@each_kind
def test_children_load_with_what_they_leave_out_as_null(procedure, kind):
    sample = KINDS[kind]
    children = dump_document(load_document(procedure))[kind]

    assert keys(children) == keys(sample.children)
    assert children[1] == {name: None for name in children[1]} | sample.children[1]  # the rest null
    assert children[1][sample.optional[0]] is None


@each_kind
def test_a_child_needs_a_key_of_its_own(procedure, kind):
    procedure[kind][2]["key"] = procedure[kind][0]["key"]

    assert errors_of(procedure) == [
        {"field": f"{kind}[2].key", "message": f"Duplicate key {procedure[kind][0]['key']!r}."}
    ]


@each_kind
def test_children_of_each_kind_are_capped(procedure, kind):
    first = procedure[kind][0]
    procedure[kind] = [{**first, "key": f"c{n}"} for n in range(MAX_CHILDREN + 1)]

    assert errors_of(procedure) == [{"field": kind, "message": f"Longer than maximum length {MAX_CHILDREN}."}]


@each_kind
def test_children_keep_their_identity_when_reordered(session, procedure, kind):
    article = Article()
    apply_document(article, load_document(procedure))
    session.add(article)
    session.flush()
    ids = {child.key: child.id for child in getattr(article, kind)}

    procedure[kind] = list(reversed(procedure[kind]))
    apply_document(article, load_document(procedure))
    session.flush()

    stored = getattr(article, kind)
    assert [(child.key, child.position, child.id) for child in stored] == [
        (key, position, ids[key]) for position, key in enumerate(keys(procedure[kind]))
    ]
    assert document_from_article(article)[kind] == load_document(procedure)[kind]


def test_delivery_sends_each_kind_in_order_with_its_html(client, create_published, procedure):
    create_published(procedure)

    delivered = client.get(f"/v1/articles/{procedure['slug']}").json

    for kind, sample in KINDS.items():
        assert keys(delivered[kind]) == keys(sample.children)
        assert sample.markdown is None or all(f"{sample.markdown}_html" in child for child in delivered[kind])
    assert delivered["steps"][0]["body_html"] == "<p>Bring your <strong>referral</strong>.</p>\n"
    assert delivered["callouts"][0] == {
        **CALLOUTS[0],
        "body_html": "<p>Shorts let us see the <strong>knee</strong>.</p>\n",
    }
    assert delivered["sections"][0]["includes"] == "steps"


def test_a_site_overlay_changes_hides_and_orders_children_by_key(
    client, admin, create_draft, publish_reviewed, publish_overlay, procedure
):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    url = create_draft(procedure, headers=admin).url
    changes, hide, order = {}, {}, {}
    for kind, sample in KINDS.items():
        one, two, three = keys(sample.children)[:3]
        changes[kind] = {one: {sample.text: "Austin's own.", sample.optional[0]: sample.optional[1]}}
        hide[kind], order[kind] = [two], [three]
    overlay = {"children": changes, "hide": hide, "order": order}
    assert publish_overlay("clinic-austin", url.rsplit("/", 1)[1], overlay).status_code == 200
    publish_reviewed(url, admin)

    answer = client.get(f"/v1/sites/clinic-austin/articles/{procedure['slug']}").json

    for kind, sample in KINDS.items():
        one, _, three, *rest = keys(sample.children)
        assert keys(answer[kind]) == [three, one, *rest]
        assert answer[kind][1][sample.text] == "Austin's own."
        if sample.markdown:
            assert answer[kind][1][f"{sample.markdown}_html"] == "<p>Austin's own.</p>\n"
        assert answer[kind][1][sample.optional[0]] == sample.optional[1]


@each_kind
def test_an_overlay_naming_a_child_the_article_lacks_is_422(client, admin, create_draft, procedure, kind):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    article_id = create_draft(procedure, headers=admin).url.rsplit("/", 1)[1]

    response = client.put(
        f"{SITES}/clinic-austin/overlays/{article_id}",
        json={"hide": {kind: ["x-ray"]}},
        headers={**admin, "If-Match": "*"},
    )

    assert response.status_code == 422
    assert response.json["errors"] == [
        {"location": "json", "field": f"hide.{kind}", "message": f"The article has no {kind} keyed x-ray."}
    ]


@each_kind
def test_children_are_edited_by_key_and_the_diff_names_them(
    client, publisher, create_published, procedure, kind
):
    sample = KINDS[kind]
    url = create_published(procedure).url
    headers = {**publisher, "If-Match": "*"}
    new = {**sample.children[0], "key": "added"}
    name = sample.optional[0]
    first = sample.children[0]  # it has a value for `name`

    added = client.post(f"{url}/{kind}?position=0", json=new, headers=headers)
    patched = client.patch(f"{url}/{kind}/{first['key']}", json={name: None}, headers=headers)
    diff = client.get(f"{url}/diff?from=1", headers=publisher).json["children"][kind]

    assert added.status_code == 200 and patched.status_code == 200, (added.json, patched.json)
    assert patched.json[kind][1] == {**patched.json[kind][1], **first, name: None}
    assert diff["added"] == ["added"] and diff["removed"] == [] and diff["moved"] == []
    assert diff["changed"] == [
        {"key": first["key"], "fields": [{"field": name, "before": first[name], "after": None}]}
    ]


@each_kind
def test_the_spec_documents_each_kind_with_examples(spec, kind):
    schemas = spec["components"]["schemas"]
    sample = KINDS[kind]
    properties = schemas[sample.spec_name]["properties"]

    assert schemas["ArticleDocument"]["properties"][kind]["items"]["$ref"].endswith(f"/{sample.spec_name}")
    assert all("example" in properties[name] for name in properties if name != "key")
    if sample.markdown:
        assert properties[sample.markdown]["format"] == "markdown"
        assert f"{sample.markdown}_html" in schemas[f"Delivered{sample.spec_name}"]["properties"]
    assert kind in schemas["Section"]["properties"]["includes"]["enum"]


@pytest.mark.parametrize("duration", ["45 minutes", "PT", "P1D1Y", "pt45m", "PT45M\n", "P1DT"])
def test_a_steps_duration_is_iso_8601(procedure, duration):
    procedure["steps"][0]["duration"] = duration

    assert errors_of(procedure) == [
        {"field": "steps[0].duration", "message": "Use an ISO 8601 duration such as PT45M, P2W or P1DT12H."}
    ]


def test_a_step_needs_a_title_and_a_body(procedure):
    procedure["steps"][0] = {"key": "a", "title": " "}

    assert {(e["field"], e["message"]) for e in errors_of(procedure)} == {
        ("steps[0].title", "Must not be blank."),
        ("steps[0].body", "Missing data for required field."),
    }


@pytest.mark.parametrize("kind", ["info", "danger", "", None])
def test_a_callout_is_a_note_a_tip_a_warning_or_a_verdict(procedure, kind):
    procedure["callouts"][0]["kind"] = kind

    [error] = errors_of(procedure)
    assert error["field"] == "callouts[0].kind"


def test_the_structured_data_has_the_steps_as_a_how_to(client, admin, create_published, procedure):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    create_published(procedure)

    answer = client.get(f"/v1/sites/clinic-austin/articles/{procedure['slug']}").json
    [how_to] = [node for node in answer["structured_data"]["@graph"] if node["@type"] == "HowTo"]

    assert how_to["name"] == procedure["title"]
    assert how_to["step"][0] == {
        "@type": "HowToStep",
        "position": 1,
        "name": "Check in",
        "text": "<p>Bring your <strong>referral</strong>.</p>\n",
        "timeRequired": "PT10M",
    }
    assert [step["position"] for step in how_to["step"]] == [1, 2, 3] and "timeRequired" not in how_to[
        "step"
    ][1]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"consent_date": None}, "consent_date", "Field may not be null."),
        ({"consent_form": "oral"}, "consent_form", "Must be one of: written, electronic, recorded_verbal."),
        (
            {"consent_date": "2999-01-01"},
            "consent_date",
            "Consent is recorded before it is published: not a date to come.",
        ),
        ({"attribution": ""}, "attribution", "Shorter than minimum length 1."),
    ],
)
def test_a_testimonial_is_published_only_with_its_consent_recorded(procedure, change, field, message):
    procedure["testimonials"][0].update(change)

    [error] = errors_of(procedure)
    assert error["field"] == f"testimonials[0].{field}"
    assert error["message"] in (message, "Must not be blank.")


def test_a_testimonial_without_consent_fields_is_refused(procedure):
    del procedure["testimonials"][1]["consent_date"], procedure["testimonials"][1]["consent_form"]

    assert {e["field"] for e in errors_of(procedure)} == {
        "testimonials[1].consent_date",
        "testimonials[1].consent_form",
    }


def test_delivery_always_attaches_a_results_disclosure(
    client, admin, create_draft, publish_reviewed, publish_overlay, procedure
):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    url = create_draft(procedure, headers=admin).url
    overlay = {"children": {"testimonials": {"maria": {"disclosure": None}}}}  # a site cannot drop it
    assert publish_overlay("clinic-austin", url.rsplit("/", 1)[1], overlay).status_code == 200
    publish_reviewed(url, admin)

    everywhere = client.get(f"/v1/articles/{procedure['slug']}").json["testimonials"]
    austin = client.get(f"/v1/sites/clinic-austin/articles/{procedure['slug']}").json["testimonials"]

    assert [item["disclosure"] for item in everywhere] == ["Own.", TESTIMONIAL_DISCLOSURE, "Results vary."]
    assert [item["disclosure"] for item in austin] == [
        TESTIMONIAL_DISCLOSURE,
        TESTIMONIAL_DISCLOSURE,
        "Results vary.",
    ]
    assert everywhere[0]["consent_date"] == "2026-10-14" and everywhere[0]["consent_form"] == "written"
    assert TESTIMONIAL_DISCLOSURE.startswith("Individual results vary.")


def test_the_draft_keeps_a_testimonial_without_a_disclosure_of_its_own(
    client, editor, create_draft, procedure
):
    """The default is delivery's: the document says only what the editor wrote."""
    draft = client.get(create_draft(procedure).url, headers=editor).json

    assert draft["testimonials"][1]["disclosure"] is None


def test_facts_have_the_values_of_their_kind_typed(procedure):
    facts = dump_document(load_document(procedure))["facts"]

    assert facts[0]["min_count"] == 6 and facts[1]["min_price"] == 95 and facts[1]["max_price"] is None
    assert {name for name, value in facts[3].items() if value is not None} == {
        "key",
        "label",
        "kind",
        "coverage",
    }


@pytest.mark.parametrize(
    ("fact", "errors"),
    [
        ({"kind": "sessions"}, {"min_count": "Required for this kind of fact."}),
        ({"kind": "price_range", "min_price": 95}, {"currency": "Required for this kind of fact."}),
        (
            {"kind": "duration", "min_duration": "PT1H", "min_count": 3},
            {"min_count": "A duration fact has no min_count: leave it out."},
        ),
        ({"kind": "sessions", "min_count": 8, "max_count": 6}, {"max_count": "Less than min_count."}),
        (
            {"kind": "price_range", "min_price": 9.999, "currency": "usd"},
            {
                "min_price": "At most two decimal places.",
                "currency": "Use an ISO 4217 currency code such as USD or EUR.",
            },
        ),
        (  # a price near the float's limit is out of range, not a 500 counting its cents
            {"kind": "price_range", "min_price": -1.797693134862316e306, "currency": "USD"},
            {"min_price": "Must be greater than or equal to 0 and less than or equal to 10000000."},
        ),
        (
            {"kind": "insurance_coverage", "coverage": "maybe"},
            {"coverage": "Must be one of: covered, partly_covered, not_covered, varies."},
        ),
        (
            {"kind": "sessions", "min_count": 0},
            {"min_count": "Must be greater than or equal to 1 and less than or equal to 1000."},
        ),
    ],
)
def test_a_fact_has_exactly_the_values_its_kind_needs(procedure, fact, errors):
    procedure["facts"] = [{"key": "f", "label": "Fact", **fact}]

    assert {e["field"]: e["message"] for e in errors_of(procedure)} == {
        f"facts[0].{name}": message for name, message in errors.items()
    }


def test_a_site_overlay_changes_one_price(
    client, admin, create_draft, publish_reviewed, publish_overlay, procedure
):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    url = create_draft(procedure, headers=admin).url
    overlay = {"children": {"facts": {"price": {"min_price": 110, "max_price": 130}}}}
    assert publish_overlay("clinic-austin", url.rsplit("/", 1)[1], overlay).status_code == 200
    publish_reviewed(url, admin)

    austin = client.get(f"/v1/sites/clinic-austin/articles/{procedure['slug']}").json["facts"]
    everywhere = client.get(f"/v1/articles/{procedure['slug']}").json["facts"]

    assert (austin[1]["min_price"], austin[1]["max_price"], austin[1]["currency"]) == (110, 130, "USD")
    assert (everywhere[1]["min_price"], everywhere[1]["max_price"]) == (95, None)


def test_an_overlay_cannot_give_a_fact_a_value_of_another_kind(client, admin, create_draft, procedure):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    article_id = create_draft(procedure, headers=admin).url.rsplit("/", 1)[1]
    overlay = {"children": {"facts": {"price": {"min_count": 3}}}}

    response = client.put(
        f"{SITES}/clinic-austin/overlays/{article_id}", json=overlay, headers={**admin, "If-Match": "*"}
    )

    assert response.status_code == 422
    assert "A price_range fact has no min_count: leave it out." in str(response.json["errors"])


def test_the_structured_data_names_the_procedure_with_what_schema_org_has(
    client, admin, create_published, procedure
):
    assert client.post(SITES, json=AUSTIN, headers=admin).status_code == 201
    create_published(procedure)

    answer = client.get(f"/v1/sites/clinic-austin/articles/{procedure['slug']}").json
    [procedure_ld] = [
        node for node in answer["structured_data"]["@graph"] if node["@type"] == "MedicalProcedure"
    ]

    assert procedure_ld == {
        "@type": "MedicalProcedure",
        "name": procedure["title"],
        "description": procedure["summary"],
        "followup": "Recovery: 2 weeks to 6 weeks",
        "howPerformed": "1. Check in. 2. Assessment. 3. Your plan.",
    }


def test_a_testimonials_words_are_checked_by_the_guardrails(client, editor, create_draft, procedure):
    procedure["testimonials"][0]["quote"] = "The therapy cures back pain."

    url = create_draft(procedure).url
    report = client.get(f"{url}/findings", headers=editor).json

    assert "cure-claim" in {f["rule"] for f in report["findings"] if f["path"] == "testimonials[maria].quote"}


def test_a_testimonial_is_checked_with_the_disclosure_delivery_sends(client, editor, create_draft, procedure):
    """No guardrail asks for a disclosure delivery always attaches (TESTIMONIAL_DISCLOSURE)."""
    procedure["testimonials"][0].update(quote="My back pain is gone after one treatment.", disclosure=None)
    procedure["medical_disclaimer"] = "This article is general information, not medical advice."
    for faq in procedure["faqs"]:
        faq["answer"] = faq["answer"].replace("Results vary", "Outcomes depend")

    report = client.get(f"{create_draft(procedure).url}/findings", headers=editor).json

    assert not [f for f in report["findings"] if f["rule"] == "testimonial-without-disclosure"]
