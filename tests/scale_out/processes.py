"""Real servers for the scale-out tests: gunicorn app servers, task workers, redis-server and
nginx, each on a free port (or a socket) under var/scale_out/, and always stopped, even when
the test fails. Every process gets the suite's environment (tests/environment.py) plus what
points it at this test's database and Redis key prefix."""

import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

ROOT = Path(settings.BASE_DIR)
RUN_DIR = ROOT / "var" / "scale_out"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_dir(name):
    """A fresh directory of its own for one server, under var/scale_out/."""
    path = RUN_DIR / f"{name}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def url_of_the_test_database():
    """The URL of the database this test runs on, for processes started beside it."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{credentials}@{host}{port}/{db['NAME']}"


def app_environment(*, cache_url, key_prefix, **extra):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url_of_the_test_database(),
        # A held connection would keep the test database from being flushed or dropped.
        DB_CONN_MAX_AGE="0",
        CACHE_URL=cache_url,
        CACHE_KEY_PREFIX=key_prefix,
        PYTHONUNBUFFERED="1",
    )
    env.update({name: str(value) for name, value in extra.items()})
    return env


class Process:
    """A child process with its output in a log file, stopped on exit from the with-block."""

    def __init__(self, name, command, *, env, cwd=ROOT):
        self.name = name
        self.dir = run_dir(name)
        self.log_path = self.dir / "output.log"
        self.command = command
        self.env = env
        self.cwd = cwd
        self.popen = None

    def __enter__(self):
        log = self.log_path.open("wb")
        self.popen = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=self.cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def stop(self):
        if self.popen is None or self.popen.poll() is not None:
            return
        # The whole process group: gunicorn's and nginx's workers go with their master.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)

    def output(self):
        return self.log_path.read_text(errors="replace")

    def check_running(self):
        if self.popen.poll() is not None:
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{self.output()[-3000:]}")


def wait_for_http(process, port, path="/healthz", timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        process.check_running()
        try:
            status, _, _ = http_get(port, path)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} did not answer on port {port}:\n{process.output()[-3000:]}")


def http_get(port, path, *, headers=None):
    """(status, headers as a dict of lower-case names, body text) of a GET to 127.0.0.1."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        body = response.read().decode(errors="replace")
        return response.status, {name.lower(): value for name, value in response.getheaders()}, body
    finally:
        conn.close()


def http_post(port, path, body, *, headers):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode(errors="replace")
        return response.status, response.getheaders(), text
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(env, *, name="gunicorn"):
    """One production app server (deploy/gunicorn.conf.py, one process, two threads)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsroom.wsgi:application",
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "2",
    ]
    with Process(name, command, env=env) as process:
        wait_for_http(process, port)
        process.port = port
        yield process


def redis_server_path():
    found = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(found).exists():
        raise RuntimeError("redis-server is missing: run `make redis`, which installs it.")
    return found


@contextlib.contextmanager
def private_redis(*options):
    """A redis-server of this test's own, on a Unix socket, for tests that stop it; `options`
    are more redis-server arguments ("--maxmemory", "4mb", ...)."""
    directory = run_dir("redis")
    sock = directory / "redis.sock"
    command = [
        redis_server_path(),
        "--port",
        "0",
        "--unixsocket",
        str(sock),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    command += ["--dir", str(directory), *options]
    with Process("redis", command, env=dict(os.environ)) as process:
        deadline = time.monotonic() + 10
        while not sock.exists():
            process.check_running()
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{process.output()}")
            time.sleep(0.05)
        process.url = f"unix://{sock}"
        yield process


def nginx_path():
    """Debian's nginx, installed (nginx-light, as `make bench` does) when missing and we are root."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        install = ["apt-get", "install", "-y", "-qq", "nginx-light"]
        if subprocess.run(install, env=env, capture_output=True, check=False).returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True, check=False)
            subprocess.run(install, env=env, capture_output=True, check=True)
        return shutil.which("nginx") or "/usr/sbin/nginx"
    raise RuntimeError("nginx is missing: apt-get install nginx-light (the purge test drives a real one).")


# The shipped nginx configuration, run for real -------------------------------------------------

_NGINX_MAIN = """
worker_processes 1;
daemon off;
{user}
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {dir}/tmp-body;
    proxy_temp_path {dir}/tmp-proxy;
    fastcgi_temp_path {dir}/tmp-fastcgi;
    uwsgi_temp_path {dir}/tmp-uwsgi;
    scgi_temp_path {dir}/tmp-scgi;
    include {dir}/newsroom.conf;
    include {dir}/newsroom-purge.conf;
}}
"""


def render_nginx_conf(template, values):
    """deploy/nginx/<template> with its @PLACEHOLDERS@ filled in, as an installer would."""
    text = (ROOT / "deploy" / "nginx" / template).read_text()
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    assert "@" not in "".join(line.split("#")[0] for line in text.splitlines()), "a placeholder was left"
    return text


@contextlib.contextmanager
def nginx_in_front_of(upstream_port, *, purge_token=None, media_root=None, ready_path="/healthz"):
    """The shipped deploy/nginx/ configuration (site and purge listener) in front of an app on
    `upstream_port`, serving `media_root` under /media/. Yields the process with .port and
    .purge_port."""
    nginx = nginx_path()
    directory = run_dir("nginx")
    port, purge_port = free_port(), free_port()
    values = {
        "@LISTEN@": f"127.0.0.1:{port}",
        "@SERVER_NAME@": "127.0.0.1",
        "@UPSTREAM@": f"127.0.0.1:{upstream_port}",
        "@CACHE_DIR@": str(directory / "cache"),
        "@STATIC_ROOT@": str(directory / "static"),
        "@MEDIA_ROOT@": str(media_root or directory / "media"),
        "@PURGE_LISTEN@": f"127.0.0.1:{purge_port}",
        # The purge listener is part of the shipped setup; a test that sends no purge gives none.
        "@PURGE_TOKEN@": purge_token or "no-purges-in-this-test",
    }
    (directory / "newsroom.conf").write_text(render_nginx_conf("newsroom.conf", values))
    (directory / "newsroom-purge.conf").write_text(render_nginx_conf("newsroom-purge.conf", values))
    # As root (the test machine), workers would otherwise run as nobody, who may not read here.
    user = "user root;" if os.geteuid() == 0 else ""
    (directory / "nginx.conf").write_text(_NGINX_MAIN.format(dir=directory, user=user))
    check = subprocess.run(
        [nginx, "-t", "-c", str(directory / "nginx.conf")], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    with Process("nginx", [nginx, "-c", str(directory / "nginx.conf")], env={}) as process:
        wait_for_http(process, port, path=ready_path)
        process.port, process.purge_port = port, purge_port
        yield process
