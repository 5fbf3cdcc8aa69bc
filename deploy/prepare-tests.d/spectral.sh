#!/usr/bin/env bash
# The OpenAPI lint test runs Stoplight Spectral from npm; installed once into the folder the test
# looks in (it installs it itself when missing, this only saves the first run the wait). Idempotent.
set -euo pipefail

version=6.16.3
folder="${XDG_CACHE_HOME:-$HOME/.cache}/keygrains/spectral-$version"
if [ -x "$folder/node_modules/.bin/spectral" ]; then
  exit 0
fi

mkdir -p "$folder"
npm install --prefix "$folder" --no-audit --no-fund --loglevel=error "@stoplight/spectral-cli@$version"
