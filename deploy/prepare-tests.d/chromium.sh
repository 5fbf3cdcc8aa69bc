#!/usr/bin/env bash
# The console's browser tests drive Debian's chromium through Playwright; browser downloads do
# not work on these machines, so the distribution's package is the browser. Idempotent.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# The package lists may be missing or stale on a fresh machine; refresh them once, then retry.
if ! apt-get install -y --no-install-recommends chromium fonts-dejavu-core; then
  apt-get update
  apt-get install -y --no-install-recommends chromium fonts-dejavu-core
fi
