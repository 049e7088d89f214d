"""The child kinds clinic pages of procedures need (issue 16), beside sections, conditions,
benefits and FAQs: `steps`, a numbered procedure; `callouts`, boxed notes, tips, warnings and
verdicts; `testimonials`, patients' words with their consent recorded, which delivery always
sends with a results disclosure (`with_disclosures`); `facts`, "at a glance" items with typed
values (a duration, a number of sessions, a price range, insurance coverage). Each is keyed,
ordered, overlaid and diffed as every child is (content.document's CHILD_MODELS)."""

from datetime import date
from typing import Any

import marshmallow as ma
import pycountry
from marshmallow import fields, validate

from service.config import TESTIMONIAL_DISCLOSURE
from service.content.durations import duration_field, surely_longer
from service.content.text_fields import ChildSchema, markdown_field, text_field
from service.models import CalloutKind, ConsentForm, Coverage, FactKind
from service.models.lengths import TITLE_LENGTH


class StepSchema(ChildSchema):
    """One step of a numbered procedure; its number is its place in `steps`."""

    title = text_field(max_length=TITLE_LENGTH, example="Check in and fill in your history")
    body = markdown_field(
        description="What happens in this step.", example="Your physiotherapist asks about your **history**."
    )
    duration = duration_field(description="How long the step takes (ISO 8601), if known.")


class CalloutSchema(ChildSchema):
    """A boxed aside; frontends style each kind as its own box."""

    kind = fields.String(
        required=True, validate=validate.OneOf(list(CalloutKind)), metadata={"example": CalloutKind.TIP.value}
    )
    title = text_field(required=False, max_length=TITLE_LENGTH, example="Wear loose clothing")
    body = markdown_field(example="Shorts or leggings let your physiotherapist see the joint.")


# Consent to a web page was not given before there were web pages: an earlier date (0001-01-01)
# is a placeholder or a slip, not a record.
EARLIEST_CONSENT = date(1990, 1, 1)


def _a_day_that_has_been(day: date) -> None:
    if day > date.today():
        raise ma.ValidationError("Consent is recorded before it is published: not a date to come.")
    if day < EARLIEST_CONSENT:
        raise ma.ValidationError(
            f"Not before {EARLIEST_CONSENT}: no web page was consented to before the web."
        )


class TestimonialSchema(ChildSchema):
    """A patient's words: published only with their consent recorded (when, and in what form)."""

    quote = text_field(description="The patient's own words, plain text.", example="I walked the dog again.")
    attribution = text_field(max_length=TITLE_LENGTH, example="Maria, 58, after knee physiotherapy")
    consent_date = fields.Date(
        required=True,
        validate=_a_day_that_has_been,
        metadata={"description": "When the patient agreed to publication.", "example": "2026-10-14"},
    )
    consent_form = fields.String(
        required=True,
        validate=validate.OneOf(list(ConsentForm)),
        metadata={"description": "How they agreed.", "example": ConsentForm.WRITTEN.value},
    )
    disclosure = text_field(
        required=False,
        description="What results to expect; null: delivery sends the service's default disclosure.",
        example="Results vary; most patients need six to eight sessions.",
    )


def with_disclosures(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every testimonial's disclosure filled in, the default where it has none."""
    testimonials = document.get("testimonials")
    if not testimonials:
        return document
    filled = [
        {**item, "disclosure": item.get("disclosure") or TESTIMONIAL_DISCLOSURE} for item in testimonials
    ]
    return {**document, "testimonials": filled}


# Which values each kind of fact has: those it needs, and those it may have; the rest are null.
FACT_VALUES: dict[FactKind, tuple[tuple[str, ...], tuple[str, ...]]] = {
    FactKind.DURATION: (("min_duration",), ("max_duration",)),
    FactKind.RECOVERY_TIME: (("min_duration",), ("max_duration",)),
    FactKind.SESSIONS: (("min_count",), ("max_count",)),
    FactKind.PRICE_RANGE: (("min_price", "currency"), ("max_price",)),
    FactKind.INSURANCE_COVERAGE: (("coverage",), ("insurer",)),
}
VALUE_FIELDS = tuple(dict.fromkeys(name for kind in FACT_VALUES.values() for names in kind for name in names))
MAX_SESSIONS = 1000
MAX_PRICE = 10_000_000  # in the currency's units: no clinic price is near it
# ISO 4217's codes, as pycountry holds them (its data follows the standard's maintenance agency).
CURRENCIES = sorted(currency.alpha_3 for currency in pycountry.currencies)
CURRENCY_CODE = validate.OneOf(CURRENCIES, error="Use an ISO 4217 currency code such as USD or EUR.")


class JsonNumber(fields.Float):
    """A JSON number, as the spec's `type: number` says: marshmallow's Float also takes "100"."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


def _optional(field: type[fields.Field], **kwargs: Any) -> fields.Field:
    return field(load_default=None, allow_none=True, **kwargs)


def _whole_cents(value: float) -> None:
    """Judged only within MAX_PRICE (marshmallow runs every validator, and Range has refused
    the rest): a price near the float's limit has no cents to count."""
    if abs(value) <= MAX_PRICE and round(value * 100) != value * 100:
        raise ma.ValidationError("At most two decimal places.")


class FactSchema(ChildSchema):
    """An "at a glance" item: a label, a kind, and the typed values that kind has (FACT_VALUES)."""

    label = text_field(max_length=TITLE_LENGTH, example="Sessions")
    kind = fields.String(
        required=True,
        validate=validate.OneOf(list(FactKind)),
        metadata={"description": "Which values it has: see docs/article-document.md.", "example": "sessions"},
    )
    min_duration = duration_field(description="duration, recovery_time: at least this long.")
    max_duration = duration_field(description="duration, recovery_time: at most this long.", example="PT1H")
    count = {"strict": True, "validate": validate.Range(min=1, max=MAX_SESSIONS), "metadata": {"example": 6}}
    min_count = _optional(fields.Integer, **count)
    max_count = _optional(fields.Integer, **{**count, "metadata": {"example": 8}})
    price = [validate.Range(min=0, max=MAX_PRICE), _whole_cents]
    min_price = _optional(JsonNumber, validate=price, metadata={"example": 750})
    max_price = _optional(JsonNumber, validate=price, metadata={"example": 1200})
    currency = _optional(fields.String, validate=CURRENCY_CODE, metadata={"example": "USD"})
    coverage = _optional(
        fields.String, validate=validate.OneOf(list(Coverage)), metadata={"example": "varies"}
    )
    insurer = text_field(required=False, max_length=TITLE_LENGTH, example="Medicare")
    note = text_field(required=False, example="Most patients need six to eight.")
    del count, price

    @ma.validates_schema(skip_on_field_errors=True)
    def _values_fit_the_kind(self, data: dict[str, Any], **_: Any) -> None:
        needed, allowed = FACT_VALUES[FactKind(data["kind"])]
        errors = {name: ["Required for this kind of fact."] for name in needed if data.get(name) is None}
        errors |= {
            name: [f"A {data['kind']} fact has no {name}: leave it out."]
            for name in VALUE_FIELDS
            if name not in needed + allowed and data.get(name) is not None
        }
        for low, high in (("min_count", "max_count"), ("min_price", "max_price")):
            if data.get(low) is not None and data.get(high) is not None and data[high] < data[low]:
                errors[high] = [f"Less than {low}."]
        low, high = data.get("min_duration"), data.get("max_duration")
        if low and high and surely_longer(low, high):
            errors["max_duration"] = ["Shorter than min_duration."]
        if errors:
            raise ma.ValidationError(errors)
