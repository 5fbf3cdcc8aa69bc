#!/usr/bin/env bash
# Regions on loopback: region i (a, b, c, ...) has its own PostgreSQL (wal_level=logical) and its own
# Orleans cluster (one co-hosted web API node, cluster id region-NAME), all with one service id, so the
# primary's grain state rows are the rows a replica's grains read. The primary publishes them
# (deploy/regions/publisher.sql); every replica subscribes (deploy/regions/subscriber.sql).
#
#   deploy/regions.sh up [N]        start N regions (default 2); region a is the primary
#   deploy/regions.sh status        processes, subscriptions, lag
#   deploy/regions.sh down          stop every region and delete its data (every up starts afresh)
#   deploy/regions.sh partition X   cut replica X from the primary (its subscription and its forwarding)
#   deploy/regions.sh heal X        restore replica X's link
#   deploy/regions.sh promote X     make replica X the primary (the old primary is stopped: it is taken as lost)
#
# Writes ${KG_REGIONS_DIR:-/tmp/keygrains-regions}/regions.json. Settings: KG_REGIONS_DIR,
# KG_REGIONS_PG_PORT (55440: region i's PostgreSQL is +i), KG_REGIONS_HTTP_PORT (5180: web API +i),
# KG_REGIONS_SILO_PORT (11300), KG_REGIONS_GATEWAY_PORT (30300), KG_CONFIGURATION (Release).
# Any Regions__*, Verification__* or other setting in the environment reaches every web API; a file
# KG_REGIONS_DIR/NAME.env (lines of `export X=Y`) adds settings for region NAME alone.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="${KG_REGIONS_DIR:-/tmp/keygrains-regions}"
pg_base="${KG_REGIONS_PG_PORT:-55440}"
http_base="${KG_REGIONS_HTTP_PORT:-5180}"
silo_base="${KG_REGIONS_SILO_PORT:-11300}"
gateway_base="${KG_REGIONS_GATEWAY_PORT:-30300}"
configuration="${KG_CONFIGURATION:-Release}"
web_dll="$root/src/WebApi/bin/$configuration/net10.0/KeyGrains.WebApi.dll"
service_id=keygrains-regions
mkdir -p "$state"

say() { echo "regions.sh: $*" >&2; }
# alive, stop_pid, wait_for, operator_token
source "$root/deploy/lib/processes.sh"

names() { local n; n="$(cat "$state/count" 2>/dev/null || echo 0)"; for i in $(seq 1 "$n"); do printf "\\x$(printf %x $((96 + i)))\n"; done; }
index_of() { local c="$1"; [[ "$c" =~ ^[a-z]$ ]] || { say "no region '$c'"; exit 2; }; echo $(( $(printf %d "'$c") - 96 )); }
pg_port() { echo $((pg_base + $(index_of "$1"))); }
http_port() { echo $((http_base + $(index_of "$1"))); }
url() { echo "http://127.0.0.1:$(http_port "$1")"; }
primary() { cat "$state/primary"; }
pg() { local name="$1"; shift; KG_PG_PORT="$(pg_port "$name")" KG_PG_DIR="$state/pg-$name" "$root/deploy/pg.sh" "$@"; }
sql() { pg "$1" psql -v ON_ERROR_STOP=1 -tA "${@:2}"; }
subscription() { echo "kg_region_${1//-/_}"; }

# PostgreSQL with logical replication on: pg.sh's server, with wal_level set once (it needs a restart).
start_pg() {
  local name="$1"
  pg "$name" start >/dev/null
  if [[ "$(sql "$name" -c 'SHOW wal_level')" != logical ]]; then
    sql "$name" -c "ALTER SYSTEM SET wal_level = logical" >/dev/null
    # A subscription enabled again (heal) restarts its worker after this, not after the default 5 s.
    sql "$name" -c "ALTER SYSTEM SET wal_retrieve_retry_interval = '200ms'" >/dev/null
    pg "$name" stop
    pg "$name" start >/dev/null
  fi
}

start_web() {
  local name="$1" p; p="$(primary)"
  alive "$state/$name.pid" && return 0
  local i; i="$(index_of "$name")"
  (
    export Storage__Provider=Postgres Clustering__Provider=Postgres
    export ConnectionStrings__Postgres="$(pg "$name" url)"
    export Orleans__ClusterId="region-$name" Orleans__ServiceId="$service_id"
    export Orleans__SiloPort=$((silo_base + i)) Orleans__GatewayPort=$((gateway_base + i)) Orleans__AdvertisedIPAddress=127.0.0.1
    # One node per region on loopback: no other node to authenticate.
    export Orleans__Tls__Disabled=true
    export Authority__OperatorToken="$(operator_token)"
    export Regions__Name="$name" Regions__Primary="$p"
    if [[ "$name" != "$p" ]]; then export Regions__PrimaryUrl="$(url "$p")"; else unset Regions__PrimaryUrl; fi
    export DOTNET_ENVIRONMENT=Production ASPNETCORE_ENVIRONMENT=Production
    # shellcheck disable=SC1090
    [[ -f "$state/$name.env" ]] && source "$state/$name.env"
    cd "$state"
    setsid nohup dotnet "$web_dll" --urls "$(url "$name")" >>"$state/$name.log" 2>&1 </dev/null &
    echo $! >"$state/$name.pid"
  )
}

ready() { curl -fsS -o /dev/null "$(url "$1")/health/ready" 2>/dev/null; }
synced() { [[ "$(sql "$1" -c "SELECT count(*) FROM pg_subscription_rel WHERE srsubstate <> 'r'")" == 0 && -n "$(sql "$1" -c "SELECT 1 FROM pg_subscription_rel LIMIT 1")" ]]; }

# A replica subscribes to the primary; the subscription names the region and its URL to the primary (GET /v1/regions there).
subscribe() {
  local name="$1" p="$2" copy="$3" sub; sub="$(subscription "$name")"
  sql "$name" -f "$root/deploy/regions/subscriber.sql" >/dev/null
  [[ -n "$(sql "$name" -c "SELECT 1 FROM pg_subscription WHERE subname = '$sub'")" ]] && return 0
  sql "$name" -c "CREATE SUBSCRIPTION $sub
    CONNECTION 'host=127.0.0.1 port=$(pg_port "$p") dbname=keygrains user=postgres application_name=''kg-region $name $(url "$name")'''
    PUBLICATION keygrains_regions WITH (copy_data = $copy)" >/dev/null
}

# Ends a subscription even when its publisher is gone (then the slot there is left to whoever brings it back).
unsubscribe() {
  local name="$1" sub; sub="$(subscription "$1")"
  [[ -z "$(sql "$name" -c "SELECT 1 FROM pg_subscription WHERE subname = '$sub'")" ]] && return 0
  sql "$name" -c "ALTER SUBSCRIPTION $sub DISABLE" >/dev/null
  sql "$name" -c "ALTER SUBSCRIPTION $sub SET (slot_name = NONE)" >/dev/null
  sql "$name" -c "DROP SUBSCRIPTION $sub" >/dev/null
}

write_json() {
  local p name first=1; p="$(primary)"
  {
    printf '{ "operatorToken": "%s", "regions": [' "$(operator_token)"
    for name in $(names); do
      [[ $first == 1 ]] || printf ','
      first=0
      printf ' { "name": "%s", "primary": %s, "url": "%s" }' "$name" "$([[ $name == "$p" ]] && echo true || echo false)" "$(url "$name")"
    done
    printf ' ] }\n'
  } >"$state/regions.json.tmp"
  mv "$state/regions.json.tmp" "$state/regions.json"
}

up() {
  local n="${1:-2}" name
  [[ "$n" -ge 1 && "$n" -le 26 ]] || { say "N must be 1 to 26"; exit 2; }
  [[ -f "$web_dll" ]] || dotnet build "$root/src/WebApi" -c "$configuration" --verbosity quiet -nologo >/dev/null
  echo "$n" >"$state/count"
  [[ -s "$state/primary" ]] || echo a >"$state/primary"
  local p; p="$(primary)"
  for name in $(names); do start_pg "$name"; done
  sql "$p" -f "$root/deploy/regions/publisher.sql" >/dev/null
  start_web "$p"
  wait_for "region $p answering /health/ready" 90 ready "$p"
  # The operator grain writes the token's hash on first use: in the primary, before replicas copy it.
  curl -fsS -o /dev/null -H "Authorization: Bearer $(operator_token)" "$(url "$p")/v1/regions"
  for name in $(names); do [[ "$name" == "$p" ]] || subscribe "$name" "$p" true; done
  for name in $(names); do [[ "$name" == "$p" ]] || wait_for "region $name's first copy" 60 synced "$name"; done
  for name in $(names); do [[ "$name" == "$p" ]] || start_web "$name"; done
  for name in $(names); do wait_for "region $name answering /health/ready" 90 ready "$name"; done
  write_json
  cat "$state/regions.json"
}

status() {
  local name
  for name in $(names); do
    echo "region $name$([[ $name == "$(primary)" ]] && echo ' (primary)'): $(url "$name"), PostgreSQL $(pg_port "$name")," \
      "web API $(alive "$state/$name.pid" && echo "pid $(cat "$state/$name.pid")" || echo stopped)," \
      "$(ready "$name" && echo ready || echo 'not ready')"
    if pg "$name" status; then
      sql "$name" -c "SELECT '  subscription ' || s.subname || ': ' || CASE WHEN s.subenabled THEN 'enabled' ELSE 'disabled (partitioned)' END
                      || coalesce(', copy ' || round(extract(epoch FROM clock_timestamp() - h.at) * 1000) || ' ms old', '')
                      FROM pg_subscription s LEFT JOIN kg_region_heartbeat h ON h.id = 1" || true
    fi
  done
}

down() {
  local name
  for name in $(names); do stop_pid "$state/$name.pid"; done
  for name in $(names); do pg "$name" purge; done
  rm -f "$state/primary" "$state/count" "$state/regions.json"
  echo "stopped; logs stay in $state"
}

replica() { [[ "$1" != "$(primary)" ]] || { say "$1 is the primary"; exit 2; }; index_of "$1" >/dev/null; }

partition() { replica "$1"; sql "$1" -c "ALTER SUBSCRIPTION $(subscription "$1") DISABLE" >/dev/null; echo "region $1 cut from the primary"; }
heal() { replica "$1"; sql "$1" -c "ALTER SUBSCRIPTION $(subscription "$1") ENABLE" >/dev/null; echo "region $1 linked to the primary again"; }

promote() {
  local new="$1" old name; replica "$new"; old="$(primary)"
  # Fence the old primary first: two writers would diverge for good.
  stop_pid "$state/$old.pid"
  unsubscribe "$new"
  sql "$new" -f "$root/deploy/regions/publisher.sql" >/dev/null
  echo "$new" >"$state/primary"
  stop_pid "$state/$new.pid"
  start_web "$new"
  wait_for "region $new answering /health/ready" 90 ready "$new"
  for name in $(names); do
    [[ "$name" == "$new" || "$name" == "$old" ]] && continue
    # Every other replica follows the new primary from where it stands (its rows are already there).
    unsubscribe "$name"
    subscribe "$name" "$new" false
    stop_pid "$state/$name.pid"
    start_web "$name"
  done
  for name in $(names); do [[ "$name" == "$old" ]] || wait_for "region $name answering /health/ready" 90 ready "$name"; done
  write_json
  echo "region $new is the primary; region $old is stopped (see docs/regions.md to bring it back as a replica)"
}

case "${1:-}" in
  up) up "${2:-2}" ;;
  status) status ;;
  down) down ;;
  partition) partition "${2:?which region}" ;;
  heal) heal "${2:?which region}" ;;
  promote) promote "${2:?which region}" ;;
  *) echo "usage: $0 up [N] | status | down | partition NAME | heal NAME | promote NAME" >&2; exit 2 ;;
esac
