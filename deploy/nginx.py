"""The reverse proxy in front of the service (deploy/web.py): deploy/nginx.conf filled in, and
nginx run with it.

    .venv/bin/python -m deploy.nginx --prefix /var/lib/cms-proxy --listen 0.0.0.0:8080 \\
        --upstream 127.0.0.1:8000

writes <prefix>/nginx.conf and runs nginx in the foreground (for systemd or a supervisor to
keep running); nginx's logs are in <prefix>/logs. The tests start it the same way.
"""

import argparse
import os
import pwd
import shutil
from pathlib import Path

from service.config import Config
from service.security import SECURITY_HEADERS

TEMPLATE = Path(__file__).with_name("nginx.conf")
# Debian installs nginx in /usr/sbin, which is not on every user's PATH.
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def render(listen: str, upstream: str) -> str:
    """The configuration for nginx listening on `listen` in front of the service at `upstream`."""
    values = {
        "CMS_LISTEN": listen,
        "CMS_UPSTREAM": upstream,
        "CMS_MAX_BODY": str(Config.MAX_CONTENT_LENGTH),
        "CMS_MAX_UPLOAD": str(Config.ASSET_MAX_BYTES),
        # nginx's own answers carry the headers the service puts on all of its own.
        "CMS_SECURITY_HEADERS": "\n".join(
            f'            add_header {name} "{value}" always;' for name, value in SECURITY_HEADERS
        ),
    }
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace(f"${{{name}}}", value)
    return text


def prepare(prefix: Path, listen: str, upstream: str, directives: str = "daemon off;") -> list[str]:
    """Write the configuration under `prefix`; the command that runs nginx with it (and the
    main-context `directives`: by default, in the foreground)."""
    if NGINX is None:
        raise FileNotFoundError("nginx is not installed (apt-get install nginx)")
    (prefix / "logs").mkdir(parents=True, exist_ok=True)
    (prefix / "temp").mkdir(exist_ok=True)
    (prefix / "cache").mkdir(exist_ok=True)  # the micro-cache's (proxy_cache_path)
    config = prefix / "nginx.conf"
    config.write_text(render(listen, upstream))
    return [
        NGINX,
        "-p",
        f"{prefix}/",
        "-c",
        str(config),
        "-e",
        str(prefix / "logs" / "error.log"),
        "-g",
        directives + workers_user(prefix),
    ]


def workers_user(prefix: Path) -> str:
    """Started as root, nginx's workers would run as nobody; this makes them run as the
    prefix's owner: the prefix is the one place they write (the micro-cache, bodies being
    buffered), and its owner the one user who surely may."""
    return f" user {pwd.getpwuid(prefix.stat().st_uid).pw_name};" if os.geteuid() == 0 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description="Run nginx in front of the service, in the foreground.")
    parser.add_argument(
        "--prefix", type=Path, required=True, help="directory for nginx's config, logs and temporary files"
    )
    parser.add_argument("--listen", default="0.0.0.0:8080", help="address nginx listens on")
    parser.add_argument("--upstream", default="127.0.0.1:8000", help="the service's address (its BIND)")
    options = parser.parse_args()
    command = prepare(options.prefix.resolve(), options.listen, options.upstream)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
