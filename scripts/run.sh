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
# First: tasks a killed worker left "running" go back in the queue (newsroom/lib/taskrecovery.py).
"$py" manage.py requeue_interrupted_tasks >>var/log/worker.log 2>&1 ||
  echo "Could not look for interrupted tasks; see var/log/worker.log." >&2
"$py" manage.py schedule_periodic_tasks >>var/log/worker.log 2>&1 ||
  echo "Could not queue the periodic tasks (feed import...); see var/log/worker.log." >&2
# The worker's id is "<host>:<pid>" (exec keeps the shell's pid), so the next start can tell
# whether it is still alive.
# task_worker is db_worker that waits out a database restart instead of exiting.
sh -c 'exec "$0" manage.py task_worker --queue-name "*" --interval 1 --worker-id "$(hostname | cut -c1-48):$$"' \
  "$py" >>var/log/worker.log 2>&1 &
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
