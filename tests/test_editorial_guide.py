"""The editorial guide's worked example of the review workflow (docs/editorial-api.md), replayed
as written: each curl command is sent through the API with the editor's, the reviewer's and
the publisher's keys, and each answer the guide shows (`# -> 201 {...}`) is checked."""

import itertools
import json
import re
import shlex
from pathlib import Path

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "editorial-api.md"


def worked_example() -> tuple[list[tuple[list[str], str]], list[str]]:
    """The example's curl commands, each with the answer the guide shows after it, and the
    audit actions the guide says the log then reads, newest first."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("### A worked example", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0].replace("\\\n", " ")
    steps: list[tuple[list[str], str]] = []
    for line in block.splitlines():
        if line.startswith("curl "):
            steps.append((shlex.split(line), ""))
        elif line.startswith("#   -> ") and steps:
            steps[-1] = (steps[-1][0], line.removeprefix("#   -> "))
    audit = section.split("The audit log then reads, newest first:", 1)[1].split("\n\n", 1)[0]
    return steps, re.findall(r"`([a-z_]+\.[a-z_]+)`", audit)


def test_the_worked_example_of_review_plays_as_the_guide_says(
    client, auth, editor, reviewer, publisher, create_draft
):
    draft = create_draft(headers=editor)
    article_id = draft.body["id"]
    assert draft.etag == f'"{article_id}-1"'  # as the guide starts
    headers = {"$A": editor, "$R": reviewer, "$S": publisher, "$J": {"Content-Type": "application/json"}}
    reviews: list[int] = []  # the guide's review 1, 2... as this database numbers them
    steps, audit_actions = worked_example()
    assert len(steps) == 8

    for arguments, shown in steps:
        method, sent, body = "GET", {}, None
        url = next(argument for argument in arguments if argument.startswith(("$API", "http")))
        for flag, value in itertools.pairwise(arguments):
            if flag == "-X":
                method = value
            elif flag == "-H":
                name, _, tag = value.partition(": ")
                sent |= headers[value] if value in headers else {name: tag.replace('"1-', f'"{article_id}-')}
            elif flag == "-d":
                body = value
        url = url.replace("$API", "/v1/manage").replace("http://127.0.0.1:8000", "")
        url = url.replace("/articles/1/", f"/articles/{article_id}/")
        url = re.sub(r"/reviews/(\d+)/", lambda m: f"/reviews/{reviews[int(m.group(1)) - 1]}/", url)
        response = client.open(url, method=method, data=body, headers=sent)

        status = int(shown.split()[0].rstrip(":,"))
        assert response.status_code == status, (url, response.json)
        if method == "POST" and url.endswith("/reviews"):
            reviews.append(response.json["id"])
        for name, value in re.findall(r'"(\w+)": ("[^"]*"|\d+)', shown):
            if name != "id" and value != '"..."':
                assert response.json[name] == json.loads(value), (url, name)
        if "ETag" in shown:
            assert response.headers["ETag"] == shown.split("ETag ")[1].replace('"1-', f'"{article_id}-')
        if "says" in shown:
            assert shown.split("says ")[1].strip('"') in response.get_data(as_text=True)
        if "Publishing needs" in shown:
            assert response.json["detail"].startswith("Publishing needs an approved version")

    logged = client.get(f"/v1/manage/audit?article_id={article_id}", headers=auth("viewer")).json
    assert [entry["action"] for entry in logged] == audit_actions
    assert logged[0]["details"]["review"] == reviews[1]
