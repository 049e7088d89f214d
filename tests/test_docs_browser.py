"""The docs browser, opened in real headless Chromium with every outside host unreachable."""

import os
import subprocess

import pytest

from service.docs import SWAGGER_UI_DIST
from tests.servers import CHROMIUM


def rendered_dom(url: str, profile: str) -> str:
    """The page's DOM after its scripts ran, with DNS answering nothing but 127.0.0.1,
    so anything fetched from a CDN would fail."""
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--virtual-time-budget=20000",
        "--dump-dom",
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


@pytest.mark.browser
def test_the_docs_page_lists_the_operations_offline(live_server, published, tmp_path):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium (see .ci/run) to test the docs page")
        pytest.skip("no Chromium on this machine (apt-get install chromium): docs page not opened")

    dom = rendered_dom(f"{live_server}/docs", str(tmp_path / "profile"))

    assert "swagger-ui" in dom
    assert "List published articles" in dom
    assert "Get a published article by slug" in dom
    assert "/v1/articles/{slug}" in dom


def test_the_docs_page_loads_nothing_from_outside(client):
    page = client.get("/docs").get_data(as_text=True)
    assert "http://" not in page and "https://" not in page
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "swagger-ui-standalone-preset.js"):
        response = client.get(f"/docs/assets/{asset}")
        assert response.status_code == 200 and len(response.data) > 1000


def test_the_bundled_swagger_ui_reads_the_specs_openapi_version(client):
    """Swagger UI reads OpenAPI 3.0 from version 3 on, and 3.1 from version 5 on."""
    major = int((SWAGGER_UI_DIST / "VERSION").read_text().strip().lstrip("v").split(".")[0])
    openapi = client.get("/openapi.json").json["openapi"]
    assert major >= (5 if openapi.startswith("3.1") else 3)
