"""gunicorn settings for a small machine; every value can be overridden on the command line
or through GUNICORN_CMD_ARGS."""

import gc
import multiprocessing
import os
import re
from pathlib import Path

# Two processes per core plus one keeps the cores busy while a request waits on PostgreSQL;
# threads let each process overlap a few such waits without the memory of another process.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle a worker now and then so a slow leak cannot grow without bound, but rarely: a fresh
# worker starts with empty copies of the cache and unshares the master's memory as it runs,
# and at 5,000 requests (seconds of cached traffic) recycling cost a fifth of the cached pages'
# rate in `make bench`. `make soak` found 1-1.5% growth in 30 minutes without recycling.
max_requests = 100_000
max_requests_jitter = 10_000
# Load Django once in the master and fork workers from it: a recycled worker is serving again
# at once instead of importing the project for a second while its requests queue, and the
# workers share the loaded code's memory. New code therefore needs a new master (a restart,
# or USR2 then QUIT to the old one), not HUP. Nothing opens a connection at import time.
preload_app = True
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# gunicorn's control socket (gunicornc) defaults to one path per user, $XDG_RUNTIME_DIR/gunicorn.ctl
# or ~/.gunicorn/gunicorn.ctl. A second server started on the machine (make serve beside make
# bench or the tests' servers) unlinks the first one's socket and binds the path itself, and
# whichever stops first deletes it for both. So each server gets its own under var/run/, named
# after the address it listens on, which no two running servers share:
#   .venv/bin/gunicornc -s var/run/gunicorn-127.0.0.1-8000.ctl -c "show workers"
# A --control-socket given on the command line or in GUNICORN_CMD_ARGS is kept as it is.
CONTROL_SOCKET_DIR = Path(__file__).resolve().parent.parent / "var" / "run"


def control_socket_path(address, *, pid=None):
    """var/run/gunicorn-<address>[-<pid>].ctl; `address` as gunicorn's --bind spells it."""
    name = re.sub(r"[^A-Za-z0-9.-]+", "-", address.removeprefix("unix:")).strip("-")
    if pid is not None:
        name += f"-{pid}"
    return str(CONTROL_SOCKET_DIR / f"gunicorn-{name}.ctl")


def pre_fork(server, worker):
    # Move what the master loaded out of the collector's sight before each fork: a worker's
    # collections then never touch (and so never copy) the pages it shares with the master.
    gc.freeze()


def on_starting(server):
    setting = server.cfg.settings["control_socket"]
    if setting.value != setting.default:
        return
    CONTROL_SOCKET_DIR.mkdir(parents=True, exist_ok=True)
    # A master started by USR2 listens on the old master's address while the old one still
    # runs, and the old one deletes its socket path as it quits: the new master's pid keeps
    # their paths apart (the log's "Control socket listening at" line names it).
    pid = os.getpid() if server.master_pid else None
    server.cfg.set("control_socket", control_socket_path(server.cfg.bind[0], pid=pid))
