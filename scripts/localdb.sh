#!/usr/bin/env bash
# A project-local PostgreSQL cluster for development and tests.
#
#   scripts/localdb.sh start   create the cluster the first time, then start it (safe to repeat)
#   scripts/localdb.sh stop    stop it (safe when it is not running)
#   scripts/localdb.sh status  say whether it runs
#
# Data lives in var/pg/data, the log in var/pg/postgres.log, and the server listens only on a
# Unix socket in var/pg/run, so it never collides with a system server on port 5432.
# When DATABASE_URL is set, nothing here is touched: that database is used instead.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
pgdir="$root/var/pg"
data="$pgdir/data"
sock="$pgdir/run"
log="$pgdir/postgres.log"
dbname="newsroom"
dbuser="newsroom"

say() { printf 'localdb: %s\n' "$*"; }
fail() { printf 'localdb: %s\n' "$*" >&2; exit 1; }

if [ -n "${DATABASE_URL:-}" ]; then
  say "DATABASE_URL is set; the local cluster is not used."
  exit 0
fi

find_bindir() {
  local candidate
  for candidate in "${PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
    if [ -n "$candidate" ] && [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return 0
  fi
  return 1
}

install_binaries() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "PostgreSQL binaries not found; installing Debian's postgresql package..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  else
    fail "PostgreSQL binaries (initdb, pg_ctl) not found. Install them with
  sudo apt-get install postgresql       (Debian, Ubuntu)
  brew install postgresql@15            (macOS)
or set DATABASE_URL to an existing PostgreSQL database."
  fi
}

bindir="$(find_bindir)" || { install_binaries; bindir="$(find_bindir)" || fail "PostgreSQL is still missing after installing it."; }

# initdb refuses to run as root, so root runs the cluster as the unprivileged postgres user.
as_owner() {
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

running() {
  as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

start() {
  mkdir -p "$pgdir"
  if [ "$(id -u)" = "0" ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pgdir"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    say "creating the cluster in var/pg/data (first run only)..."
    as_owner "$bindir/initdb" -D "$data" -U "$dbuser" --auth=trust --encoding=UTF8 \
      --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
      || fail "initdb failed; see $pgdir/initdb.log"
    # Socket only, inside the project; settings tuned for a laptop, not for durability of tests.
    cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
unix_socket_directories = '$sock'
max_connections = 100
shared_buffers = 256MB
work_mem = 16MB
maintenance_work_mem = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
  fi
  mkdir -p "$sock"
  [ "$(id -u)" = "0" ] && chown postgres "$sock"
  if running; then
    say "already running (socket in var/pg/run)."
  else
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 30 start >/dev/null 2>&1 \
      || fail "PostgreSQL did not start. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
    say "started (socket in var/pg/run, log in var/pg/postgres.log)."
  fi
  if ! as_owner "$bindir/psql" -h "$sock" -U "$dbuser" -d postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname = '$dbname'" | grep -q 1; then
    as_owner "$bindir/createdb" -h "$sock" -U "$dbuser" "$dbname"
    say "created database $dbname."
  fi
}

stop() {
  if [ -s "$data/PG_VERSION" ] && running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    say "stopped."
  else
    say "not running."
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  status) if [ -s "$data/PG_VERSION" ] && running; then say "running."; else say "not running."; exit 3; fi ;;
  *) fail "usage: $0 start|stop|status" ;;
esac
