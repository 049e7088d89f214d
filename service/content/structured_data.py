"""schema.org structured data (JSON-LD) for an article as one site shows it: a MedicalWebPage
about the conditions it discusses, reviewed by whom and when, and an FAQPage of its FAQs,
each Question with its accepted Answer, a HowTo of its steps and, with facts, the MedicalProcedure
it describes. Frontends put it in a
<script type="application/ld+json"> element as it is."""

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import urljoin

from service.content.markdown import render_markdown
from service.models import Site


def article_page_url(site: Site, slug: str) -> str | None:
    return site.page_url.replace("{slug}", slug) if site.page_url else None


def structured_data(
    document: dict[str, Any], site: Site, published_at: datetime | None, api_root: str
) -> dict[str, Any]:
    """The JSON-LD of `document` (the site's version, its variables filled in, its images'
    sources added); `api_root`: the API's own address, which images' paths are under."""
    url = article_page_url(site, document["slug"])
    page: dict[str, Any] = {
        "@type": "MedicalWebPage",
        "name": document["title"],
        "headline": document["title"],
        "description": document["summary"],
        "inLanguage": document["locale"],
        "about": [
            {"@type": "MedicalCondition", "name": condition["name"]} for condition in document["conditions"]
        ],
        "publisher": _clinic(site),
    }
    if published_at is not None:
        page["datePublished"] = published_at.isoformat()
    if document.get("reviewed_at"):
        page["lastReviewed"] = _day(document["reviewed_at"])
    images = [document[name] for name in ("social_image", "hero_image") if document.get(name)]
    if images and "src" in images[0]:
        page["image"] = urljoin(api_root, images[0]["src"])
    people = {person["key"]: person for person in document.get("people", [])}
    authors = [_person(people[key]) for key in document.get("authors", []) if key in people]
    if authors:
        page["author"] = authors
    if document.get("medical_reviewer") in people:
        page["reviewedBy"] = _person(people[document["medical_reviewer"]])
    elif document.get("reviewed_by"):
        page["reviewedBy"] = {"@type": "Person", "name": document["reviewed_by"]}
    faq = {
        "@type": "FAQPage",
        "mainEntity": [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": render_markdown(item["answer"], document["references"]),
                },
            }
            for item in document["faqs"]
        ],
    }
    if url:
        page |= {"@id": url, "url": url}
        faq |= {"@id": f"{url}#faq", "url": url}
    graph = [page, faq] if document["faqs"] else [page]
    if document.get("steps"):
        graph.append(_how_to(document, url))
    if document.get("facts"):
        graph.append(_procedure(document, url))
    return {"@context": "https://schema.org", "@graph": graph}


def _person(person: dict[str, Any]) -> dict[str, Any]:
    """A person as schema.org says it: credentials as honorificSuffix ("MD, FAAPMR")."""
    said = {
        "honorificSuffix": person["credentials"],
        "jobTitle": person["specialty"],
        "url": person["profile_url"],
    }
    return {"@type": "Person", "name": person["name"], **{k: v for k, v in said.items() if v}}


def _how_to(document: dict[str, Any], url: str | None) -> dict[str, Any]:
    """The numbered procedure as a HowTo, each step a HowToStep at its place."""
    steps = []
    for position, step in enumerate(document["steps"], start=1):
        item = {
            "@type": "HowToStep",
            "position": position,
            "name": step["title"],
            "text": render_markdown(step["body"], document["references"]),
        }
        if step.get("duration"):
            item["timeRequired"] = step["duration"]
        steps.append(item)
    how_to: dict[str, Any] = {"@type": "HowTo", "name": document["title"], "step": steps}
    if url:
        how_to |= {"@id": f"{url}#steps", "url": url}
    return how_to


def _clinic(site: Site) -> dict[str, Any]:
    clinic: dict[str, Any] = {"@type": "MedicalClinic", "name": site.name}
    if site.variables.get("phone"):
        clinic["telephone"] = site.variables["phone"]
    if site.origins:
        clinic["url"] = site.origins[0]
    return clinic


def _day(value: date | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


_UNITS = {"Y": "year", "W": "week", "D": "day", "H": "hour", "S": "second"}


def spoken_duration(duration: str) -> str:
    """An ISO 8601 duration as people read it: P2W is "2 weeks", P1DT12H "1 day 12 hours"."""
    date_part, _, time_part = duration[1:].partition("T")
    words = []
    for part, minute_or_month in ((date_part, "month"), (time_part, "minute")):
        for number, unit in re.findall(r"([0-9]+)([A-Z])", part):
            name = minute_or_month if unit == "M" else _UNITS[unit]
            words.append(f"{int(number)} {name}{'' if int(number) == 1 else 's'}")
    return " ".join(words)


def _procedure(document: dict[str, Any], url: str | None) -> dict[str, Any]:
    """The MedicalProcedure the page describes, with what schema.org has a property for:
    `followup` (its recovery time) and `howPerformed` (its steps). Durations, sessions, prices
    and coverage have no MedicalProcedure property; they are in the delivered facts only."""
    procedure: dict[str, Any] = {
        "@type": "MedicalProcedure",
        "name": document["title"],
        "description": document["summary"],
    }
    recovery = [fact for fact in document["facts"] if fact["kind"] == "recovery_time"]
    if recovery:
        procedure["followup"] = "; ".join(_span(fact) for fact in recovery)
    if document.get("steps"):
        procedure["howPerformed"] = " ".join(
            f"{number}. {step['title']}." for number, step in enumerate(document["steps"], start=1)
        )
    if url:
        procedure |= {"@id": f"{url}#procedure", "url": url}
    return procedure


def _span(fact: dict[str, Any]) -> str:
    low, high = fact["min_duration"], fact.get("max_duration")
    spoken = spoken_duration(low) + (f" to {spoken_duration(high)}" if high else "")
    return f"{fact['label']}: {spoken}"
