#!/usr/bin/env bash
# Runs the cluster-topology benchmark and writes docs/benchmarks-cluster.md: one co-hosted node
# against each node of a three-node co-hosted cluster and a Client-mode web API, on PostgreSQL.
# Installs wrk and PostgreSQL from Debian's packages when missing (run as root). Extra arguments go
# to the suite: --rounds 3 --seconds 5 --keys 10000 --connections 32 --threads 2.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

bash deploy/pg.sh start >/dev/null
postgres="$(bash deploy/pg.sh url)"

dotnet build KeyGrains.sln --configuration Release --verbosity quiet -warnaserror >/dev/null
dotnet tests/KeyGrains.Benchmarks/bin/Release/net10.0/KeyGrains.Benchmarks.dll cluster --postgres "$postgres" "$@"
