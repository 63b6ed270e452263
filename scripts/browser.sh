#!/usr/bin/env bash
# The browser the browser tests drive: Debian's chromium (and a font for its screenshots), and
# the nginx that the tests of the shipped proxy configuration run (deploy/nginx/).
#
#   scripts/browser.sh   install what is missing (as root, with apt-get), or say how to
#
# CHROMIUM_PATH names another Chromium binary; then chromium is not installed.
set -euo pipefail

say() { printf 'browser: %s\n' "$*"; }

need=()
if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { say "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable." >&2; exit 1; }
else
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
fi
fc-list 2>/dev/null | grep -qi dejavu || need+=(fonts-dejavu-core)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  say "installing Debian's ${need[*]} for the browser and proxy tests..."
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  }
  exit 0
fi
say "the browser and proxy tests need ${need[*]}: sudo apt-get install ${need[*]} (or set CHROMIUM_PATH)." >&2
exit 1
