"""The media library as a clinic uses it: images checked by their content, patient photos
stripped of EXIF and GPS, renditions made once and served immutable, articles showing them
with alt text and sizes, and nothing deleted that a page still shows. Pillow, not our code,
reads back what was served."""

import io
import os

import pytest
from PIL import Image

from tests.experiment_factories import EXPERIMENTS, SITE, experiment
from tests.media_factories import ASSETS, GPS_PLACE, photo, upload

SLUG = "are-all-types-of-back-pain-treatable-with-stem-cells"


def test_a_patient_photo_is_turned_upright_stripped_and_rendered_once(client, editor):
    uploaded = upload(client, editor, photo())

    assert uploaded.status_code == 201, uploaded.json
    asset = uploaded.json
    assert (asset["media_type"], asset["width"], asset["height"]) == ("image/jpeg", 1000, 2000)
    sizes = sorted((r["media_type"], r["width"], r["height"]) for r in asset["renditions"])
    assert sizes == [
        ("image/jpeg", 480, 960),
        ("image/jpeg", 960, 1920),
        ("image/jpeg", 1000, 2000),
        ("image/webp", 480, 960),
        ("image/webp", 960, 1920),
        ("image/webp", 1000, 2000),
    ]
    for rendition in asset["renditions"]:
        served = client.get(rendition["url"])
        assert served.status_code == 200 and served.mimetype == rendition["media_type"]
        image = Image.open(io.BytesIO(served.data))
        assert image.size == (rendition["width"], rendition["height"])
        assert image.format == {"image/jpeg": "JPEG", "image/webp": "WEBP"}[rendition["media_type"]]
        assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
        assert GPS_PLACE.encode() not in served.data
        assert len(served.data) == rendition["bytes"]

    again = upload(client, editor, photo(), name="same-photo-renamed.jpg")
    assert again.status_code == 200 and again.json["id"] == asset["id"]


def test_renditions_are_immutable_and_revalidate_with_a_304(client, editor):
    url = upload(client, editor, photo()).json["renditions"][0]["url"]

    served = client.get(url)

    assert served.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    etag = served.headers["ETag"]
    assert etag == f'"{url.rsplit("/", 1)[1].split(".")[0]}"'  # strong: the bytes' digest
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    wrong_extension = url.rsplit(".", 1)[0] + ".png"
    assert client.get(wrong_extension).status_code == 404
    assert client.get(f"/v1/media/{'0' * 64}.webp").content_type == "application/problem+json"


@pytest.mark.parametrize(
    ("format_", "mode", "own"),
    [("PNG", "RGBA", "image/png"), ("WEBP", "RGB", "image/webp"), ("AVIF", "RGB", "image/avif")],
)
def test_png_webp_and_avif_are_taken_by_their_content(client, editor, format_, mode, own):
    uploaded = upload(client, editor, photo((600, 400), format_, mode), name="renamed.jpg")

    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["media_type"] == own
    types = {r["media_type"] for r in uploaded.json["renditions"]}
    assert types == {own, "image/webp"}
    widths = {r["width"] for r in uploaded.json["renditions"]}
    assert widths == {400}  # upright, 400 wide: narrower than every width offered, so its own only
    for rendition in uploaded.json["renditions"]:
        image = Image.open(io.BytesIO(client.get(rendition["url"]).data))
        assert not image.getexif()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def gif():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, "GIF")
    return out.getvalue()


def animated_png():
    out = io.BytesIO()
    frames = [Image.new("RGB", (10, 10), colour) for colour in ("red", "blue")]
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def bomb():
    """50 million pixels in a few kilobytes: over the 40 million taken."""
    out = io.BytesIO()
    Image.new("1", (10_000, 5_000)).save(out, "PNG")
    return out.getvalue()


def tall():
    """An infographic taller than WebP can be (16,383 pixels), well under the pixel limit."""
    out = io.BytesIO()
    Image.new("L", (40, 17_000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status"),
    [
        (SVG, "logo.svg", 415),
        (b"%PDF-1.7 a brochure", "brochure.jpg", 415),
        (gif(), "spinner.gif", 415),
        (photo()[:2000], "truncated.jpg", 422),
        (animated_png(), "animated.png", 422),
        (bomb(), "bomb.png", 413),
        (tall(), "infographic.png", 413),
    ],
)
def test_what_is_not_a_still_image_of_a_format_taken_is_refused(client, editor, data, name, status):
    refused = upload(client, editor, data, name=name)

    assert refused.status_code == status, refused.json
    assert refused.content_type == "application/problem+json" and refused.json["detail"]
    assert client.get(ASSETS, headers=editor).json == []


@pytest.mark.parametrize("name", ["a" * 400 + ".png", "scan\x00of\x1fknee.png"])
def test_an_odd_file_name_is_kept_shortened_and_printable(client, editor, name):
    """The name is the uploader's, for people to recognise: never a reason to refuse, nor
    text a database here cannot store (PostgreSQL takes no NUL, its column 200 characters)."""
    uploaded = upload(client, editor, photo(), name=name)

    assert uploaded.status_code == 201, uploaded.json
    kept = uploaded.json["filename"]
    assert kept.endswith(".png") and len(kept) <= 200 and kept.isprintable()


def test_two_file_parts_are_refused_not_one_dropped(client, editor):
    twice = client.post(
        ASSETS,
        data={"file": [(io.BytesIO(photo()), "a.jpg"), (io.BytesIO(photo()), "b.jpg")]},
        headers=editor,
        content_type="multipart/form-data",
    )

    assert twice.status_code == 422 and twice.json["errors"][0]["field"] == "file"
    assert client.get(ASSETS, headers=editor).json == []


def test_an_upload_over_the_byte_limit_or_not_multipart_is_refused(app, client, editor, monkeypatch):
    monkeypatch.setitem(app.config, "ASSET_MAX_BYTES", 10_000)

    noise = Image.frombytes("RGB", (200, 200), os.urandom(200 * 200 * 3))
    out = io.BytesIO()
    noise.save(out, "PNG")
    too_big = upload(client, editor, out.getvalue())
    assert too_big.status_code == 413 and too_big.content_type == "application/problem+json"
    as_json = client.post(ASSETS, json={"file": "x"}, headers=editor)
    assert as_json.status_code == 415
    no_file = client.post(ASSETS, data={"other": "x"}, headers=editor, content_type="multipart/form-data")
    assert no_file.status_code == 422


def refused_fields(response):
    return {error["field"] for error in response.json["errors"]}


def test_an_upload_with_a_part_the_api_does_not_take_is_refused_and_nothing_is_stored(client, editor):
    """An `alt` sent beside the image would otherwise be dropped unseen (the alt text
    belongs to where an article shows the image); a file sent as a plain field is no file."""
    image = photo()
    beside = {"file": (io.BytesIO(image), "spine.jpg"), "alt": "A consultation"}
    with_alt = client.post(ASSETS, data=beside, headers=editor, content_type="multipart/form-data")
    assert with_alt.status_code == 422 and refused_fields(with_alt) == {"alt"}
    two = {"file": (io.BytesIO(image), "spine.jpg"), "other": (io.BytesIO(image), "b.jpg")}
    two_files = client.post(ASSETS, data=two, headers=editor, content_type="multipart/form-data")
    assert two_files.status_code == 422 and refused_fields(two_files) == {"other"}
    as_text = client.post(
        ASSETS, data={"file": "not a file"}, headers=editor, content_type="multipart/form-data"
    )
    assert as_text.status_code == 422 and refused_fields(as_text) == {"file"}
    assert client.get(ASSETS, headers=editor).json == []


def test_only_editors_upload_and_only_publishers_delete(client, auth, editor):
    assert upload(client, auth("viewer"), photo()).status_code == 403
    asset = upload(client, editor, photo()).json
    assert client.delete(f"{ASSETS}/{asset['id']}", headers=editor).status_code == 403


def hero(asset_id, **changes):
    return {"asset": asset_id, "alt": "A spine specialist explains an MRI scan to a patient.", **changes}


def test_an_articles_image_needs_alt_text_or_to_be_decorative_and_consent_for_people(
    client, editor, create_draft, reviewed_document
):
    asset = upload(client, editor, photo()).json["id"]
    refusals = {
        "hero_image.alt": hero(asset, alt=None),
        "hero_image.consent_recorded": hero(asset, shows_people=True),
        "hero_image.asset": hero(999_999),
    }
    for path, image in refusals.items():
        refused = client.post(
            "/v1/manage/articles", json={**reviewed_document, "hero_image": image}, headers=editor
        )
        assert refused.status_code == 422, (path, refused.json)
        assert [error["field"] for error in refused.json["errors"]] == [path], refused.json
    decorative_with_alt = client.post(
        "/v1/manage/articles",
        json={**reviewed_document, "hero_image": hero(asset, decorative=True)},
        headers=editor,
    )
    assert decorative_with_alt.status_code == 422
    made = create_draft(hero_image=hero(asset, shows_people=True, consent_recorded=True))
    assert made.body["hero_image"]["consent_recorded"] is True


def test_delivery_says_where_to_load_an_image_and_its_size(client, admin, editor, create_published):
    asset = upload(client, editor, photo()).json
    client.post("/v1/manage/sites", json={**SITE, "page_url": "https://austin.example/{slug}"}, headers=admin)

    create_published(hero_image=hero(asset["id"], caption="At the clinic", credit="Photo: Renova"))

    image = client.get(f"/v1/articles/{SLUG}").json["hero_image"]
    assert (image["width"], image["height"]) == (1000, 2000)
    assert image["src"].endswith(".jpg") and client.get(image["src"]).status_code == 200
    webp, jpeg = image["sources"]
    assert webp["type"] == "image/webp" and jpeg["type"] == "image/jpeg"
    assert [part.rsplit(" ", 1)[1] for part in webp["srcset"].split(", ")] == ["480w", "960w", "1000w"]
    for candidate in webp["srcset"].split(", "):
        assert client.get(candidate.split(" ")[0]).mimetype == "image/webp"
    assert (image["alt"], image["caption"], image["credit"]) == (
        hero(0)["alt"],
        "At the clinic",
        "Photo: Renova",
    )
    site = client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json
    assert site["hero_image"]["src"] == image["src"]
    page = site["structured_data"]["@graph"][0]
    assert page["image"] == f"http://localhost{image['src']}"


def test_an_avif_image_is_offered_as_avif_with_webp_where_one_address_is_given(
    client, editor, create_published
):
    """Open Graph's readers and older browsers read no AVIF: src (and so og:image and
    JSON-LD's image) is the WebP rendition; the srcset still offers the AVIF ones."""
    asset = upload(client, editor, photo((600, 400), "AVIF", "RGB")).json
    create_published(social_image=hero(asset["id"]))

    image = client.get(f"/v1/articles/{SLUG}").json["social_image"]

    assert image["src"].endswith(".webp")
    assert {source["type"] for source in image["sources"]} == {"image/webp", "image/avif"}


def test_an_asset_a_page_shows_or_may_show_again_is_not_deleted(client, editor, publisher, create_published):
    shown = upload(client, editor, photo()).json["id"]
    spare = upload(client, editor, photo((300, 300))).json["id"]
    article = create_published(hero_image=hero(shown))

    assert [a["id"] for a in client.get(f"{ASSETS}?unused=true", headers=editor).json] == [spare]
    refused = client.delete(f"{ASSETS}/{shown}", headers=publisher)
    assert refused.status_code == 409 and str(article.body["id"]) in refused.json["detail"]

    removed = client.patch(
        article.url,
        json={"hero_image": None},
        headers={**editor, "If-Match": article.etag, "Content-Type": "application/merge-patch+json"},
    )
    assert removed.status_code == 200, removed.json
    assert client.delete(f"{ASSETS}/{shown}", headers=publisher).status_code == 409  # the revision has it

    spare_urls = [r["url"] for r in client.get(f"{ASSETS}/{spare}", headers=editor).json["renditions"]]
    assert client.delete(f"{ASSETS}/{spare}", headers=publisher).status_code == 204
    assert client.get(f"{ASSETS}/{spare}", headers=editor).status_code == 404
    assert all(client.get(url).status_code == 404 for url in spare_urls)


def test_a_site_shows_its_own_image_through_its_overlay(client, admin, editor, publish_overlay, live_article):
    asset = upload(client, editor, photo()).json
    overlay = f"/v1/manage/sites/clinic-austin/overlays/{live_article}"
    unknown = client.put(
        overlay, json={"fields": {"hero_image": hero(999_999)}}, headers={**admin, "If-Match": "*"}
    )
    assert unknown.status_code == 422 and "999999" in str(unknown.json["errors"])

    publish_overlay("clinic-austin", live_article, {"fields": {"hero_image": hero(asset["id"])}})

    assert client.get(f"/v1/sites/clinic-austin/articles/{SLUG}").json["hero_image"]["width"] == 1000
    assert client.get(f"/v1/articles/{SLUG}").json["hero_image"] is None
    assert client.delete(f"{ASSETS}/{asset['id']}", headers=admin).status_code == 409


def test_a_variant_names_its_image_by_digest_as_export_does(client, admin, editor, live_article):
    asset = upload(client, editor, photo()).json
    by_digest = {"alt": hero(asset["id"])["alt"], "asset_digest": asset["digest"]}
    config = experiment(live_article)
    config["variants"][1]["overlay"] = {"fields": {"hero_image": by_digest}}

    created = client.post(EXPERIMENTS, json=config, headers=admin)

    assert created.status_code == 201, created.json
    stored = created.json["variants"][1]["overlay"]["fields"]["hero_image"]
    assert stored["asset"] == asset["id"] and "asset_digest" not in stored
    unknown = {**by_digest, "asset_digest": "0" * 64}
    config["variants"][1]["overlay"] = {"fields": {"hero_image": unknown}}
    refused = client.post(EXPERIMENTS, json={**config, "key": "other"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json["errors"][0]["field"] == "variants[1].overlay.fields.hero_image.asset_digest"
