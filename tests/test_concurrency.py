"""No lost updates: many writers holding the same ETag, at the same moment; one wins per version."""

import threading
from concurrent.futures import ThreadPoolExecutor

WRITERS = 8
ROUNDS = 3


def test_concurrent_writers_with_one_etag_get_exactly_one_success_per_version(app, client, editor, draft):
    url, etag = draft.url, draft.etag
    start_version = draft.body["version"]
    winners = []

    for round_number in range(ROUNDS):
        barrier = threading.Barrier(WRITERS)

        def write(writer: int, etag=etag, round_number=round_number, barrier=barrier):
            client = app.test_client()  # one client, and so one app context, per writer
            barrier.wait()
            return client.patch(
                url,
                json={"title": f"round {round_number} writer {writer}"},
                headers={**editor, "If-Match": etag},
            )

        with ThreadPoolExecutor(WRITERS) as pool:
            responses = list(pool.map(write, range(WRITERS)))

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200] + [412] * (WRITERS - 1), statuses
        (winner,) = [r for r in responses if r.status_code == 200]
        winners.append(winner.json["title"])
        etag = winner.headers["ETag"]

    final = client.get(url, headers=editor).json
    assert final["title"] == winners[-1]
    assert final["version"] == start_version + ROUNDS  # every success counted, none lost
    history = client.get(f"/v1/manage/audit?article_id={final['id']}", headers=editor).json
    assert [e["action"] for e in history].count("article.updated") == ROUNDS


def test_if_match_star_writers_all_succeed_one_after_the_other(app, editor, draft):
    url, version = draft.url, draft.body["version"]
    barrier = threading.Barrier(WRITERS)

    def write(writer: int):
        client = app.test_client()
        barrier.wait()
        return client.patch(url, json={"summary": f"writer {writer}"}, headers={**editor, "If-Match": "*"})

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = [response.status_code for response in pool.map(write, range(WRITERS))]

    assert statuses == [200] * WRITERS
    assert app.test_client().get(url, headers=editor).json["version"] == version + WRITERS
