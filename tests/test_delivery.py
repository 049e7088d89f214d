"""The public delivery API: published articles only, cacheable, paginated, CORS-enabled."""

import json

import pytest

from service.content.document import load_document
from service.content.editing import all_articles
from service.content.mapping import apply_document

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
ARTICLE_URL = f"/v1/articles/{SLUG}"


def test_a_published_article_is_served_whole_with_html_and_metadata(client, published):
    response = client.get(ARTICLE_URL)

    assert response.status_code == 200
    assert response.mimetype == "application/json"
    article = response.json
    assert article["revision"] == 1 and isinstance(article["id"], int)
    assert article["published_at"].endswith("+00:00")
    assert response.headers["ETag"] == f'"{article["etag"]}"'
    assert response.headers["Content-Language"] == "en"
    for field in ("title", "summary", "intro", "tags", "seo", "references"):
        assert article[field] == published[field]
    assert article["call_to_action"] == {
        **published["call_to_action"],
        "body_html": f"<p>{published['call_to_action']['body']}</p>\n",
    }
    for kind in ("sections", "conditions", "benefits", "faqs"):
        assert [child["key"] for child in article[kind]] == [child["key"] for child in published[kind]]
    assert article["intro_html"].startswith("<p>Back pain is one of the most common")
    assert (
        '<a href="https://renovatherapies.com/joint-pain-osteoarthritis/stem-cell-therapy-back-pain/" '
        'rel="noopener noreferrer">Stem Cell Therapy for Back Pain</a>'
    ) in article["intro_html"]
    assert article["faqs"][0]["answer_html"].startswith("<p>Most patients begin noticing")
    assert article["sections"][0]["closing_html"].startswith("<p>This natural, minimally invasive")
    assert (
        article["benefits"][0]["description_html"]
        == "<p>No large incisions or long recovery like surgery.</p>\n"
    )
    assert article["call_to_action"]["body_html"].startswith("<p>If you’re considering")


def test_responses_are_cacheable_and_revalidate_with_304(client, published):
    first = client.get(ARTICLE_URL)
    cache_control = first.headers["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "stale-while-revalidate=600" in cache_control

    again = client.get(ARTICLE_URL, headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.data == b"" and "Content-Type" not in again.headers
    assert again.headers["ETag"] == first.headers["ETag"]
    assert client.get(ARTICLE_URL, headers={"If-None-Match": '"stale"'}).status_code == 200


def test_the_etag_changes_when_a_new_revision_is_published(client, runner, published, write_json):
    before = client.get(ARTICLE_URL).headers["ETag"]
    runner.invoke(args=["seed", str(write_json({**published, "title": "Stem cells and back pain"}))])

    after = client.get(ARTICLE_URL, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["ETag"] != before
    assert after.json["title"] == "Stem cells and back pain"


def test_lists_revalidate_with_304_too(client, published):
    first = client.get("/v1/articles")
    assert first.headers["ETag"]
    assert client.get("/v1/articles", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_head_answers_like_get_without_a_body(client, published):
    response = client.head(ARTICLE_URL)
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["ETag"] == client.get(ARTICLE_URL).headers["ETag"]


def test_an_unknown_slug_is_a_404_problem(client, published):
    response = client.get("/v1/articles/no-such-article")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "No published article has the slug 'no-such-article'.",
    }


def test_an_unpublished_locale_is_a_404(client, published):
    response = client.get(f"{ARTICLE_URL}?locale=de")
    assert response.status_code == 404
    assert "in locale 'de'" in response.json["detail"]


def test_the_locale_picks_the_translation_and_defaults_to_english(client, publish, seed_document):
    publish([{**seed_document, "locale": "es", "title": "¿Células madre?"}, seed_document])

    assert client.get(ARTICLE_URL).json["locale"] == "en"
    spanish = client.get(f"{ARTICLE_URL}?locale=es")
    assert spanish.json["title"] == "¿Células madre?"
    assert spanish.headers["Content-Language"] == "es"


def test_without_the_default_locale_the_first_published_locale_is_served(client, publish, seed_document):
    publish([{**seed_document, "locale": "fr"}, {**seed_document, "locale": "de"}])

    assert client.get(ARTICLE_URL).json["locale"] == "de"


def test_draft_changes_are_not_delivered_until_published(client, session, published):
    (article,) = all_articles(session)
    apply_document(article, load_document({**published, "title": "Draft title"}))
    session.commit()

    assert client.get(ARTICLE_URL).json["title"] == published["title"]
    assert client.get("/v1/articles").json[0]["title"] == published["title"]


@pytest.fixture
def many_articles(publish, seed_document):
    """25 published articles: even ones tagged 'even', every fifth in Spanish."""
    documents = []
    for number in range(25):
        tags = ["back-pain", "even"] if number % 2 == 0 else ["back-pain"]
        locale = "es" if number % 5 == 0 else "en"
        documents.append({**seed_document, "slug": f"article-{number:02d}", "locale": locale, "tags": tags})
    publish(documents)


def pagination(response) -> dict:
    return json.loads(response.headers["X-Pagination"])


def test_the_list_is_paginated_with_a_total_and_a_stable_order(client, many_articles):
    pages = [client.get(f"/v1/articles?page={page}&page_size=10") for page in (1, 2, 3)]

    assert [len(page.json) for page in pages] == [10, 10, 5]
    assert pagination(pages[0]) == {
        "total": 25,
        "total_pages": 3,
        "first_page": 1,
        "last_page": 3,
        "page": 1,
        "next_page": 2,
    }
    slugs = [card["slug"] for page in pages for card in page.json]
    assert len(set(slugs)) == 25
    # All were published in one instant here, so the tie-break (newest id first) decides.
    assert slugs == [f"article-{number:02d}" for number in reversed(range(25))]
    assert [c["slug"] for c in client.get("/v1/articles?page_size=10").json] == slugs[:10]


def test_the_list_filters_by_tag_and_locale(client, many_articles):
    even = client.get("/v1/articles?tag=even&page_size=100")
    assert pagination(even)["total"] == 13
    assert all("even" in card["tags"] for card in even.json)

    spanish_even = client.get("/v1/articles?tag=even&locale=es")
    assert {card["slug"] for card in spanish_even.json} == {"article-00", "article-10", "article-20"}
    assert client.get("/v1/articles?tag=nothing-has-this").json == []


def test_cards_describe_each_published_article(client, published):
    (card,) = client.get("/v1/articles").json
    article = client.get(ARTICLE_URL).json
    for field in ("id", "slug", "locale", "title", "summary", "tags", "revision", "published_at", "etag"):
        assert card[field] == article[field]


def test_the_page_size_is_capped(client, published):
    response = client.get("/v1/articles?page_size=1000")

    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    (error,) = response.json["errors"]
    assert error["location"] == "query" and error["field"] == "page_size"


def test_bad_filters_are_422_with_the_field_named(client):
    response = client.get("/v1/articles?locale=not a locale&tag=Bad Tag")

    assert response.status_code == 422
    assert {e["field"] for e in response.json["errors"]} == {"locale", "tag"}


def test_browsers_on_other_origins_may_read_it(client, published):
    response = client.get(ARTICLE_URL, headers={"Origin": "https://clinic.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    exposed = response.headers["Access-Control-Expose-Headers"]
    assert "ETag" in exposed and "X-Pagination" in exposed

    preflight = client.options(
        ARTICLE_URL,
        headers={
            "Origin": "https://clinic.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match",
        },
    )
    assert preflight.status_code == 200
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_a_page_past_the_end_is_empty_however_far(client, published):
    for page in (2, 29729299798554792347828224):
        response = client.get(f"/v1/articles?page={page}")
        assert response.status_code == 200
        assert response.json == []
        assert pagination(response)["total"] == 1


@pytest.mark.parametrize("slug", ["abc%00def", "Not-A-Slug", "a--b", "x" * 201, "%C3%A9t%C3%A9"])
def test_a_path_that_cannot_be_a_slug_is_a_404_before_any_query(client, published, slug):
    response = client.get(f"/v1/articles/{slug}")

    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert len(response.data) < 300  # the path is not echoed back


def test_locales_are_matched_whatever_their_case(client, published):
    response = client.get(f"{ARTICLE_URL}?locale=EN")
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert len(client.get("/v1/articles?locale=En").json) == 1


def test_if_match_does_not_apply_to_reads(client, published):
    """Delivery is read-only: a stray If-Match must not turn a read into a 412."""
    for url in (ARTICLE_URL, "/v1/articles"):
        assert client.get(url, headers={"If-Match": '"something-else"'}).status_code == 200


def test_head_on_the_list_answers_like_get(client, published):
    response = client.head("/v1/articles")
    assert response.status_code == 200
    assert response.data == b""
    assert json.loads(response.headers["X-Pagination"])["total"] == 1


@pytest.fixture
def allow_listed_client(app_with):
    """An app that lets only two clinic sites' browsers read delivery."""
    return app_with(CORS_ORIGINS="https://a.example, https://b.example").test_client()


def test_an_allow_list_of_origins_is_honoured_and_caches_vary_by_origin(allow_listed_client, published):
    for origin in ("https://a.example", "https://b.example"):
        response = allow_listed_client.get(ARTICLE_URL, headers={"Origin": origin})
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers["Vary"]

    stranger = allow_listed_client.get(ARTICLE_URL, headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in stranger.headers
    assert "Origin" in stranger.headers["Vary"]


@pytest.mark.parametrize(
    ("setting", "sent"),
    [
        (None, {"Surrogate-Key"}),  # the default: Fastly's, which most CDNs read
        ("Cache-Tag", {"Cache-Tag"}),  # Cloudflare's
        ("surrogate-key, Cache-Tag", {"Surrogate-Key", "Cache-Tag"}),
        ("", set()),
    ],
)
def test_the_cdn_purge_keys_go_in_the_headers_the_setting_names(app_with, published, setting, sent):
    config = {} if setting is None else {"CDN_TAG_HEADERS": setting}
    response = app_with(**config).test_client().get(ARTICLE_URL)
    assert {"Surrogate-Key", "Cache-Tag"} & set(response.headers.keys()) == sent
    if "Surrogate-Key" in sent:
        assert response.headers["Surrogate-Key"].split(" ")[0] == f"article-{response.json['id']}"
    if "Cache-Tag" in sent:
        assert response.headers["Cache-Tag"].split(",")[0] == f"article-{response.json['id']}"


def test_a_cdn_header_no_cdn_reads_stops_the_app_at_start(app_with):
    with pytest.raises(ValueError, match="x-cache-tags"):
        app_with(CDN_TAG_HEADERS="Surrogate-Key, X-Cache-Tags")
