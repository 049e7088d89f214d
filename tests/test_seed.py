"""The `flask seed` command: loads documents, idempotently, all or nothing."""

from sqlalchemy import func, select

from service.models import Article, Revision

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"
ARTICLE_URL = f"/v1/articles/{SLUG}"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_seed_loads_and_publishes_the_article(runner, client):
    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert f"{SLUG} (en): created, published revision 1" in result.output
    response = client.get(ARTICLE_URL)
    assert response.status_code == 200
    assert response.json["revision"] == 1


def test_seeding_twice_changes_nothing(runner, client, session):
    runner.invoke(args=["seed"])
    first = client.get(ARTICLE_URL)
    version = session.scalar(select(Article.version))

    result = runner.invoke(args=["seed"])

    assert result.exit_code == 0, result.output
    assert f"{SLUG} (en): unchanged" in result.output
    assert count(session, Revision) == 1
    assert session.scalar(select(Article.version)) == version
    second = client.get(ARTICLE_URL)
    assert second.headers["ETag"] == first.headers["ETag"]
    assert second.data == first.data


def test_seeding_a_changed_document_updates_and_publishes_a_new_revision(
    runner, client, session, published, seed_document, write_json
):
    version = session.scalar(select(Article.version))
    session.rollback()
    seed_document["faqs"][0]["answer"] = "Usually within a few weeks."
    seed_document["faqs"].reverse()

    result = runner.invoke(args=["seed", str(write_json(seed_document))])

    assert result.exit_code == 0, result.output
    assert "updated, published revision 2" in result.output
    assert session.scalar(select(Article.version)) > version
    article = client.get(ARTICLE_URL).json
    assert article["revision"] == 2
    assert [faq["key"] for faq in article["faqs"]] == [faq["key"] for faq in seed_document["faqs"]]
    assert article["faqs"][-1]["answer"] == "Usually within a few weeks."


def test_draft_only_loads_are_never_delivered(runner, client):
    result = runner.invoke(args=["seed", "--draft-only"])

    assert result.exit_code == 0, result.output
    assert "created" in result.output and "published" not in result.output
    assert client.get(ARTICLE_URL).status_code == 404
    assert client.get("/v1/articles").json == []


def test_a_bad_field_is_named_by_its_path_and_nothing_is_loaded(runner, session, seed_document, write_json):
    del seed_document["sections"][2]["key"]
    seed_document["conditions"][1]["outlook"] = "cured"

    result = runner.invoke(args=["seed", str(write_json(seed_document))])

    assert result.exit_code == 1
    assert "Nothing was loaded." in result.output
    assert "sections[2].key: Missing data for required field." in result.output
    assert "conditions[1].outlook: Must be one of: may_respond, may_not_respond." in result.output
    assert count(session, Article) == 0


def test_unknown_fields_and_duplicate_keys_are_rejected(runner, session, seed_document, write_json):
    seed_document["faqs"][1]["key"] = seed_document["faqs"][0]["key"]
    seed_document["author"] = "someone"

    result = runner.invoke(args=["seed", str(write_json(seed_document))])

    assert result.exit_code == 1
    assert "faqs[1].key: Duplicate key 'time-to-results'." in result.output
    assert "author: Unknown field." in result.output
    assert count(session, Article) == 0


def test_a_file_of_several_documents_loads_all_or_nothing(runner, session, seed_document, write_json):
    second = {**seed_document, "locale": "es"}
    broken = {**seed_document, "slug": "Not A Slug"}

    failed = runner.invoke(args=["seed", str(write_json([seed_document, second, broken]))])
    assert failed.exit_code == 1
    assert "[2].slug: Use lowercase letters, digits and single hyphens." in failed.output
    assert count(session, Article) == 0

    loaded = runner.invoke(args=["seed", str(write_json([seed_document, second]))])
    assert loaded.exit_code == 0, loaded.output
    assert count(session, Article) == 2


def test_one_bad_file_among_several_loads_nothing(runner, session, seed_document, write_json, tmp_path):
    good = write_json(seed_document, "good.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"slug": "x",', encoding="utf-8")

    result = runner.invoke(args=["seed", str(good), str(bad)])

    assert result.exit_code == 1
    assert "bad.json: not valid JSON" in result.output
    assert count(session, Article) == 0


def test_every_bad_file_is_reported_before_anything_is_written(runner, session, seed_document, write_json):
    first = write_json({**seed_document, "title": " "}, "first.json")
    second = write_json({**seed_document, "locale": "es", "intro": "a\x00b"}, "second.json")

    result = runner.invoke(
        args=["seed", str(write_json(seed_document, "good.json")), str(first), str(second)]
    )

    assert result.exit_code == 1
    assert "first.json: invalid article document:\n  title: Must not be blank." in result.output
    assert (
        "second.json: invalid article document:\n  intro: Must not contain NUL characters." in result.output
    )
    assert count(session, Article) == 0


def test_one_article_in_two_files_is_refused(runner, session, seed_document, write_json):
    one = write_json(seed_document, "one.json")
    other = write_json({**seed_document, "title": "Another title", "locale": "EN"}, "other.json")

    result = runner.invoke(args=["seed", str(one), str(other)])

    assert result.exit_code == 1
    assert f"One article is given more than once: {SLUG} (en). Nothing was loaded." in result.output
    assert count(session, Article) == count(session, Revision) == 0


def test_a_json_object_naming_a_field_twice_is_refused(runner, session, tmp_path):
    path = tmp_path / "twice.json"
    path.write_text('{"slug": "a", "slug": "b"}', encoding="utf-8")

    result = runner.invoke(args=["seed", str(path)])

    assert result.exit_code == 1
    assert "not valid JSON: an object repeats the key(s) 'slug'" in result.output


def test_an_empty_list_is_refused(runner, write_json):
    result = runner.invoke(args=["seed", str(write_json([]))])
    assert result.exit_code == 1
    assert "(document): The list holds no documents." in result.output


def test_a_seed_that_cannot_be_published_says_why_and_loads_nothing(
    runner, session, seed_document, write_json
):
    seed_document["summary"] = "Call {{site.phone}}"  # and there is no site yet

    result = runner.invoke(args=["seed", str(write_json(seed_document))])

    assert result.exit_code == 1
    assert (
        "Cannot load: placeholders without a value: (no site yet) lacks phone. Nothing was loaded."
        in result.output
    )
    assert count(session, Article) == 0


def test_each_article_a_seed_changes_is_logged_as_the_commands_doing(runner, client, auth):
    runner.invoke(args=["seed"])
    runner.invoke(args=["seed"])  # changes nothing, so logs nothing
    headers = auth("viewer")

    approval, entry, override = client.get("/v1/manage/audit", headers=headers).json

    assert (entry["action"], entry["key_id"], entry["article_slug"]) == ("article.seeded", None, SLUG)
    assert (approval["action"], approval["key_id"], approval["details"]["system"]) == (
        "review.approved",
        None,
        True,
    )
    # The seed's source has no disclaimer and no reviewer: what blocks is let through, audited.
    assert (override["action"], override["key_id"]) == ("findings.overridden", None)
    assert "disclaimer-missing at medical_disclaimer" in override["details"]["findings"]
    assert (entry["revision_before"], entry["revision_after"]) == (None, 1)
    (revision,) = client.get(f"/v1/manage/articles/{entry['article_id']}/revisions", headers=headers).json
    assert revision["published_by"] == "flask seed"
