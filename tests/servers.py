"""Real servers for tests that need processes: the API under granian with the production
settings (deploy/web.py), on a free port, against a database the test names; nginx in front of it
with the production configuration (deploy/nginx.py); and a Redis of a test's own, to kill
and start again (never the shared one)."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import redis

from deploy import nginx, web

ROOT = Path(__file__).resolve().parents[1]
# Debian's chromium, which the browser tests drive (CI installs it: see .ci/run).
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# What tests send as a person's browser: headless Chromium's own ("HeadlessChrome") and
# httpx's are on the bot list, and a bot is assigned nothing (service/content/bots.py).
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
# The server's own stop: its workers finish their requests, or are killed (deploy.web.STOP_SECONDS).
STOP_SECONDS = web.STOP_SECONDS + 15
# A worker builds the app before it answers: 6 s of CPU, and much longer on a busy host.
START_SECONDS = 60


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def kill(self) -> None:
        """SIGKILL to the master and its workers at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_SECONDS)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=STOP_SECONDS)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(database_url: str, log: Path, workers: int = 2, **env: str) -> Server:
    port = free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        **env,
    }
    process = _spawn([sys.executable, "-m", "deploy.web"], log, environment)
    return _answering(Server(f"http://127.0.0.1:{port}", process, log, env), log)


def start_nginx(upstream: Server, prefix: Path) -> Server:
    """nginx in front of `upstream`, on a free port; its config, logs and temporary files under
    `prefix` (the server's log is nginx's access log; error.log is beside it). Without nginx
    the test is skipped, except in CI, which installs it (.ci/run)."""
    if nginx.NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's nginx (see .ci/run) for the reverse-proxy tests")
        pytest.skip("no nginx on this machine (apt-get install nginx): the reverse proxy is not tested")
    port = free_port()
    # (Under root, prepare has nginx's workers run as the prefix's owner: pytest's tmp_path is
    # private, nobody could not reach it.)
    command = nginx.prepare(prefix, f"127.0.0.1:{port}", upstream.url.removeprefix("http://"))
    errors = prefix / "logs" / "error.log"
    process = _spawn(command, errors, dict(os.environ))
    return _answering(Server(f"http://127.0.0.1:{port}", process, prefix / "logs" / "access.log"), errors)


def _spawn(command: list[str], output: Path, environment: dict[str, str]) -> subprocess.Popen:
    with output.open("ab") as file:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment,
            stdout=file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, killed as one
        )


def _answering(server: Server, output: Path) -> Server:
    """`server` once it answers HTTP; its output in the error if it never does."""
    name = "deploy.web" if "deploy.web" in server.process.args else Path(server.process.args[0]).name
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{name} did not start:\n{output.read_text()}")
        try:
            httpx.get(f"{server.url}/openapi.json", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} did not answer within {START_SECONDS} s:\n{output.read_text()}")


@dataclass
class RedisServer:
    """redis-server on `port`, keeping nothing on disk (--save ''), started and killed by PID."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.kill()
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
