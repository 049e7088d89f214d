"""schema.org structured data, checked by an independent JSON-LD processor (pyld) and against
the schema.org vocabulary (rdflib's copy of it): every type and property is a schema.org
term, the page is a MedicalWebPage about the article's conditions, and every FAQ is a
Question with its acceptedAnswer, at the site's own URLs."""

import pytest
from pyld import jsonld
from rdflib import namespace

SCHEMA = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMA_TERMS = frozenset(namespace.SDO.__annotations__)  # schema.org's types and properties
SITE = {
    "key": "clinic-austin",
    "name": "Renova Clinic Austin",
    "origins": ["https://austin.example"],
    "page_url": "https://austin.example/articles/{slug}",
    "variables": {"phone": "512-555-0100", "booking_url": "https://austin.example/book"},
}


def offline_loader(url, options=None):
    """schema.org's context maps its terms onto https://schema.org/ (the network is not
    asked: tests run offline)."""
    if url.rstrip("/") not in ("https://schema.org", "http://schema.org"):
        raise jsonld.JsonLdError(f"no document for {url}", "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": {"@context": {"@vocab": SCHEMA}}}


def triples(document):
    """The RDF statements the JSON-LD says, as (subject, predicate, object) tuples."""
    dataset = jsonld.to_rdf(document, {"documentLoader": offline_loader})
    return [(t["subject"]["value"], t["predicate"]["value"], t["object"]) for t in dataset["@default"]]


@pytest.fixture
def delivered(client, auth, published, seed_document):
    admin = auth("admin")
    assert client.post("/v1/manage/sites", json=SITE, headers=admin).status_code == 201
    response = client.get(f"/v1/sites/clinic-austin/articles/{seed_document['slug']}")
    assert response.status_code == 200
    return response.json


def test_every_type_and_property_is_a_schema_org_term(delivered):
    statements = triples(delivered["structured_data"])
    assert len(statements) > 30
    for _subject, predicate, value in statements:
        name = value["value"] if predicate == RDF_TYPE else predicate
        if predicate == RDF_TYPE or predicate.startswith(SCHEMA):
            assert name.startswith(SCHEMA) and name.removeprefix(SCHEMA) in SCHEMA_TERMS, name
        else:
            pytest.fail(f"{predicate} is not a schema.org property")


def test_the_page_is_a_medical_web_page_about_the_conditions_at_the_sites_url(delivered, seed_document):
    url = f"https://austin.example/articles/{seed_document['slug']}"
    statements = triples(delivered["structured_data"])
    about = {o["value"] for s, p, o in statements if s == url and p == SCHEMA + "about"}
    names = {o["value"] for s, p, o in statements if s in about and p == SCHEMA + "name"}

    assert (url, RDF_TYPE, {"type": "IRI", "value": SCHEMA + "MedicalWebPage"}) in statements
    assert names == {condition["name"] for condition in seed_document["conditions"]}
    assert any(s == url and p == SCHEMA + "lastReviewed" for s, p, _ in statements) == bool(
        seed_document.get("reviewed_at")
    )


def test_every_faq_is_a_question_with_its_accepted_answer(delivered, seed_document):
    statements = triples(delivered["structured_data"])

    def objects(subject, name):
        return [o["value"] for s, p, o in statements if s == subject and p == SCHEMA + name]

    faq_page = f"https://austin.example/articles/{seed_document['slug']}#faq"
    questions = objects(faq_page, "mainEntity")
    assert len(questions) == len(seed_document["faqs"])
    asked = {}
    for question in questions:
        assert (question, RDF_TYPE, {"type": "IRI", "value": SCHEMA + "Question"}) in statements
        (answer,) = objects(question, "acceptedAnswer")
        (text,) = objects(answer, "text")
        (name,) = objects(question, "name")
        asked[name] = text
    for faq in seed_document["faqs"]:
        assert faq["answer"][:40] in asked[faq["question"]]


def test_reviewer_and_review_date_come_from_the_document(client, auth, publish, seed_document):
    admin = auth("admin")
    client.post("/v1/manage/sites", json=SITE, headers=admin)
    publish([{**seed_document, "reviewed_by": "Dr. A. Rivera", "reviewed_at": "2026-11-01"}])
    page = client.get(f"/v1/sites/clinic-austin/articles/{seed_document['slug']}").json["structured_data"]
    medical = page["@graph"][0]

    assert medical["reviewedBy"] == {"@type": "Person", "name": "Dr. A. Rivera"}
    assert medical["lastReviewed"] == "2026-11-01"
    assert medical["publisher"]["telephone"] == "512-555-0100"


def test_a_site_without_a_page_address_gets_structured_data_without_urls(
    client, auth, published, seed_document
):
    admin = auth("admin")
    client.post("/v1/manage/sites", json={**SITE, "page_url": None}, headers=admin)
    page = client.get(f"/v1/sites/clinic-austin/articles/{seed_document['slug']}").json["structured_data"]

    assert "url" not in page["@graph"][0] and page["@graph"][0]["@type"] == "MedicalWebPage"


@pytest.mark.parametrize("page_url", ["https://a.example/articles/", "ftp://a.example/{slug}", "{slug}"])
def test_a_page_address_must_be_a_web_address_holding_the_slug(client, auth, page_url):
    response = client.post("/v1/manage/sites", json={**SITE, "page_url": page_url}, headers=auth("admin"))

    assert response.status_code == 422
    assert response.json["errors"][0]["field"] == "page_url"


def test_the_delivered_json_ld_cannot_close_the_script_element_it_is_written_into(
    client, auth, publish, seed_document
):
    """A FAQ may quote markup; the raw JSON text goes into <script type="application/ld+json">."""
    client.post("/v1/manage/sites", json=SITE, headers=auth("admin"))
    hostile = {**seed_document["faqs"][0], "question": "Is </script><script>alert(1)</script> & co safe?"}
    publish([{**seed_document, "faqs": [hostile, *seed_document["faqs"][1:]]}])

    response = client.get(f"/v1/sites/clinic-austin/articles/{seed_document['slug']}")
    raw = response.get_data(as_text=True)

    assert not {"<", ">", "&"} & set(raw)
    assert "\\u003c/script\\u003e" in raw and "\\u0026 co" in raw
    question = response.json["structured_data"]["@graph"][1]["mainEntity"][0]["name"]
    assert question == hostile["question"]
