#!/usr/bin/env bash
# Two project-local Redis servers for development and tests, shaped as production runs them.
#
#   scripts/localredis.sh start         start both (safe to repeat) and print the cache's URL
#   scripts/localredis.sh stop          stop both (safe when they are not running)
#   scripts/localredis.sh status        say whether they run
#   scripts/localredis.sh url           print the URL of the cache (CACHE_URL)
#   scripts/localredis.sh counters-url  print the URL of the counters (RATELIMIT_CACHE_URL)
#
# The cache (var/redis/redis.sock) holds pages, fragments and generation numbers; at its memory
# limit it evicts the least recently used keys (allkeys-lru), which is what a cache is for.
# The counters (var/redis/counters.sock) hold rate-limit counters and used form stamps; they
# must never be evicted, so that server refuses writes when full (noeviction) and the limits
# then refuse attempts. See docs/deployment.md.
#
# They listen only on Unix sockets, so they never collide with a system Redis on port 6379 or
# with anything else on the machine. Nothing is written to disk: caches and counters are
# rebuilt on demand. Their logs are var/redis/redis.log and var/redis/counters.log.
# When REDIS_URL or CACHE_URL is set, nothing here is touched: that server is used instead.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/var/redis"

# use NAME: point sock, pidfile, log, url and limits at the cache or the counters server.
use() {
  case "$1" in
    cache)
      sock="$dir/redis.sock" pidfile="$dir/redis.pid" log="$dir/redis.log"
      # 64 databases leave room for one per test process.
      limits=(--databases 64 --maxmemory 256mb --maxmemory-policy allkeys-lru)
      ;;
    counters)
      sock="$dir/counters.sock" pidfile="$dir/counters.pid" log="$dir/counters.log"
      limits=(--maxmemory 64mb --maxmemory-policy noeviction)
      ;;
  esac
  name="$1"
  url="unix://$sock"
}
use cache

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

start_one() {
  use "$1"
  mkdir -p "$dir"
  if running; then
    say "$name already running ($url)."
    return 0
  fi
  rm -f "$sock"
  # port 0: no TCP at all. No RDB snapshots and no append-only file: nothing here needs to
  # survive a restart.
  "$server" --port 0 --unixsocket "$sock" --unixsocketperm 700 \
    --daemonize yes --pidfile "$pidfile" --logfile "$log" --dir "$dir" \
    --save "" --appendonly no "${limits[@]}" \
    || fail "redis-server ($name) did not start. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
  local waited=0
  until running; do
    sleep 0.1
    waited=$((waited + 1))
    [ "$waited" -lt 100 ] || fail "redis-server ($name) did not answer within 10 s. Its log is $log:
$(tail -n 15 "$log" 2>/dev/null)"
  done
  say "$name started (socket ${sock#"$root"/}, log ${log#"$root"/})."
}

start() {
  start_one counters
  start_one cache
  echo "$url"
}

stop_one() {
  use "$1"
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
    say "$name stopped."
  else
    say "$name not running."
  fi
}

stop() {
  stop_one cache
  stop_one counters
}

status() {
  local state=0
  for each in cache counters; do
    use "$each"
    if running; then say "$name running ($url)."; else say "$name not running."; state=3; fi
  done
  return "$state"
}

case "${1:-start}" in
  start)
    server="$(find_server)" || { install_server; server="$(find_server)" || fail "redis-server is still missing after installing it."; }
    start
    ;;
  stop) stop ;;
  status)
    server="$(find_server)" || server=/nonexistent/redis-server
    status
    ;;
  url) use cache; echo "$url" ;;
  counters-url) use counters; echo "$url" ;;
  *) fail "usage: $0 start|stop|status|url|counters-url" ;;
esac
