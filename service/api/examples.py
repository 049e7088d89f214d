"""The article the OpenAPI spec shows: the seed, with every field it leaves empty given a value
(the steps, facts, callouts and testimonials of seed/examples' first visit, the table of its
treatment comparison, people, images), so that a client generated from the spec sees each kind
of child and field with something in it (tests/test_openapi.py fails on an empty one)."""

import json
from datetime import UTC, datetime
from typing import Any

from service.config import SEED_PATH
from service.content.document import dump_document, load_document
from service.content.markdown import render_markdown
from service.content.publishing import delivery_body

SEED_DOCUMENT = json.loads(SEED_PATH.read_text(encoding="utf-8"))
EXAMPLES = SEED_PATH.parent / "examples"
_VISIT = json.loads((EXAMPLES / "your-first-physical-therapy-visit.json").read_text(encoding="utf-8"))
_COMPARISON = json.loads(
    (EXAMPLES / "prp-or-hyaluronic-acid-for-knee-osteoarthritis.json").read_text(encoding="utf-8")
)

DIGEST = "3f5a2c1e9b8d7f6a5c4e3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e"
IMAGE_EXAMPLE = {
    "asset": 1,
    "alt": "A spine specialist talks a patient through an MRI scan.",
    "decorative": False,
    "caption": "Every plan starts with a look at your scans.",
    "credit": "Photo: Renova Clinic",
    "shows_people": True,
    "consent_recorded": True,
}
PERSON_EXAMPLE = {
    "key": "dr-maya-chen",
    "name": "Dr. Maya Chen",
    "credentials": "MD, FAAPMR",
    "specialty": "Physical medicine and rehabilitation",
    "bio": "Dr. Chen treats spine and joint pain **without surgery** where she can.",
    "photo": IMAGE_EXAMPLE | {"asset": 2, "alt": "Dr. Maya Chen", "caption": None},
    "profile_url": "https://renova.example/team/maya-chen",
}

DOCUMENT_EXAMPLE = SEED_DOCUMENT | {
    "medical_disclaimer": (
        "This article is general information, not medical advice. Stem cell therapy for back pain is "
        "not approved by the FDA, and results vary from patient to patient: ask a doctor about your case."
    ),
    "reviewed_by": "Dr. Maya Chen, MD, FAAPMR",
    "reviewed_at": "2026-11-20",
    "references": [
        {
            "title": "Mesenchymal stem cells for degenerative disc disease: a systematic review",
            "url": "https://pubmed.ncbi.nlm.nih.gov/",
        }
    ],
    "authors": [PERSON_EXAMPLE["key"]],
    "medical_reviewer": PERSON_EXAMPLE["key"],
    "hero_image": IMAGE_EXAMPLE,
    "social_image": IMAGE_EXAMPLE | {"asset": 3, "caption": None},
    **{kind: _VISIT[kind] for kind in ("steps", "callouts", "testimonials", "facts")},
    "comparisons": _COMPARISON["comparisons"],
}


def _sources(image: dict[str, Any], width: int, height: int) -> dict[str, Any]:
    """An image as delivery sends it (content.image_references.image_sources)."""
    webp = ", ".join(f"/v1/media/{DIGEST}.webp {w}w" for w in (480, 960, width))
    jpeg = ", ".join(f"/v1/media/{DIGEST}.jpg {w}w" for w in (480, 960, width))
    return image | {
        "src": f"/v1/media/{DIGEST}.jpg",
        "width": width,
        "height": height,
        "sources": [{"type": "image/webp", "srcset": webp}, {"type": "image/jpeg", "srcset": jpeg}],
    }


def delivered_example() -> dict[str, Any]:
    """The example article as delivery sends it, with its people and images as the media
    library and the people API would give them."""
    document = dump_document(load_document(DOCUMENT_EXAMPLE))
    person = PERSON_EXAMPLE | {
        "bio_html": render_markdown(PERSON_EXAMPLE["bio"]),
        "photo": _sources(PERSON_EXAMPLE["photo"], 1200, 1200),
    }
    document |= {
        "hero_image": _sources(document["hero_image"], 1600, 1067),
        "social_image": _sources(document["social_image"], 1600, 1067),
        "people": [person],
    }
    body, _ = delivery_body(1, 1, datetime(2026, 11, 26, 9, 0, tzinfo=UTC), document)
    return json.loads(body)
