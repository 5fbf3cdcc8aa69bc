#!/usr/bin/env bash
# Runs the HTTP benchmark scenarios and writes docs/benchmarks.md and docs/benchmarks.json.
# Installs wrk, redis-server and PostgreSQL from Debian's packages when missing (run as root). Extra arguments
# go to the suite: --rounds 5 --seconds 5 --keys 10000 --connections 32 --threads 2
# --scale 1000,100000,1000000 --topology-only (scenario 3 alone, with its mutual TLS variant:
# printed, docs untouched; see HttpSuite.cs) --hotpath-keys 1000,100000 --hotpath-variants (also nodes with workstation GC, non-concurrent server GC and
# socket completions queued to the thread pool and hill climbing, .NET's defaults) --hotpath-only (the hot path
# against its floors alone, HotPathSuite.cs: its section of docs/benchmarks.md replaced, the rest kept). Run it on a quiet machine: nothing else busy.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

if ! command -v redis-server >/dev/null 2>&1; then
  apt-get install -y redis-server >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y redis-server >/dev/null; }
fi

bash deploy/pg.sh start >/dev/null
postgres="$(bash deploy/pg.sh url)"

dotnet build KeyGrains.sln --configuration Release --verbosity quiet -warnaserror >/dev/null
dotnet tests/KeyGrains.Benchmarks/bin/Release/net10.0/KeyGrains.Benchmarks.dll http --postgres "$postgres" "$@"
