"""`make bench`: the service under granian (deploy/web.py), driven by wrk, against a floor measured
in the same run.

The floor (bench/floor.py) is a bare Flask app under the same server and settings that answers
each benchmarked request with the very bytes the service gave for it. Every figure is a ratio
(ours / floor, or one of ours against another), taken in rounds that alternate which side
runs first, and reported as the median with its spread: these machines are shared and noisy,
so absolute numbers mean little from one run to the next, ratios in one run do.

    python -m bench.run [--articles 1000] [--database-url URL] [--rounds 5] [--seconds 4]
"""

import argparse
import base64
import json
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import httpx
from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bench import floors, stack
from bench.generate import BenchData, build
from bench.report import write_report
from service import create_app
from service.content.experiments import RunningExperiment, variant_for
from service.extensions import db
from service.models import Event, Experiment

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
REPORT_SCRIPT = ROOT / "bench" / "wrk" / "report.lua"
WRK_THREADS = 2
VISITORS = 1000  # distinct visitor ids in the experiment scenario
BATCH = 500  # events per request in the batch scenario (the API's maximum)
# Measured behind nginx too, and the name of their bytes' file on the static nginx.
STACK_FILES = {"site article": "article", "list page of 20 (page 3)": "list"}
STACK_TARGET = 0.5  # the production stack's throughput over static nginx's, at least
P99_TARGET = 1.5  # the most a delivery scenario's p99 may be, over the floor's
FLOOR_EVENTS = 20_000  # rows the ingestion floor inserts per round
SMALL = 100  # articles in the database the list page is compared against
ORIGIN = "https://austin.example"  # a clinic site's own origin (bench.generate)
BROWSER_ACCEPT_ENCODING = "gzip, deflate, br, zstd"  # what Chromium sends over HTTPS
UNCACHED = {"DELIVERY_CACHE_BYTES": "0"}
# A worker builds the app before it answers (6 s of CPU, longer on a busy host); a stopping
# server may take deploy.web.STOP_SECONDS to finish its requests.
START_SECONDS = 120
STOP_SECONDS = 45


@dataclass
class Scenario:
    name: str
    path: str  # the request, or the first of `paths`
    target: float | None  # the median ratio it must reach; None: shown, not judged
    paths: list[str] = field(default_factory=list)  # cycled through by wrk
    headers: dict[str, str] = field(default_factory=dict)
    uncached: bool = False  # served with delivery's cache off: every request does its work


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: IO[bytes]  # its stderr

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_command(app: str) -> list[str]:
    """How every side runs `app` (module:attribute): under the production server and settings
    (deploy/web.py; BIND and WEB_CONCURRENCY from the environment)."""
    return [str(BIN / "python"), "-m", "deploy.web", "--app", app]


@contextmanager
def serving(name: str, app: str, workers: int, **env: str):
    """`app` under the production server, on a free port; stopped on exit."""
    port = free_port()
    environment = {
        **os.environ,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        # One client sends every event here: its per-client limit would be the figure measured.
        "EVENTS_RATE_LIMIT": "1000000/second",
        **env,
    }
    # A file, not a pipe, for stderr: the service logs a line per request there, and a pipe
    # nobody reads fills after a few hundred, blocking every worker mid-request.
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            server_command(app),
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,  # the access log: written by both sides alike, read by neither
            stderr=log,
        )
        server = Server(name, port, process, log)
        try:
            wait_until_up(server)
            yield server
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=STOP_SECONDS)


def written(log: IO[bytes]) -> str:
    """What a stopped server wrote to its stderr file."""
    log.seek(0)
    return log.read().decode(errors="replace")


def wait_until_up(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} did not start:\n{written(server.log)}")
        try:
            httpx.get(server.url + "/openapi.json" if server.name != "floor" else server.url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{server.name} did not answer within {START_SECONDS} s")


def wrk(
    url: str,
    seconds: float,
    connections: int,
    *,
    method: str = "GET",
    path: str = "/",
    items: Path | None = None,
    headers: dict[str, str] | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """One wrk run; its summary (requests, seconds, errors, p50 and p99 in microseconds).
    With `check`, any failed request ends the run (a figure with failures would mislead)."""
    command = [
        "wrk",
        "--timeout",
        "10s",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "-s",
        str(REPORT_SCRIPT),
        url + path,
        "--",
        method,
        path,
        str(items) if items else "-",
        str(WRK_THREADS),
        *[part for header in (headers or {}).items() for part in header],
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    summary = json.loads(output.strip().splitlines()[-1])
    if check and (summary["errors"] or summary["status_errors"]):
        sample = httpx.get(url + path, headers=headers)
        raise SystemExit(
            f"wrk saw errors on {path}: {summary}; one answer: {sample.status_code} {sample.text[:300]}"
        )
    summary["per_second"] = summary["requests"] / summary["seconds"]
    return summary


def floor_key(path: str, headers: dict[str, str]) -> str:
    """How the floor finds a request's answer: Flask's full_path, then the headers it varies on."""
    full_path = path if "?" in path else path + "?"
    return "|".join([full_path, headers.get("If-None-Match", ""), headers.get("Accept-Encoding", "")])


def sent_headers(response: httpx.Response) -> dict[str, str]:
    """A response's headers but those the server adds itself (the floor gets them too)."""
    skipped = ("date", "server", "connection", "content-length")
    return {name: value for name, value in response.headers.items() if name.lower() not in skipped}


def raw_get(client: httpx.Client, url: str, headers: dict[str, str]) -> tuple[httpx.Response, bytes]:
    """A GET and its body as sent, still compressed if it was (httpx would decode it)."""
    with client.stream("GET", url, headers=headers) as response:
        return response, b"".join(response.iter_raw())


def wire_bytes(response: httpx.Response, body: bytes) -> int:
    """The answer's size on the wire: status line, every header and the body."""
    status_line = len(f"HTTP/1.1 {response.status_code} {response.reason_phrase}\r\n")
    return (
        status_line
        + sum(len(name) + len(value) + 4 for name, value in response.headers.items())
        + 2
        + len(body)
    )


def capture(server: Server, scenarios: list[Scenario]) -> dict[str, Any]:
    """The service's exact answers (status, headers, body as sent) to every benchmarked request."""
    answers = {}
    with httpx.Client(base_url=server.url) as client:
        for scenario in scenarios:
            for path in scenario.paths or [scenario.path]:
                response, body = raw_get(client, path, scenario.headers)
                expected = 304 if "If-None-Match" in scenario.headers else 200
                if response.status_code != expected:
                    raise SystemExit(f"{path}: {response.status_code}, not {expected}: {body[:300]!r}")
                answers[floor_key(path, scenario.headers)] = {
                    "status": response.status_code,
                    "headers": sent_headers(response),
                    "body": base64.b64encode(body).decode(),
                    "wire_bytes": wire_bytes(response, body),
                }
    return answers


def scenarios_for(data: BenchData, base: str) -> list[Scenario]:
    """What clinic frontends ask, as a browser does (with its Origin)."""
    browser = {"Origin": ORIGIN, "Accept-Encoding": BROWSER_ACCEPT_ENCODING}
    site_article = f"/v1/sites/clinic-austin/articles/{data.plain_slug}"
    with httpx.Client(base_url=base) as client:
        etag = client.get(site_article, headers=browser).headers["ETag"]  # (the br representation's)
    tested = f"/v1/sites/clinic-austin/articles/{data.experiment_slug}"
    visitors = [f"{tested}?visitor=v-{number}" for number in range(VISITORS)]
    return [
        Scenario("site article", site_article, 0.85, headers=browser),
        Scenario(
            "site article, experiment running, visitor id", visitors[0], 0.80, paths=visitors, headers=browser
        ),
        Scenario(
            "revalidation (If-None-Match → 304)",
            site_article,
            0.92,
            headers={**browser, "If-None-Match": etag},
        ),
        Scenario(
            "list page of 20 (page 3)",
            "/v1/sites/clinic-austin/articles?page=3&page_size=20",
            0.85,
            headers=browser,
        ),
        Scenario("site article, delivery's cache off", site_article, None, headers=browser, uncached=True),
    ]


def spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def ab_rounds(run_a, run_b, rounds: int) -> list[tuple[dict, dict]]:
    """Both runs, `rounds` times, alternating which goes first."""
    pairs = []
    for number in range(rounds):
        if number % 2 == 0:
            a = run_a()
            b = run_b()
        else:
            b = run_b()
            a = run_a()
        pairs.append((a, b))
    return pairs


def compare(pairs: list[tuple[dict, dict]], target: float | None, **extra: Any) -> dict[str, Any]:
    throughput = [a["per_second"] / b["per_second"] for a, b in pairs]
    p99 = [a["p99_us"] / b["p99_us"] for a, b in pairs]
    result = {
        "throughput_ratio": spread(throughput),
        "p99_ratio": spread(p99),
        "ours_per_second": spread([a["per_second"] for a, _ in pairs]),
        "floor_per_second": spread([b["per_second"] for _, b in pairs]),
        "ours_p99_ms": spread([a["p99_us"] / 1000 for a, _ in pairs]),
        "floor_p99_ms": spread([b["p99_us"] / 1000 for _, b in pairs]),
        "target": target,
        **extra,
    }
    result["met"] = (
        None
        if target is None
        else result["throughput_ratio"]["median"] >= target and result["p99_ratio"]["median"] <= P99_TARGET
    )
    return result


def write_lines(directory: Path, name: str, lines: list[str]) -> Path:
    path = directory / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def event_bodies(app, data: BenchData, count: int, per_request: int) -> list[str]:
    """`count` events for visitors of the running experiment, each for the variant the visitor
    is assigned (the API rejects any other), `per_request` to a request body."""
    with app.app_context():
        experiment = db.session.query(Experiment).filter_by(key=data.experiment).one()
        running = RunningExperiment.of(experiment)
    events = []
    for _ in range(count):
        visitor = f"v-{uuid.uuid4().hex[:12]}"
        variant, _ = variant_for(running, visitor)
        events.append(
            {
                "event_id": str(uuid.uuid4()),
                "type": "exposure",
                "experiment": running.key,
                "variant": variant.key,
                "visitor": visitor,
                "site": "clinic-austin",
            }
        )
    return [
        json.dumps({"events": events[start : start + per_request]}) for start in range(0, count, per_request)
    ]


def stored_events(app) -> int:
    """Events stored, once the requests wrk left in flight have been answered."""
    counts = [-1]
    while True:
        with app.app_context():
            counts.append(db.session.scalar(text("SELECT count(*) FROM events")))
        if counts[-1] == counts[-2]:
            return counts[-1]
        time.sleep(0.3)


def bench_events(server: Server, app, data: BenchData, work: Path, args) -> dict[str, Any]:
    """Events per second in batches of BATCH against the floor (the same kind of rows inserted
    in one executemany: bench.floors), and against one event per request; in alternating
    rounds, every run sending events never sent before, each of which must be stored."""
    files = {
        (kind, number): write_lines(
            work, f"{kind}-{number}.jsonl", event_bodies(app, data, int(count * args.seconds), per_request)
        )
        for kind, count, per_request, runs in (("single", 2_000, 1, 1), ("batch", 80_000, BATCH, 2))
        for number in range(args.rounds * runs)
    }
    rounds = {"single": iter(range(args.rounds)), "batch": iter(range(2 * args.rounds))}

    def run(kind: str, per_request: int):
        def one() -> dict[str, Any]:
            items = files[kind, next(rounds[kind])]
            before = stored_events(app)
            # As many connections as workers twice over: a sync worker takes one request at a time.
            summary = wrk(
                server.url, args.seconds, 2 * args.workers, method="POST", path="/v1/events", items=items
            )
            sent = summary["requests"] * per_request
            # Requests in flight when wrk stops are stored but not counted by wrk.
            in_flight = 2 * args.workers * per_request
            stored = stored_events(app) - before
            if (
                len(items.read_text().splitlines()) < summary["requests"]
                or not sent <= stored <= sent + in_flight
            ):
                raise SystemExit(f"{kind}: {sent} events sent, {stored} stored: each must be new and stored")
            summary["events_per_second"] = sent / summary["seconds"]
            return summary

        return one

    with app.app_context():
        experiment = db.session.query(Experiment).filter_by(key=data.experiment).one()
        running, experiment_id = RunningExperiment.of(experiment), experiment.id
        engine = db.engine

    def floor() -> dict[str, Any]:
        rows = floors.exposure_rows(running, experiment_id, FLOOR_EVENTS)
        return {"events_per_second": len(rows) / floors.insert_seconds(engine, rows)}

    pairs = ab_rounds(run("batch", BATCH), run("single", 1), args.rounds)
    floor_pairs = ab_rounds(run("batch", BATCH), floor, args.rounds)
    ratios = [a["events_per_second"] / b["events_per_second"] for a, b in pairs]
    over_floor = [a["events_per_second"] / b["events_per_second"] for a, b in floor_pairs]
    batch_rates = [a["events_per_second"] for a, _ in pairs + floor_pairs]
    return {
        "batch_over_floor": spread(over_floor),
        "floor_events_per_second": spread([b["events_per_second"] for _, b in floor_pairs]),
        "target_over_floor": 0.5,
        "batch_over_single": spread(ratios),
        "batch_events_per_second": spread(batch_rates),
        "single_events_per_second": spread([b["events_per_second"] for _, b in pairs]),
        "target_ratio": 20,
        "target_events_per_second": 10_000,
        "met": statistics.median(over_floor) >= 0.5,
    }


def bench_results_query(server: Server, app, data: BenchData, events: int) -> dict[str, Any]:
    """GET the experiment's results once `events` more events are stored: seconds taken."""
    with app.app_context():
        experiment = db.session.query(Experiment).filter_by(key=data.experiment).one()
        running = RunningExperiment.of(experiment)
        started = experiment.started_at
        visitors = [f"r-{number}" for number in range(events // 2)]
        arms = {visitor: variant_for(running, visitor)[0].key for visitor in visitors}
        rows = []
        for number, visitor in enumerate(visitors):
            for kind, name in (("exposure", None), ("conversion", "booking")):
                if kind == "conversion" and number % 10:
                    kind, name = "exposure", None  # one visitor in ten converts
                rows.append(
                    {
                        "event_id": f"r-{number}-{kind}-{len(rows)}",
                        "experiment_id": experiment.id,
                        "variant": arms[visitor],
                        "kind": kind,
                        "name": name,
                        "site": "clinic-austin",
                        "visitor": visitor,
                        "occurred_at": started,
                        "received_at": started,
                    }
                )
        db.session.close()  # its read would hold SQLite's write lock (service.app)
        with db.engine.begin() as connection:
            for start in range(0, len(rows), 20_000):
                connection.execute(insert(Event), rows[start : start + 20_000])
            stored = connection.execute(text("SELECT count(*) FROM events")).scalar_one()
    url = f"{server.url}/v1/manage/experiments/{data.experiment}/results"
    headers = {"Authorization": f"Bearer {data.admin_key}"}

    def timed() -> tuple[list[float], list[float]]:
        """The service's answer and the floor's statement, three times each, alternating."""
        pairs = ab_rounds(
            lambda: {"seconds": served_seconds()},
            lambda: {"seconds": floors.results_seconds(engine, experiment_id, goal, started)},
            3,
        )
        return [a["seconds"] for a, _ in pairs], [b["seconds"] for _, b in pairs]

    def served_seconds() -> float:
        started_at = time.perf_counter()
        httpx.get(url, headers=headers, timeout=120).raise_for_status()
        return time.perf_counter() - started_at

    with app.app_context():
        engine, experiment_id, goal = db.engine, experiment.id, experiment.goal
    fresh, fresh_floor = timed()
    # What autovacuum (PostgreSQL) does on its own within a minute of such a load; SQLite's
    # planner does as well without statistics, as the fresh figure shows.
    with app.app_context(), db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(
            text("VACUUM ANALYZE events" if connection.dialect.name == "postgresql" else "ANALYZE")
        )
    analysed, analysed_floor = timed()
    over_floor = statistics.median(analysed) / statistics.median(analysed_floor)
    return {
        "events": stored,
        "seconds_fresh": spread(fresh),
        "seconds": spread(analysed),
        "floor_seconds_fresh": spread(fresh_floor),
        "floor_seconds": spread(analysed_floor),
        "over_floor_fresh": statistics.median(fresh) / statistics.median(fresh_floor),
        "over_floor": over_floor,
        "target_over_floor": 1.5,
        "target_seconds": 2,
        "met": over_floor <= 1.5,
    }


def answering(url: str, process: subprocess.Popen) -> None:
    """Wait until a server started outside `serving` answers anything at `url`."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url} did not start:\n{process.stderr.read().decode()}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within 30 s")


def bench_stack(ours: Server, scenarios: list[Scenario], answers: dict, work: Path, args) -> dict[str, Any]:
    """The production stack (deploy/nginx.conf's micro-cache in front of `ours`) against nginx
    sending the same bytes as static files, for the public article and the list page."""
    measured = {file: next(s for s in scenarios if s.name == name) for name, file in STACK_FILES.items()}
    files = {file: answers[floor_key(scenario.path, scenario.headers)] for file, scenario in measured.items()}
    results = {}
    with (
        stack.production_stack(work, f"127.0.0.1:{ours.port}", free_port(), answering) as proxied,
        stack.static_limit(work, files, free_port(), answering) as static,
    ):
        for file, scenario in measured.items():

            def run(url: str, path: str, headers=scenario.headers) -> dict[str, Any]:
                return wrk(url, args.seconds, args.connections, path=path, headers=headers)

            pairs = ab_rounds(
                lambda path=scenario.path: run(proxied, path),
                lambda file=file: run(static, f"/{file}"),
                args.rounds,
            )
            results[scenario.name] = compare(pairs, STACK_TARGET, path=scenario.path)
    return results


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def worker_pid(server: Server) -> int:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text().split()
    return int(children[0])


def bench_memory(server: Server, data: BenchData, work: Path, args) -> dict[str, Any]:
    """One worker's resident memory over `args.memory_requests` requests spread over every
    article, both sites and many visitors, so the cache fills to its bound and churns."""
    urls = []
    for number in range(args.articles):
        slug = data.plain_slug if number == 0 else f"{data.plain_slug}-{number}"
        urls += [f"/v1/sites/{site}/articles/{slug}" for site in ("clinic-austin", "clinic-dallas")]
    urls += [f"/v1/sites/clinic-dallas/articles?page={page}" for page in range(1, 20)]
    # Popularity as on real sites (Zipf): a few pages are most of the traffic, the long tail
    # keeps the cache full and evicting; visitors of the experiment come and go.
    popular = random.Random(1).choices(urls, weights=[1 / rank for rank in range(1, len(urls) + 1)], k=50_000)
    visitors = [
        f"/v1/sites/clinic-austin/articles/{data.experiment_slug}?visitor=m-{n}" for n in range(10_000)
    ]
    paths = popular + visitors
    random.Random(2).shuffle(paths)
    items = write_lines(work, "memory-paths.txt", paths)
    pid = worker_pid(server)
    samples, done = [], 0
    while done < args.memory_requests:
        done += wrk(server.url, 5, 16, items=items)["requests"]
        samples.append({"requests": done, "rss_mib": rss_kib(pid) / 1024})
    warm = next(sample for sample in samples if sample["requests"] >= args.memory_requests // 10)
    growth = samples[-1]["rss_mib"] / warm["rss_mib"] - 1
    return {
        "requests": done,
        "distinct_urls": len(set(paths)),
        "rss_after_warm_up_mib": warm["rss_mib"],
        "rss_at_end_mib": samples[-1]["rss_mib"],
        "growth": growth,
        "samples": samples,
        "target_growth": 0.10,
        "met": growth <= 0.10,
    }


@contextmanager
def databases(url: str | None, work: Path):
    """Two empty databases, the benchmark's and a small one to compare list pages against:
    SQLite files under `work`, or two new databases on the PostgreSQL server `url` names."""
    if url is None:
        yield f"sqlite:///{work / 'bench.db'}", f"sqlite:///{work / 'small.db'}"
        return
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    names = ("cms_bench", "cms_bench_small")
    with server.connect() as connection:
        for name in names:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
            connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield tuple(make_url(url).set(database=name).render_as_string(hide_password=False) for name in names)
    finally:
        with server.connect() as connection:
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        server.dispose()


def settle(url: str) -> None:
    """After the bulk load, what the database would do on its own within a minute (PostgreSQL's
    autovacuum and checkpointer, SQLite's WAL checkpoint), done now: otherwise it runs during
    the first measurements, on the same two cores, and slows whichever side it lands on."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    statements = (
        ("VACUUM ANALYZE", "CHECKPOINT")
        if engine.dialect.name == "postgresql"
        else ("PRAGMA wal_checkpoint(TRUNCATE)",)
    )
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def machine(database_url: str, args) -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    engine = create_engine(database_url)
    with engine.connect() as connection:
        dialect = engine.dialect.name
        version = connection.execute(
            text("SELECT sqlite_version()" if dialect == "sqlite" else "SHOW server_version")
        ).scalar_one()
    engine.dispose()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "database": f"{dialect} {version}",
        "load_generator": " ".join(
            subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[:2]
        ),
        "server": "granian",
        "workers": args.workers,
        "connections": args.connections,
        "seconds_per_run": args.seconds,
        "rounds": args.rounds,
        "articles": args.articles,
    }


def check_floor_replays(floor: Server, answers: dict[str, Any]) -> None:
    """The floor must send the very bytes the service sent, or the ratios compare nothing."""
    with httpx.Client() as client:
        for key, answer in answers.items():
            path, if_none_match, accept_encoding = key.rsplit("|", 2)
            headers = {"If-None-Match": if_none_match, "Accept-Encoding": accept_encoding}
            replayed, body = raw_get(client, floor.url + path, {k: v for k, v in headers.items() if v})
            same = (replayed.status_code, sent_headers(replayed), base64.b64encode(body).decode()) == (
                answer["status"],
                answer["headers"],
                answer["body"],
            )
            if not same:
                raise SystemExit(f"the floor does not replay {path} exactly")


def print_delivery(report: dict[str, Any]) -> None:
    """The delivery figures of a `--only delivery` run, as RESULTS.md's table has them."""
    print(f"load average (1, 5, 15 min) at the end: {os.getloadavg()}")
    for name, result in report["delivery"].items():
        throughput, p99 = result["throughput_ratio"], result["p99_ratio"]
        print(
            f"{name}: {throughput['median']:.2f} ({throughput['min']:.2f}–{throughput['max']:.2f}) of the "
            f"floor, target {result['target']}; p99 {p99['median']:.2f} of the floor's; "
            f"{result['ours_per_second']['median']:,.0f} req/s; met: {result['met']}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=1000, help="generated articles (default 1000)")
    parser.add_argument("--database-url", help="a PostgreSQL server to create the databases on")
    parser.add_argument("--rounds", type=int, default=5, help="A/B rounds per figure (default 5)")
    parser.add_argument("--seconds", type=float, default=4, help="seconds per wrk run (default 4)")
    parser.add_argument("--connections", type=int, default=16, help="concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes per server (default 2)")
    parser.add_argument("--events", type=int, default=1_000_000, help="events for the results query")
    parser.add_argument("--memory-requests", type=int, default=100_000)
    parser.add_argument(
        "--only",
        choices=("delivery", "events"),
        help="only the delivery scenarios, or only event ingestion, against their floors: the "
        "figures printed, no results written",
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cms-bench-") as temporary, ExitStack() as stack:
        work = Path(temporary)
        main_url, small_url = stack.enter_context(databases(args.database_url, work))
        print(f"building databases: {args.articles} and {SMALL} articles", flush=True)
        app = create_app({"SQLALCHEMY_DATABASE_URI": main_url})
        data = build(app, args.articles)
        build(create_app({"SQLALCHEMY_DATABASE_URI": small_url}), SMALL)
        for url in (main_url, small_url):
            settle(url)

        def serve(name: str, url: str, **env: str) -> Server:
            return stack.enter_context(serving(name, "wsgi:app", args.workers, DATABASE_URL=url, **env))

        ours = serve("ours", main_url)
        if args.only == "events":
            print(json.dumps(bench_events(ours, app, data, work, args), indent=2))
            return
        uncached = serve("uncached", main_url, **UNCACHED)
        if not args.only:
            small, small_uncached = (
                serve("ours-small", small_url),
                serve("small-uncached", small_url, **UNCACHED),
            )
        scenarios = scenarios_for(data, ours.url)
        answers = capture(ours, scenarios)
        answers_file = work / "floor.json"
        answers_file.write_text(json.dumps(answers), encoding="utf-8")
        floor = stack.enter_context(
            serving("floor", "bench.floor:app", args.workers, FLOOR_RESPONSES=str(answers_file))
        )
        check_floor_replays(floor, answers)

        report: dict[str, Any] = {"machine": machine(main_url, args), "delivery": {}}
        for scenario in scenarios:
            print(f"delivery: {scenario.name}", flush=True)
            items = write_lines(work, "paths.txt", scenario.paths) if scenario.paths else None

            def run(server: Server, scenario=scenario, items=items) -> dict[str, Any]:
                return wrk(
                    server.url,
                    args.seconds,
                    args.connections,
                    path=scenario.path,
                    items=items,
                    headers=scenario.headers,
                )

            side = uncached if scenario.uncached else ours
            pairs = ab_rounds(lambda run=run, side=side: run(side), lambda run=run: run(floor), args.rounds)
            sent = answers[
                floor_key(scenario.paths[0] if scenario.paths else scenario.path, scenario.headers)
            ]
            report["delivery"][scenario.name] = compare(
                pairs, scenario.target, path=scenario.path, wire_bytes=sent["wire_bytes"]
            )

        if args.only:
            print_delivery(report)
            return

        print("the production stack (nginx's micro-cache) against nginx serving the bytes", flush=True)
        report["stack"] = bench_stack(ours, scenarios, answers, work, args)

        print(f"list page: {args.articles} articles against {SMALL}, cached and not", flush=True)
        list_path = next(scenario.path for scenario in scenarios if "articles?" in scenario.path)
        report["list_scaling"] = {"articles": args.articles, "against": SMALL, "target": 1.5}
        for name, big, little in (("cached", ours, small), ("uncached", uncached, small_uncached)):
            pairs = ab_rounds(
                lambda big=big: wrk(big.url, args.seconds, args.connections, path=list_path),
                lambda little=little: wrk(little.url, args.seconds, args.connections, path=list_path),
                args.rounds,
            )
            slowdown = spread([b["per_second"] / a["per_second"] for a, b in pairs])
            report["list_scaling"][name] = {"slowdown": slowdown, "met": slowdown["median"] <= 1.5}

        print("events: batches against one per request", flush=True)
        report["events"] = bench_events(ours, app, data, work, args)
        print(f"results of an experiment with {args.events:,} more events", flush=True)
        report["results_query"] = bench_results_query(ours, app, data, args.events)
        for server in (ours, small, uncached, small_uncached, floor):
            server.process.send_signal(signal.SIGTERM)
            server.process.wait(timeout=STOP_SECONDS)

        print(f"memory: one worker over {args.memory_requests:,} requests", flush=True)
        lone = stack.enter_context(serving("ours-memory", "wsgi:app", 1, DATABASE_URL=main_url))
        report["memory"] = bench_memory(lone, data, work, args)

    dialect = report["machine"]["database"].split()[0]
    out = ROOT / "bench" / f"results-{dialect}-{args.articles}.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    write_report(ROOT / "bench")
    print(f"wrote {out.relative_to(ROOT)} and bench/RESULTS.md", flush=True)


if __name__ == "__main__":
    main()
