#!/usr/bin/env bash
# Install Threadguard with its training and test extras.
# torch comes first and pinned: this exact pin installs a local CPU wheel; any other spec
# would pull several GB of CUDA packages.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet torch==2.13.0
python3 -m pip install --quiet -e '.[train,dev]'
# The label store's PostgreSQL tests start a throwaway server with initdb/pg_ctl; without them
# those tests are skipped, so a failed install only warns.
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        apt-get install -y -qq postgresql >/dev/null 2>&1 \
            || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq postgresql >/dev/null 2>&1; } \
            || echo "setup.sh: could not install postgresql; the PostgreSQL label store tests will be skipped" >&2
    else
        echo "setup.sh: no PostgreSQL binaries (initdb, pg_ctl); the PostgreSQL label store tests will be skipped" >&2
    fi
fi
# `threadguard moderate --engine ray` needs Ray Data (the [ray] extra); its test skips without it.
python3 -c "import ray.data" >/dev/null 2>&1 || python3 -m pip install --quiet 'ray[data]>=2.40' \
    || echo "setup.sh: could not install Ray; the --engine ray test will be skipped" >&2
# The report test drives Debian's Chromium through Playwright (the dev extra); never `playwright install`.
# The review page test (tests/test_review_page.py) uses the same Chromium and skips without it.
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        export DEBIAN_FRONTEND=noninteractive
        { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; } \
            || echo "setup.sh: could not install chromium; the report's browser test will be skipped" >&2
    else
        echo "setup.sh: no /usr/bin/chromium; the report's browser test will be skipped" >&2
    fi
fi
