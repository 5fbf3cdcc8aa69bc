#!/usr/bin/env bash
# A local KeyGrains cluster on loopback: PostgreSQL (deploy/pg.sh), N src/Silo processes and a
# web API in Client mode that finds the silos through the PostgreSQL membership table. Silos and
# the web API speak mutual TLS with certificates from a throwaway CA made once in KG_CLUSTER_DIR/tls.
#
#   deploy/cluster.sh up [N]     build, then start PostgreSQL, N silos (default 3) and the web API;
#                                waits until the silos joined and the web API is ready
#   deploy/cluster.sh status     what runs, where, and the membership table
#   deploy/cluster.sh kill I     SIGKILL silo I (a failover drill); `up` starts it again
#   deploy/cluster.sh down       stop the web API, the silos and PostgreSQL (data stays)
#
# Settings: KG_CLUSTER_DIR (/tmp/keygrains-cluster: pids, logs, operator token), KG_HTTP_PORT
# (5080), KG_SILO_PORT (11111) and KG_GATEWAY_PORT (30000) for silo 1, +1 for each further silo,
# KG_SILO_ADDRESS (127.0.0.1: what the silos advertise and listen on), KG_CLUSTER_ID (keygrains),
# KG_CONFIGURATION (Release), KG_TLS (1; 0 runs on plain TCP with Orleans__Tls__Disabled=true),
# Authority__OperatorToken (else one is generated once and kept in
# KG_CLUSTER_DIR/operator.token), plus pg.sh's KG_PG_* settings.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${KG_CLUSTER_DIR:-/tmp/keygrains-cluster}"
http_port="${KG_HTTP_PORT:-5080}"
silo_port="${KG_SILO_PORT:-11111}"
gateway_port="${KG_GATEWAY_PORT:-30000}"
cluster_id="${KG_CLUSTER_ID:-keygrains}"
configuration="${KG_CONFIGURATION:-Release}"
silo_dll="$root/src/Silo/KeyGrains.Silo/bin/$configuration/net10.0/KeyGrains.Silo.dll"
web_dll="$root/src/WebApi/bin/$configuration/net10.0/KeyGrains.WebApi.dll"
mkdir -p "$state"

tls="${KG_TLS:-1}"

say() { echo "cluster.sh: $*" >&2; }
# alive, stop_pid, wait_for, operator_token
source "$root/deploy/lib/processes.sh"

# A throwaway CA and one certificate per node, made once per state dir; every node trusts only this CA.
# To rotate: delete $state/tls and run `down` then `up` (all nodes get new files from a new CA).
make_certificates() {
  local dir="$state/tls" name
  command -v openssl >/dev/null || { apt-get install -y openssl >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y openssl >/dev/null; }; }
  mkdir -p "$dir"
  if [[ ! -s "$dir/ca.pem" ]]; then
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key")
    openssl req -x509 -new -key "$dir/ca.key" -subj "/CN=KeyGrains cluster.sh CA" -days 30 -sha256 \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.pem" 2>/dev/null
  fi
  for name in "$@"; do
    [[ -s "$dir/$name.pem" ]] && continue
    (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$dir/$name.key")
    openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr" 2>/dev/null
    openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 30 -sha256 \
      -extfile <(printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost") -out "$dir/$name.pem" 2>/dev/null
    rm -f "$dir/$name.csr"
  done
}

# Orleans__Tls__* for one node, or TLS switched off out loud (a PostgreSQL cluster refuses to start open).
tls_env() {
  if [[ "$tls" == 0 ]]; then export Orleans__Tls__Disabled=true; return; fi
  export Orleans__Tls__CertificatePath="$state/tls/$1.pem" Orleans__Tls__KeyPath="$state/tls/$1.key" Orleans__Tls__CaPath="$state/tls/ca.pem"
}

# The operator credential the web API is given: the caller's, or one generated once for this state dir.
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
    export Orleans__AdvertisedIPAddress="${KG_SILO_ADDRESS:-127.0.0.1}"
    tls_env "silo-$i"
    cd "$state"
    setsid nohup dotnet "$silo_dll" >>"$state/silo-$i.log" 2>&1 </dev/null &
    echo $! >"$state/silo-$i.pid"
  )
}

start_web() {
  local cs="$1" token="$2"
  alive "$state/webapi.pid" && return 0
  (
    common_env "$cs"
    export Orleans__Mode=Client Authority__OperatorToken="$token"
    tls_env webapi
    cd "$state"
    setsid nohup dotnet "$web_dll" --urls "http://127.0.0.1:$http_port" >>"$state/webapi.log" 2>&1 </dev/null &
    echo $! >"$state/webapi.pid"
  )
}

# Silos this cluster id has as Active (status 3) in the membership table.
active_silos() {
  "$root/deploy/pg.sh" psql -tAc \
    "SELECT count(*) FROM orleans_membership WHERE deployment_id = '$cluster_id' AND status = 3" 2>/dev/null || echo 0
}

silos_joined() { [[ "$(active_silos)" -ge "$1" ]]; }

web_ready() { curl -fsS -o /dev/null "http://127.0.0.1:$http_port/health/ready" 2>/dev/null; }

status() {
  local f name
  echo "state and logs: $state"
  for f in "$state"/silo-*.pid "$state"/webapi.pid; do
    [[ -e "$f" ]] || continue
    name="$(basename "$f" .pid)"
    if alive "$f"; then echo "  $name: pid $(cat "$f") running, log $state/$name.log"; else echo "  $name: stopped"; fi
  done
  if "$root/deploy/pg.sh" status; then
    echo "membership ($cluster_id; status 3 = Active, 6 = Dead):"
    "$root/deploy/pg.sh" psql -c \
      "SELECT address, port, generation, silo_name, status, proxy_port AS gateway, i_am_alive_time
         FROM orleans_membership WHERE deployment_id = '$cluster_id' ORDER BY status, port, generation"
  else
    echo "PostgreSQL: stopped"
  fi
  if web_ready; then echo "web API: http://127.0.0.1:$http_port ready"; else echo "web API: not ready"; fi
}

up() {
  local n="${1:-3}" cs token i
  cs="$("$root/deploy/pg.sh" start)"
  echo "$cs" >"$state/postgres.url"
  dotnet build "$root/src/Silo/KeyGrains.Silo" -c "$configuration" --verbosity quiet -nologo >/dev/null
  dotnet build "$root/src/WebApi" -c "$configuration" --verbosity quiet -nologo >/dev/null
  token="$(operator_token)"
  [[ "$tls" == 0 ]] || make_certificates webapi $(for i in $(seq 1 "$n"); do echo "silo-$i"; done)
  for i in $(seq 1 "$n"); do start_silo "$i" "$cs"; done
  # The client reads its gateways from the membership table once at start: let the silos join first.
  wait_for "$n silos joining" 60 silos_joined "$n"
  start_web "$cs" "$token"
  wait_for "the web API answering /health/ready" 60 web_ready
  echo "PostgreSQL: $cs"
  for i in $(seq 1 "$n"); do
    echo "silo $i: silo port $((silo_port + i - 1)), gateway port $((gateway_port + i - 1))"
  done
  echo "web API (Client mode): http://127.0.0.1:$http_port"
  if [[ "$tls" == 0 ]]; then echo "TLS between nodes: off (KG_TLS=0)"; else echo "TLS between nodes: mutual, CA $state/tls/ca.pem"; fi
  echo "operator token: $token"
  status
}

down() {
  local f
  stop_pid "$state/webapi.pid"
  for f in "$state"/silo-*.pid; do [[ -e "$f" ]] && stop_pid "$f"; done
  "$root/deploy/pg.sh" stop
  echo "stopped; logs stay in $state"
}

kill_silo() {
  local f="$state/silo-$1.pid"
  alive "$f" || { say "silo $1 is not running"; return 1; }
  kill -KILL "$(cat "$f")"
  rm -f "$f"
  echo "silo $1 killed"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  status) status ;;
  kill) kill_silo "${2:?which silo}" ;;
  *) echo "usage: $0 up [N] | status | kill I | down" >&2; exit 2 ;;
esac
