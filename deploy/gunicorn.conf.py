"""gunicorn settings for a small machine; every value can be overridden on the command line
or through GUNICORN_CMD_ARGS."""

import multiprocessing
import os

# Two processes per core plus one keeps the cores busy while a request waits on PostgreSQL;
# threads let each process overlap a few such waits without the memory of another process.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", 2))
worker_class = "gthread"
timeout = 30
graceful_timeout = 20
keepalive = 5
# Recycle a worker now and then so a slow leak cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# Load Django once in the master and fork workers from it: a recycled worker is serving again
# at once instead of importing the project for a second while its requests queue, and the
# workers share the loaded code's memory. New code therefore needs a new master (a restart,
# or USR2 then QUIT to the old one), not HUP. Nothing opens a connection at import time.
preload_app = True
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
