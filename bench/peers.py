"""`make bench-peers` (optional): the service beside a Python peer CMS serving the same article,
Wagtail 8's API v2 (bench/wagtail_peer), under the same server (granian) with the same worker
count, each on a SQLite file of its own:

- throughput and p99 of the seed article (wrk, 2 threads, 32 connections, as bench.servers),
  in interleaved rounds (which side goes first alternates), and each round's ratio of the
  peer's to the service's: the one figure that travels between machines;
- the bytes on the wire of each answer to a browser's request (Chromium's Accept-Encoding).

The peer is installed the first time in a virtualenv of its own, build/peers/wagtail-venv,
from bench/wagtail_peer/requirements-wagtail.txt (pinned, with hashes; nothing of it reaches
the service's environment), and its database is made with Django's migrations and the seed
article put in as a published page (load_article.py).

    python -m bench.peers [--rounds 3] [--seconds 5] [--workers 2]

Writes bench/results-peers.json and its section of bench/RESULTS.md; prints a summary.
"""

import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.report import write_report
from bench.run import BROWSER_ACCEPT_ENCODING, free_port, raw_get, wire_bytes, wrk
from bench.servers import (
    ARTICLE,
    CONNECTIONS,
    ROOT,
    arguments,
    running,
    seeded_database,
    serving,
    this_machine,
)

BIN = Path(sys.executable).parent
PEER = ROOT / "bench" / "wagtail_peer"
LOCK = PEER / "requirements-wagtail.txt"
VENV = ROOT / "build" / "peers" / "wagtail-venv"
PEER_PYTHON = VENV / "bin" / "python"
SERVICE = "service"
WAGTAIL = "wagtail"


def installed_peer() -> None:
    """The peer's virtualenv, made again whenever its lock changes (uv, as `make install`)."""
    marker = VENV / ".installed"
    wanted = hashlib.sha256(LOCK.read_bytes()).hexdigest()
    if marker.exists() and marker.read_text() == wanted:
        return
    print(f"installing the peer in {VENV.relative_to(ROOT)}", flush=True)
    subprocess.run([str(BIN / "uv"), "venv", "--quiet", "--python", sys.executable, str(VENV)], check=True)
    install = [str(BIN / "uv"), "pip", "install", "--quiet", "--require-hashes", "--python", str(PEER_PYTHON)]
    subprocess.run([*install, "-r", str(LOCK)], check=True)
    marker.write_text(wanted)


def peer_environment(database: Path) -> dict[str, str]:
    return {"DJANGO_SETTINGS_MODULE": "peer_site.settings", "PEER_DATABASE": str(database)}


def seeded_peer(database: Path) -> str:
    """The peer's database with the seed article in it; the API path of its page."""
    environment = {**os.environ, **peer_environment(database)}

    def django(*command: str) -> str:
        done = subprocess.run(
            [str(PEER_PYTHON), *command],
            cwd=PEER,
            env=environment,
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    django("-m", "django", "migrate", "--no-input")
    page = django("load_article.py", str(ROOT / "seed" / "article.json")).strip()
    return f"/api/v2/pages/{page}/"


def peer_command(port: int, workers: int) -> list[str]:
    """granian's CLI with the settings deploy/web.py gives the service's server."""
    return [
        str(VENV / "bin" / "granian"),
        "--interface",
        "wsgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "1",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "peer_site.wsgi:application",
    ]


def measured(url: str, path: str, seconds: float) -> dict[str, Any]:
    headers = {"Accept-Encoding": BROWSER_ACCEPT_ENCODING}
    wrk(url, 1, CONNECTIONS, path=path, headers=headers)  # warm-up: imports, caches, connections
    result = wrk(url, seconds, CONNECTIONS, path=path, headers=headers)
    return {"per_second": result["per_second"], "p99_ms": result["p99_us"] / 1000}


def answer(url: str) -> dict[str, Any]:
    """What a browser gets: the status, the bytes on the wire, and the JSON's top-level keys."""
    with httpx.Client() as client:
        response, body = raw_get(client, url, {"Accept-Encoding": BROWSER_ACCEPT_ENCODING})
        document = client.get(url).json()
    return {
        "status": response.status_code,
        "bytes_on_the_wire": wire_bytes(response, body),
        "content_encoding": response.headers.get("Content-Encoding", "identity"),
        "keys": sorted(document),
    }


def main() -> None:
    args = arguments(__doc__)
    installed_peer()
    with tempfile.TemporaryDirectory(prefix="bench-peers-") as work:
        database_url = seeded_database(Path(work))
        peer_database = Path(work) / "peer.sqlite3"
        peer_path = seeded_peer(peer_database)

        def side(name: str) -> Any:
            if name == SERVICE:
                return serving("granian", database_url, args.workers), ARTICLE
            port = free_port()
            command = peer_command(port, args.workers)
            return running(name, command, port, peer_path, peer_environment(peer_database), PEER), peer_path

        rounds, answers = [], {}
        for number in range(args.rounds):
            order = [SERVICE, WAGTAIL] if number % 2 == 0 else [WAGTAIL, SERVICE]
            figures = {}
            for name in order:
                server, path = side(name)
                with server as (url, _):
                    figures[name] = measured(url, path, args.seconds)
                    answers[name] = answer(url + path)
            rounds.append(figures)
            print(json.dumps(figures), flush=True)

    def median(name: str, key: str) -> float:
        return round(statistics.median(r[name][key] for r in rounds), 1)

    def ratios(key: str) -> list[float]:
        return sorted(round(r[WAGTAIL][key] / r[SERVICE][key], 3) for r in rounds)

    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": this_machine(),
        "peer": "Wagtail "
        + subprocess.check_output(
            [str(PEER_PYTHON), "-c", "import wagtail; print(wagtail.__version__)"], text=True
        ).strip(),
        "workers": args.workers,
        "connections": CONNECTIONS,
        "rounds": rounds,
        "median_per_second": {name: median(name, "per_second") for name in (SERVICE, WAGTAIL)},
        "median_p99_ms": {name: median(name, "p99_ms") for name in (SERVICE, WAGTAIL)},
        "peer_over_service": {key: ratios(key) for key in ("per_second", "p99_ms")},
        "answers": answers,
    }
    (ROOT / "bench" / "results-peers.json").write_text(json.dumps(results, indent=2) + "\n")
    write_report(ROOT / "bench")
    print(json.dumps({key: results[key] for key in ("median_per_second", "peer_over_service")}, indent=2))


if __name__ == "__main__":
    main()
