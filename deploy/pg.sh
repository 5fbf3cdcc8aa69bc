#!/usr/bin/env bash
# A throwaway PostgreSQL for KeyGrains on loopback: installs Debian's package when missing,
# runs a private server as the postgres user, creates the database and applies the schema.
#
#   deploy/pg.sh start    start (a no-op when it already runs), apply the schema, print the connection string
#   deploy/pg.sh schema   apply deploy/sql/postgres/*.sql again (harmless when already applied)
#   deploy/pg.sh stop     stop the server (its data stays)
#   deploy/pg.sh purge    stop the server and delete its data directory
#   deploy/pg.sh status   exit 0 when it runs
#   deploy/pg.sh url      print the connection string
#   deploy/pg.sh psql ... psql on the database, with the arguments given (e.g. -c "SELECT ...")
#
# Settings (environment): KG_PG_PORT (55432), KG_PG_DIR (/tmp/keygrains-pg-$KG_PG_PORT),
# KG_PG_DB (keygrains), KG_PG_POOL (20: Npgsql's Maximum Pool Size per process),
# KG_PG_MAX_CONNECTIONS (100: the server's limit).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
port="${KG_PG_PORT:-55432}"
dir="${KG_PG_DIR:-/tmp/keygrains-pg-$port}"
db="${KG_PG_DB:-keygrains}"
pool="${KG_PG_POOL:-20}"
max_connections="${KG_PG_MAX_CONNECTIONS:-100}"
data="$dir/data"
log="$dir/server.log"

say() { echo "pg.sh: $*" >&2; }

bin_dir() {
  # The newest installed server, so a Debian release with another major version works unchanged.
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_if_missing() {
  if [[ -n "$(bin_dir)" && -x "$(bin_dir)/initdb" ]]; then return; fi
  if [[ "$(id -u)" != 0 ]]; then say "PostgreSQL is not installed; run this script as root once to install it"; exit 1; fi
  say "installing PostgreSQL from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

# Runs a server binary as the postgres user when we are root (initdb refuses to run as root).
as_postgres() {
  if [[ "$(id -u)" == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_() { PGOPTIONS="-c client_min_messages=warning" "$(bin_dir)/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres "$@"; }

running() { [[ -f "$data/PG_VERSION" ]] && as_postgres "$(bin_dir)/pg_ctl" -D "$data" status >/dev/null 2>&1; }

url() {
  echo "Host=127.0.0.1;Port=$port;Database=$db;Username=postgres;Maximum Pool Size=$pool;Timezone=UTC"
}

apply_schema() {
  local f
  for f in $(ls "$here"/sql/postgres/*.sql | sort); do
    psql_ -d "$db" -v ON_ERROR_STOP=1 --single-transaction -f "$f" >/dev/null
  done
}

start() {
  install_if_missing
  local bin; bin="$(bin_dir)"
  mkdir -p "$dir"
  if [[ "$(id -u)" == 0 ]]; then chown postgres:postgres "$dir"; fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    # trust on loopback only: a throwaway server for development and tests, never a production one.
    as_postgres "$bin/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
  fi
  if ! running; then
    as_postgres "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c timezone=UTC -c max_connections=$max_connections" \
      start >/dev/null 9>&-   # the server must not inherit (and hold) the lock
  fi
  if [[ -z "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]; then
    psql_ -d postgres -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1 \
      || [[ -n "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]]
  fi
  apply_schema
  url
}

stop() {
  if running; then as_postgres "$(bin_dir)/pg_ctl" -D "$data" -m fast -w stop >/dev/null; fi
}

# One caller at a time: tests and deploy/cluster.sh may start the same server at once.
mkdir -p "$(dirname "$dir")"
exec 9>"/tmp/keygrains-pg-$port.lock"
flock -w 120 9 || { say "another pg.sh holds /tmp/keygrains-pg-$port.lock"; exit 1; }

case "${1:-start}" in
  start) start ;;
  schema) apply_schema ;;
  stop) stop ;;
  purge) stop; rm -rf "$dir" ;;
  status) running ;;
  url) url ;;
  psql) shift; psql_ -d "$db" "$@" ;;
  *) say "usage: $0 start|schema|stop|purge|status|url|psql ..."; exit 2 ;;
esac
