"""The floor: a bare Flask app that answers each benchmarked request with the bytes the
service gave for it (status, headers, body), from memory. Whatever the service spends beyond
this is its own work: routing, validation, SQL, rendering, caching."""

import base64
import json
import os

from flask import Flask, Response, request

with open(os.environ["FLOOR_RESPONSES"], encoding="utf-8") as file:
    RESPONSES = {
        key: (answer["status"], answer["headers"], base64.b64decode(answer["body"]))
        for key, answer in json.load(file).items()
    }

app = Flask(__name__)


@app.route("/<path:_path>", methods=["GET", "POST"])
def replay(_path: str) -> Response:
    validator, coding = request.headers.get("If-None-Match", ""), request.headers.get("Accept-Encoding", "")
    status, headers, body = RESPONSES["|".join([request.full_path, validator, coding])]
    return Response(body, status=status, headers=headers)
