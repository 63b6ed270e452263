#!/usr/bin/env bash
# A project-local Redis for development and tests.
#
#   scripts/localredis.sh start   start it (safe to repeat) and print its URL
#   scripts/localredis.sh stop    stop it (safe when it is not running)
#   scripts/localredis.sh status  say whether it runs
#   scripts/localredis.sh url     print the URL clients use
#
# It listens only on a Unix socket, var/redis/redis.sock, so it never collides with a system
# Redis on port 6379 or with anything else on the machine. Nothing is written to disk: it holds
# caches and counters, which are rebuilt on demand. Its log is var/redis/redis.log.
# When REDIS_URL or CACHE_URL is set, nothing here is touched: that server is used instead.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/var/redis"
sock="$dir/redis.sock"
pidfile="$dir/redis.pid"
log="$dir/redis.log"
url="unix://$sock"

say() { printf 'localredis: %s\n' "$*"; }
fail() { printf 'localredis: %s\n' "$*" >&2; exit 1; }

external="${REDIS_URL:-${CACHE_URL:-}}"
if [ -n "$external" ]; then
  say "REDIS_URL or CACHE_URL is set; the local Redis is not used."
  exit 0
fi

find_server() {
  local candidate
  for candidate in "${REDIS_SERVER:-}" "$(command -v redis-server 2>/dev/null || true)" /usr/bin/redis-server /usr/sbin/redis-server; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

install_server() {
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "redis-server not found; installing Debian's redis-server package..."
    # The package's own service is not wanted: policy-rc.d exit 101 keeps it from starting.
    local policy=/usr/sbin/policy-rc.d created_policy=""
    if [ ! -e "$policy" ]; then
      printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null 2>&1 || {
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
    }
    [ -n "$created_policy" ] && rm -f "$policy"
    return 0
  fi
  fail "redis-server not found. Install it with
  sudo apt-get install redis-server     (Debian, Ubuntu)
  brew install redis                    (macOS)
or set REDIS_URL to an existing Redis server."
}

client_ping() {
  local cli
  cli="$(dirname "$server")/redis-cli"
  if [ -x "$cli" ]; then
    "$cli" -s "$sock" ping 2>/dev/null | grep -q PONG
  else
    [ -S "$sock" ] && [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
  fi
}

running() {
  [ -S "$sock" ] && client_ping
}

start() {
  mkdir -p "$dir"
  if running; then
    say "already running ($url)."
    echo "$url"
    return 0
  fi
  rm -f "$sock"
  # port 0: no TCP at all. No RDB snapshots and no append-only file: nothing here needs to
  # survive a restart. 64 databases leave room for one per test process.
  "$server" --port 0 --unixsocket "$sock" --unixsocketperm 700 \
    --daemonize yes --pidfile "$pidfile" --logfile "$log" --dir "$dir" \
    --save "" --appendonly no --databases 64 --maxmemory 256mb --maxmemory-policy allkeys-lru \
    || fail "redis-server did not start. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
  local waited=0
  until running; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || fail "redis-server did not answer within 10 s. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
  done
  say "started (socket var/redis/redis.sock, log var/redis/redis.log)."
  echo "$url"
}

stop() {
  local pid=""
  [ -s "$pidfile" ] && pid="$(cat "$pidfile")"
  # Redis deletes its pid file as it exits, so the pid is read once.
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 50 ]; do
      sleep 0.1
      waited=$((waited + 1))
    done
    rm -f "$sock"
    say "stopped."
  else
    say "not running."
  fi
}

case "${1:-start}" in
  start)
    server="$(find_server)" || { install_server; server="$(find_server)" || fail "redis-server is still missing after installing it."; }
    start
    ;;
  stop) stop ;;
  status)
    server="$(find_server)" || server=/nonexistent/redis-server
    if running; then say "running ($url)."; else say "not running."; exit 3; fi
    ;;
  url) echo "$url" ;;
  *) fail "usage: $0 start|stop|status|url" ;;
esac
