"""No lost updates: many writers holding the same ETag, at the same moment; one wins per version."""

import threading
from concurrent.futures import ThreadPoolExecutor

DRAFTS = "/v1/manage/articles"
WRITERS = 8
ROUNDS = 3


def test_concurrent_writers_with_one_etag_get_exactly_one_success_per_version(app, auth, seed_document):
    headers = auth("editor")
    setup = app.test_client()
    created = setup.post(DRAFTS, json=seed_document, headers=headers)
    url, etag = created.headers["Location"], created.headers["ETag"]
    start_version = created.json["version"]
    winners = []

    for round_number in range(ROUNDS):
        barrier = threading.Barrier(WRITERS)

        def write(writer: int, etag=etag, round_number=round_number, barrier=barrier):
            client = app.test_client()  # one client, and so one app context, per writer
            barrier.wait()
            return client.patch(
                url,
                json={"title": f"round {round_number} writer {writer}"},
                headers={**headers, "If-Match": etag},
            )

        with ThreadPoolExecutor(WRITERS) as pool:
            responses = list(pool.map(write, range(WRITERS)))

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200] + [412] * (WRITERS - 1), statuses
        (winner,) = [r for r in responses if r.status_code == 200]
        winners.append(winner.json["title"])
        etag = winner.headers["ETag"]

    final = setup.get(url, headers=headers).json
    assert final["title"] == winners[-1]
    assert final["version"] == start_version + ROUNDS  # every success counted, none lost
    history = setup.get(f"/v1/manage/audit?article_id={final['id']}", headers=headers).json
    assert [e["action"] for e in history].count("article.updated") == ROUNDS


def test_if_match_star_writers_all_succeed_one_after_the_other(app, auth, seed_document):
    headers = auth("editor")
    created = app.test_client().post(DRAFTS, json=seed_document, headers=headers)
    url, version = created.headers["Location"], created.json["version"]
    barrier = threading.Barrier(WRITERS)

    def write(writer: int):
        client = app.test_client()
        barrier.wait()
        return client.patch(url, json={"summary": f"writer {writer}"}, headers={**headers, "If-Match": "*"})

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = [response.status_code for response in pool.map(write, range(WRITERS))]

    assert statuses == [200] * WRITERS
    assert app.test_client().get(url, headers=headers).json["version"] == version + WRITERS
