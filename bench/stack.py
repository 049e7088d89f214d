"""The whole production stack (nginx with its micro-cache in front of the service, as
deploy/nginx.conf ships it) against the limit: nginx serving the same bytes as static files."""

import base64
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from deploy import nginx

STATIC_CONFIG = """
worker_processes auto;
pid nginx.pid;
error_log logs/error.log crit;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path temp/body;
    proxy_temp_path temp/proxy;
    fastcgi_temp_path temp/fastcgi;
    uwsgi_temp_path temp/uwsgi;
    scgi_temp_path temp/scgi;
    server {{
        listen {listen};
        root {root};
        default_type application/json;
        location / {{ add_header Content-Encoding {coding}; }}
    }}
}}
"""


@contextmanager
def running(
    command: list[str], url: str, wait_until_up: Callable[[str, subprocess.Popen], None]
) -> Iterator[str]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def production_stack(work: Path, upstream: str, port: int, wait_until_up) -> Iterator[str]:
    """deploy/nginx.conf in front of the service at `upstream` (host:port), on `port`."""
    command = nginx.prepare(work / "stack", f"127.0.0.1:{port}", upstream)
    with running(command, f"http://127.0.0.1:{port}", wait_until_up) as url:
        yield url


@contextmanager
def static_limit(work: Path, answers: dict[str, dict[str, Any]], port: int, wait_until_up) -> Iterator[str]:
    """nginx serving each answer's bytes (all in one coding) as a file at /<name>."""
    prefix = work / "static"
    for directory in ("logs", "temp", "files"):
        (prefix / directory).mkdir(parents=True, exist_ok=True)
    codings = {answer["headers"].get("content-encoding") for answer in answers.values()}
    if len(codings) != 1 or None in codings:
        raise SystemExit(f"the static limit serves answers in one coding, not {codings}")
    for name, answer in answers.items():
        (prefix / "files" / name).write_bytes(base64.b64decode(answer["body"]))
    config = prefix / "nginx.conf"
    config.write_text(
        STATIC_CONFIG.format(listen=f"127.0.0.1:{port}", root=prefix / "files", coding=codings.pop())
    )
    command = [
        nginx.NGINX,
        "-p",
        f"{prefix}/",
        "-c",
        str(config),
        "-g",
        "daemon off;" + nginx.workers_user(prefix),
    ]
    with running(command, f"http://127.0.0.1:{port}", wait_until_up) as url:
        yield url
