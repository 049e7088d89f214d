#!/usr/bin/env bash
# A newcomer's first minutes: `git clone`, then `make run`, timed to the first answer.
#
#   bench/fresh_clone.sh [REPOSITORY]     (default: this checkout's committed HEAD)
#
# Clones into a new temporary directory (its own virtualenv, SQLite database and port), with
# pip's and uv's caches off, so every package is fetched and installed as on a new machine. Prints the
# seconds from the clone to the first 200 from /livez, the same for /readyz and the seed
# article, and the virtualenv's size; then stops the server (its process group only).
set -euo pipefail
source="${1:-$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)}"
work="$(mktemp -d /tmp/cms-fresh-clone.XXXXXX)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export PIP_NO_CACHE_DIR=1 UV_NO_CACHE=1 BIND="127.0.0.1:$port"

start=$(date +%s.%N)
git clone --quiet "$source" "$work/cms"
cloned=$(date +%s.%N)
cd "$work/cms"
setsid make run >"$work/make-run.log" 2>&1 &
server=$!
trap 'kill -TERM -- -"$server" 2>/dev/null || true' EXIT

until curl -sf "http://$BIND/livez" >/dev/null; do
  if ! kill -0 "$server" 2>/dev/null; then
    echo "make run stopped before answering:"; tail -20 "$work/make-run.log"; exit 1
  fi
  sleep 0.2
done
live=$(date +%s.%N)
curl -sf "http://$BIND/readyz" >/dev/null
curl -sf "http://$BIND/v1/articles/are-all-types-of-back-pain-treatable-with-stem-cells" >/dev/null

seconds() { python3 -c "print(f'{$2 - $1:.1f}')"; }
echo "clone:                       $(seconds "$start" "$cloned") s"
echo "clone to first answer:       $(seconds "$start" "$live") s   (make run: venv, pip, migrate, seed, granian)"
echo "packages installed:          $(.venv/bin/pip list --format=freeze 2>/dev/null | wc -l)"
echo "virtualenv:                  $(du -sh .venv | cut -f1)"
echo "(in $work; remove it when done)"
