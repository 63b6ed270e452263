#!/usr/bin/env bash
# A real streaming read replica of the local PostgreSQL cluster (scripts/localdb.sh).
#
#   scripts/replica.sh start    copy the primary with pg_basebackup -R the first time, then start
#                               the standby; prints the DATABASE_REPLICA_URL to use (safe to repeat)
#   scripts/replica.sh stop     stop it (safe when it is not running); the copy is kept
#   scripts/replica.sh url      print the DATABASE_REPLICA_URL of a running replica
#
# The standby lives in var/pg-replica: data in data/, its socket in run/, its log in
# postgres.log. It listens only on a Unix socket, on a port picked free the first time and kept
# in var/pg-replica/port. It streams from the primary without a replication slot, so a stopped
# replica never makes the primary keep WAL; when it has fallen too far behind to catch up, the
# next start notices and copies the primary again.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
primary_sock="$root/var/pg/run"
dir="$root/var/pg-replica"
data="$dir/data"
sock="$dir/run"
log="$dir/postgres.log"
dbuser="newsroom"
dbname="${REPLICA_DATABASE:-newsroom}"

say() { printf 'replica: %s\n' "$*"; }
fail() { printf 'replica: %s\n' "$*" >&2; exit 1; }

if [ -n "${DATABASE_URL:-}" ]; then
  fail "DATABASE_URL is set: make replica copies only the local cluster in var/pg."
fi

bindir=""
for candidate in "${PG_BINDIR:-}" /usr/lib/postgresql/*/bin; do
  if [ -n "$candidate" ] && [ -x "$candidate/pg_basebackup" ]; then bindir="$candidate"; break; fi
done
[ -n "$bindir" ] || fail "pg_basebackup not found; run make db first (it installs PostgreSQL)."

as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() { [ -s "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; }

port() { cat "$dir/port"; }

url() { printf 'postgresql://%s@:%s/%s?host=%s\n' "$dbuser" "$(port)" "$dbname" "$sock"; }

replica_sql() { as_owner "$bindir/psql" -h "$sock" -p "$(port)" -U "$dbuser" -d postgres -tAc "$1"; }

free_port() {
  "$root/.venv/bin/python" - <<'PY'
import socket

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    print(probe.getsockname()[1])
PY
}

copy_primary() {
  say "copying the primary with pg_basebackup (every database in var/pg; this takes a while for big ones)..."
  as_owner "$bindir/pg_isready" -h "$primary_sock" -q || fail "the primary is not running: make db first."
  rm -rf "$data"
  mkdir -p "$dir" "$sock"
  [ "$(id -u)" = "0" ] && chown postgres "$dir" "$sock"
  free_port >"$dir/port"
  started=$(date +%s)
  as_owner "$bindir/pg_basebackup" -h "$primary_sock" -U "$dbuser" -D "$data" -R -X stream -c fast \
    || fail "pg_basebackup failed."
  # -R wrote standby.signal and primary_conninfo; the rest makes it a separate server.
  cat >>"$data/postgresql.auto.conf" <<CONF
port = $(port)
unix_socket_directories = '$sock'
listen_addresses = ''
hot_standby = on
hot_standby_feedback = on
CONF
  say "copied $(du -sh "$data" | cut -f1) in $(( $(date +%s) - started )) s."
}

start_server() {
  mkdir -p "$sock"
  [ "$(id -u)" = "0" ] && chown postgres "$sock"
  as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null 2>&1
}

# The standby is useful only while it streams; give it a few seconds to connect.
streaming() {
  local tries
  for tries in $(seq 1 40); do
    if [ "$(replica_sql "SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming'" 2>/dev/null)" = "1" ]; then
      return 0
    fi
    sleep 0.5
  done
  return 1
}

start() {
  if running; then
    say "already running on port $(port) (socket in var/pg-replica/run)."
  else
    if [ ! -s "$data/PG_VERSION" ] || [ ! -f "$data/standby.signal" ]; then
      copy_primary
    fi
    if ! start_server || ! streaming; then
      say "the standby did not start streaming (too far behind?); copying the primary again."
      as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
      copy_primary
      start_server || fail "the standby did not start. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
    fi
    say "started on port $(port) (socket in var/pg-replica/run, log in var/pg-replica/postgres.log)."
  fi
  streaming || fail "the standby runs but does not stream from the primary; see $log."
  [ "$(replica_sql 'SELECT pg_is_in_recovery()')" = "t" ] || fail "the server in var/pg-replica is not a standby."
  say "streaming from the primary; read-only (pg_is_in_recovery() = true)."
  say "use it with:"
  echo "DATABASE_REPLICA_URL=$(url)"
}

stop() {
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
    say "stopped (the copy stays in var/pg-replica/data; make replica starts it again)."
  else
    say "not running."
  fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  url) running || fail "not running: make replica first."; url ;;
  *) fail "usage: $0 start|stop|url" ;;
esac
