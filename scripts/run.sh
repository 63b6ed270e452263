#!/usr/bin/env bash
# Start the background-task worker and a web server together; stop both on Ctrl-C.
#   scripts/run.sh dev    Django's development server with DEBUG on (make run)
#   scripts/run.sh prod   gunicorn with DEBUG off and WhiteNoise static files (make serve)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-dev}"
port="${PORT:-8000}"
py=.venv/bin/python

mkdir -p var/log
# Procrastinate's worker: it queues the periodic jobs itself, and a job whose worker died is
# taken again by the next one (newsroom/tasks.py: retry_stalled_jobs). Finished jobs are
# deleted; failed ones stay in the admin's Procrastinate pages. It exits when it loses the
# database (a PostgreSQL restart), so it is started again here, as production's supervisor
# (systemd's Restart=always, docs/deployment.md) does.
supervise_worker() {
  trap 'kill "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' INT TERM
  while :; do
    "$py" manage.py procrastinate worker --delete-jobs successful &
    child=$!
    status=0
    wait "$child" || status=$?
    echo "run.sh: the worker stopped (status $status); starting it again in 5 s."
    sleep 5 &
    wait $!
  done
}
supervise_worker >>var/log/worker.log 2>&1 &
worker=$!
trap 'kill "$worker" 2>/dev/null; wait "$worker" 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Newsroom is at http://127.0.0.1:$port/   (admin: http://127.0.0.1:$port/admin/)
  Background worker log: var/log/worker.log; mail is written to var/mail/ unless EMAIL_URL is set.
MSG
if [ -f var/demo-logins.txt ]; then cat var/demo-logins.txt; fi
echo

if [ "$mode" = "prod" ]; then
  # deploy/gunicorn.conf.py names the control socket after the address, so this one is ours alone.
  echo "  gunicorn's control socket: .venv/bin/gunicornc -s var/run/gunicorn-127.0.0.1-$port.ctl"
  echo
  .venv/bin/gunicorn newsroom.wsgi:application --config deploy/gunicorn.conf.py --bind "127.0.0.1:$port"
else
  "$py" manage.py runserver "127.0.0.1:$port"
fi
