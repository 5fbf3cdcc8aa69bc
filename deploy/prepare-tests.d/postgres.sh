#!/usr/bin/env bash
# The cluster tests need PostgreSQL: install and start it before the build, outside any test timeout.
set -euo pipefail
bash "$(dirname "$0")/../pg.sh" start >/dev/null
