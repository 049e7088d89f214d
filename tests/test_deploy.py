"""deploy/systemd: the units for the web, the worker and the proxy, checked by systemd itself
(`systemd-analyze verify`) and run as their ExecStart= lines say, against this checkout: the
web answers through the proxy, each stops cleanly on its KillSignal, and the web's reload loses
no request."""

import configparser
import os
import shlex
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from deploy import nginx
from tests.servers import free_port, start

pytestmark = pytest.mark.servers
ROOT = Path(__file__).resolve().parents[1]
UNITS = ROOT / "deploy" / "systemd"
INSTALLED_AT = "/opt/cms"


def rendered(name: str, tmp_path: Path, replacements: dict[str, str] | None = None) -> Path:
    """The unit as installed from this checkout: its code here, no user to switch to, and the
    settings file optional (the tests' environment stands for it)."""
    text = (UNITS / name).read_text().replace(INSTALLED_AT, str(ROOT))
    text = text.replace("EnvironmentFile=/etc/cms/env", "EnvironmentFile=-/etc/cms/env")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("User="))
    for old, new in (replacements or {}).items():
        text = text.replace(old, new)
    path = tmp_path / name
    path.write_text(text)
    return path


def service_section(unit: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # keys as systemd spells them
    parser.read(unit)
    return parser["Service"]


def run(unit: Path, database_url: str, log: Path) -> tuple[subprocess.Popen, configparser.SectionProxy]:
    """ExecStart= in WorkingDirectory= with Environment=, as systemd would start it."""
    service = service_section(unit)
    environment = {**os.environ, "DATABASE_URL": database_url}
    for assignment in shlex.split(service.get("Environment", "")):
        name, _, value = assignment.partition("=")
        environment[name] = value
    with log.open("ab") as output:
        process = subprocess.Popen(
            shlex.split(service["ExecStart"]),
            cwd=service["WorkingDirectory"],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process, service


def stop(process: subprocess.Popen, service: configparser.SectionProxy) -> int:
    os.kill(process.pid, getattr(signal, service["KillSignal"]))
    return process.wait(timeout=int(service["TimeoutStopSec"]))


def answers(url: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} did not answer"
            time.sleep(0.2)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze on this machine")
@pytest.mark.parametrize("name", sorted(path.name for path in UNITS.glob("*.service")))
def test_systemd_finds_nothing_wrong_with_each_unit(name, tmp_path):
    checked = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(rendered(name, tmp_path))],
        capture_output=True,
        text=True,
    )
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_the_web_unit_serves_through_the_proxy_unit_and_both_stop_cleanly(database_url, published, tmp_path):
    if nginx.NGINX is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's nginx (see .ci/run) for the proxy unit")
        pytest.skip("no nginx on this machine (apt-get install nginx)")
    web_port, proxy_port = free_port(), free_port()
    ports = {"127.0.0.1:8000": f"127.0.0.1:{web_port}", "0.0.0.0:8080": f"127.0.0.1:{proxy_port}"}
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    web_unit = rendered("cms-web.service", tmp_path, ports | {"/run/cms-web/metrics": str(metrics)})
    proxy_unit = rendered(
        "cms-proxy.service", tmp_path, ports | {"/var/lib/cms-proxy": str(tmp_path / "proxy")}
    )
    web, web_service = run(web_unit, database_url, tmp_path / "web.log")
    try:
        assert answers(f"http://127.0.0.1:{web_port}/readyz").status_code == 200
        proxy, proxy_service = run(proxy_unit, database_url, tmp_path / "proxy.log")
        try:
            through = answers(f"http://127.0.0.1:{proxy_port}/readyz")
            assert through.status_code == 200 and through.json()["status"] == "ready"
            assert through.headers["X-Request-ID"]  # nginx made one, the service sent it back
        finally:
            assert stop(proxy, proxy_service) == 0
    finally:
        assert stop(web, web_service) == 0


def test_the_worker_unit_runs_and_stops_on_its_kill_signal(database_url, tmp_path):
    worker, service = run(rendered("cms-worker.service", tmp_path), database_url, tmp_path / "worker.log")
    log = tmp_path / "worker.log"
    deadline = time.monotonic() + 30
    while "Worker started" not in log.read_text():
        assert worker.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    assert stop(worker, service) == 0
    assert "Worker stopped after" in log.read_text()


def test_a_reload_replaces_the_worker_and_loses_no_request(database_url, published, tmp_path):
    """ExecReload= (SIGHUP) with one worker, the hardest case: requests keep coming, a new
    connection each as nginx opens them, and every one is answered while the worker is
    replaced. (granian alone reset the connections queued on the old worker's own socket, and
    stopped it 3.5 s after starting the new one, before that had built the app: deploy/web.py.)"""
    server = start(database_url, tmp_path / "server.log", workers=1)
    url = f"{server.url}/v1/articles/{published['slug']}"
    statuses: list[int | str] = []
    done = threading.Event()

    def ask() -> None:
        while not done.is_set():
            try:
                statuses.append(httpx.get(url, timeout=60).status_code)
            except httpx.HTTPError as error:
                statuses.append(repr(error))

    try:
        (before,) = workers_of(server.process.pid)
        client = threading.Thread(target=ask)
        client.start()
        time.sleep(1)
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 120
        while "Stopped old worker-1" not in server.log.read_text():
            assert time.monotonic() < deadline, "the worker was not replaced"
            time.sleep(0.2)
        (after,) = workers_of(server.process.pid)
        time.sleep(1)
        done.set()
        client.join(70)
    finally:
        done.set()
        server.stop()

    assert after != before
    assert len(statuses) > 20 and set(statuses) == {200}, [s for s in statuses if s != 200][:5]


def workers_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
