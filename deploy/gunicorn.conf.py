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
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
