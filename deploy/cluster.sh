#!/usr/bin/env bash
# A local KeyGrains cluster on loopback: PostgreSQL (deploy/pg.sh), N src/Silo processes and a
# web API in Client mode that finds the silos through the PostgreSQL membership table.
#
#   deploy/cluster.sh up [N]     build, then start PostgreSQL, N silos (default 3) and the web API
#   deploy/cluster.sh status     what runs, and where
#   deploy/cluster.sh kill I     SIGKILL silo I (a failover drill); `up` starts it again
#   deploy/cluster.sh down       stop the web API, the silos and PostgreSQL (data stays)
#
# Settings: KG_CLUSTER_DIR (/tmp/keygrains-cluster: pids and logs), KG_HTTP_PORT (5080),
# KG_SILO_PORT (11111) and KG_GATEWAY_PORT (30000) for silo 1, +1 for each further silo,
# KG_CLUSTER_ID (keygrains), plus pg.sh's KG_PG_* settings.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${KG_CLUSTER_DIR:-/tmp/keygrains-cluster}"
http_port="${KG_HTTP_PORT:-5080}"
silo_port="${KG_SILO_PORT:-11111}"
gateway_port="${KG_GATEWAY_PORT:-30000}"
cluster_id="${KG_CLUSTER_ID:-keygrains}"
mkdir -p "$state"

alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop_pid() {
  local file="$1" pid
  alive "$file" || { rm -f "$file"; return 0; }
  pid="$(cat "$file")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$file"
}

# Environment shared by silos and the web API: the Operations table of the REST contract.
common_env() {
  export Storage__Provider=Postgres Clustering__Provider=Postgres
  export ConnectionStrings__Postgres="$1"
  export Orleans__ClusterId="$cluster_id" Orleans__ServiceId="$cluster_id"
  export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
}

start_silo() {
  local i="$1" cs="$2"
  alive "$state/silo-$i.pid" && return 0
  (
    common_env "$cs"
    export Orleans__SiloPort=$((silo_port + i - 1)) Orleans__GatewayPort=$((gateway_port + i - 1))
    cd "$root"
    setsid nohup dotnet src/Silo/bin/Debug/net10.0/KeyGrains.Silo.dll >>"$state/silo-$i.log" 2>&1 </dev/null &
    echo $! >"$state/silo-$i.pid"
  )
}

start_web() {
  local cs="$1"
  alive "$state/webapi.pid" && return 0
  (
    common_env "$cs"
    export Orleans__Mode=Client ASPNETCORE_URLS="http://127.0.0.1:$http_port"
    cd "$root"
    setsid nohup dotnet src/WebApi/bin/Debug/net10.0/KeyGrains.WebApi.dll >>"$state/webapi.log" 2>&1 </dev/null &
    echo $! >"$state/webapi.pid"
  )
}

status() {
  local f name
  echo "state and logs: $state"
  for f in "$state"/silo-*.pid "$state"/webapi.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if alive "$f"; then echo "  $name: pid $(cat "$f") running, log $state/$name.log"; else echo "  $name: stopped"; fi
  done
}

up() {
  local n="${1:-3}" cs i
  cs="$("$root/deploy/pg.sh" start)"
  echo "$cs" >"$state/postgres.url"
  dotnet build "$root/src/Silo" --verbosity quiet -nologo >/dev/null
  dotnet build "$root/src/WebApi" --verbosity quiet -nologo >/dev/null \
    || echo "cluster.sh: the web API does not build yet; starting the silos only" >&2
  for i in $(seq 1 "$n"); do start_silo "$i" "$cs"; done
  [[ -f "$root/src/WebApi/bin/Debug/net10.0/KeyGrains.WebApi.dll" ]] && start_web "$cs"
  echo "PostgreSQL: $cs"
  for i in $(seq 1 "$n"); do
    echo "silo $i: silo port $((silo_port + i - 1)), gateway port $((gateway_port + i - 1))"
  done
  echo "web API (Client mode): http://127.0.0.1:$http_port"
  status
}

down() {
  local f
  stop_pid "$state/webapi.pid"
  for f in "$state"/silo-*.pid; do [[ -e "$f" ]] && stop_pid "$f"; done
  "$root/deploy/pg.sh" stop
  echo "stopped; logs stay in $state"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  kill) f="$state/silo-${2:?which silo}.pid"; alive "$f" && kill -KILL "$(cat "$f")" && rm -f "$f" && echo "silo $2 killed" ;;
  *) echo "usage: $0 up [N] | status | kill I | down" >&2; exit 2 ;;
esac
