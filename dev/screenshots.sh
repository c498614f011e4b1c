#!/usr/bin/env bash
# The pictures of the README and the manual, from the demo that `make run` serves (start it first, in another
# terminal). Arguments go to dev/screenshots.py, e.g. `bash dev/screenshots.sh --lang nb_NO`; another demo with
# `--base http://localhost:8171 --db my_demo` or KK_SCREENSHOT_BASE / KK_SCREENSHOT_DB (dev/screenshots.py).
set -euo pipefail
PROJECT_DIR=$(cd "$(dirname "$0")/.." && pwd)
missing=()
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
        echo "error: missing packages; install them with: sudo apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
fi
"$PROJECT_DIR/.venv/bin/python" -c 'import websocket' 2>/dev/null || {
    echo "error: the virtualenv lacks websocket-client; run make run once (it installs dev/requirements.txt)" >&2
    exit 1
}
exec "$PROJECT_DIR/.venv/bin/python" "$PROJECT_DIR/dev/screenshots.py" "$@"
