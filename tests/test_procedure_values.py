"""The values facts, steps and testimonials hold are ones a clinic page can mean: a range whose
minimum is not above its maximum, a duration within reason, a price that is a number, a consent
given on a day that has been. Each refusal is a 422 naming the field, through the API."""

import pytest

from service.content.durations import MAX_DURATION

# Children of the first-visit example (conftest's procedure_document), replaced in turn.
RECOVERY = {"key": "first-visit-length", "label": "First visit", "kind": "duration", "min_duration": "PT45M"}
PRICE = {"key": "self-pay-price", "label": "Price", "kind": "price_range", "min_price": 95, "currency": "USD"}
STEP = {"key": "check-in", "title": "Check in", "body": "Bring your referral."}
TESTIMONIAL = {
    "key": "maria-desk-job",
    "quote": "I walked the dog again.",
    "attribution": "Maria, 58",
    "consent_date": "2026-10-14",
    "consent_form": "written",
}


@pytest.fixture
def article(create_draft, procedure_document):
    return create_draft(procedure_document)


def put_child(client, editor, article, kind, child):
    return client.put(f"{article.url}/{kind}/{child['key']}", json=child, headers={**editor, "If-Match": "*"})


def patch_document(client, editor, article, patch):
    headers = {**editor, "If-Match": "*", "Content-Type": "application/merge-patch+json"}
    return client.patch(article.url, json=patch, headers=headers)


def problem(response) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"] == "application/problem+json"
    return [(error["field"], error["message"]) for error in response.json["errors"]]


@pytest.mark.parametrize(
    ("low", "high"),
    [("P2W", "P1W"), ("PT2H", "PT90M"), ("P1M", "P27D"), ("P1Y", "P364D"), ("P1DT1S", "P1D")],
)
def test_a_facts_minimum_duration_above_its_maximum_is_422(client, editor, article, low, high):
    fact = {**RECOVERY, "min_duration": low, "max_duration": high}

    assert problem(put_child(client, editor, article, "facts", fact)) == [
        ("facts[0].max_duration", "Shorter than min_duration.")
    ]


@pytest.mark.parametrize(("low", "high"), [("P1W", "P7D"), ("P1M", "P30D"), ("P31D", "P1M"), ("P1Y", "P12M")])
def test_durations_of_months_and_years_that_may_be_equal_are_taken(client, editor, article, low, high):
    fact = {**RECOVERY, "min_duration": low, "max_duration": high}

    assert put_child(client, editor, article, "facts", fact).status_code == 200


@pytest.mark.parametrize("duration", ["P99999999999Y", "P11Y", "P3661D", "PT99999999H", "P523W"])
def test_a_duration_beyond_ten_years_is_422_in_a_fact_and_in_a_step(client, editor, article, duration):
    message = f"At most {MAX_DURATION} (ten years)."
    fact = {**RECOVERY, "min_duration": "P1D", "max_duration": duration}

    assert problem(put_child(client, editor, article, "facts", fact)) == [("facts[0].max_duration", message)]
    assert problem(put_child(client, editor, article, "steps", {**STEP, "duration": duration})) == [
        ("steps[0].duration", message)
    ]
    assert put_child(client, editor, article, "steps", {**STEP, "duration": MAX_DURATION}).status_code == 200


@pytest.mark.parametrize("field", ["min_price", "max_price"])
@pytest.mark.parametrize("value", ["100", "1e2", True])
def test_a_price_is_a_json_number_not_a_string(client, editor, article, field, value):
    response = patch_document(client, editor, article, {"facts": [{**PRICE, field: value}]})

    assert problem(response) == [(f"facts[0].{field}", "Not a valid number.")]


@pytest.mark.parametrize("code", ["XYZ", "usd", "US", "EURO"])
def test_a_currency_is_an_iso_4217_code(client, editor, article, code):
    refused = patch_document(client, editor, article, {"facts": [{**PRICE, "currency": code}]})

    assert problem(refused) == [("facts[0].currency", "Use an ISO 4217 currency code such as USD or EUR.")]
    for known in ("EUR", "CHF", "XOF"):  # (the CFA franc: a real currency that starts with X)
        assert put_child(client, editor, article, "facts", {**PRICE, "currency": known}).status_code == 200


@pytest.mark.parametrize("field", ["min_count", "max_count"])
def test_a_number_of_sessions_is_a_json_integer_not_a_string(client, editor, article, field):
    fact = {"key": "typical-course", "label": "Sessions", "kind": "sessions", "min_count": 6, field: "8"}

    assert problem(put_child(client, editor, article, "facts", fact)) == [
        (f"facts[1].{field}", "Not a valid integer.")
    ]


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("0001-01-01", "Not before 1990-01-01: no web page was consented to before the web."),
        ("1989-12-31", "Not before 1990-01-01: no web page was consented to before the web."),
        ("2999-01-01", "Consent is recorded before it is published: not a date to come."),
    ],
)
def test_a_consent_date_long_ago_or_to_come_is_422(client, editor, article, day, message):
    testimonial = {**TESTIMONIAL, "consent_date": day}

    assert problem(put_child(client, editor, article, "testimonials", testimonial)) == [
        ("testimonials[0].consent_date", message)
    ]
    assert problem(patch_document(client, editor, article, {"testimonials": [testimonial]})) == [
        ("testimonials[0].consent_date", message)
    ]
