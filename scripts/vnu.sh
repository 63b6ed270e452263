#!/usr/bin/env bash
# The Nu HTML checker that tests/articles/test_valid_html.py runs over every public page:
# vnu.jar from the npm registry's vnu-jar package, run by Debian's Java 17. Debian packages no
# vnu, and the jar is the checker's own release, so npm is only the way to fetch it.
#
#   scripts/vnu.sh         install what is missing (Java and npm with apt-get as root), then
#                          print the path of vnu.jar
#
# VNU_JAR names another vnu.jar; then nothing is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf 'vnu: %s\n' "$*" >&2; }

VERSION=26.9.27
prefix=var/vnu
jar="$prefix/node_modules/vnu-jar/build/dist/vnu.jar"

if [ -n "${VNU_JAR:-}" ]; then
  [ -f "$VNU_JAR" ] || { say "VNU_JAR=$VNU_JAR is not a file."; exit 1; }
  echo "$VNU_JAR"
  exit 0
fi

need=()
command -v java >/dev/null 2>&1 || need+=(openjdk-17-jre-headless)
[ -f "$jar" ] || command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian's ${need[*]} for the HTML checker..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || {
      apt-get update -qq >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    }
  else
    say "the HTML checker needs ${need[*]}: sudo apt-get install ${need[*]} (or set VNU_JAR)."
    exit 1
  fi
fi

if [ ! -f "$jar" ]; then
  say "fetching vnu-jar $VERSION from the npm registry into $prefix..."
  mkdir -p "$prefix"
  # --ignore-scripts: the package's install script would download a Java of its own; Debian's
  # is the one we run.
  npm install --silent --no-save --no-audit --no-fund --ignore-scripts --prefix "$prefix" \
    "vnu-jar@$VERSION" >/dev/null
  [ -f "$jar" ] || { say "vnu-jar $VERSION did not contain $jar."; exit 1; }
fi
echo "$jar"
