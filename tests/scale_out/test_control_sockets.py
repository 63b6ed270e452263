"""Two production app servers on one machine, as `make serve` beside `make bench` or the tests'
servers run: each has a gunicorn control socket of its own under var/run/
(deploy/gunicorn.conf.py), so gunicornc reaches the server it names, and stopping one server
leaves the other's socket in place. gunicorn's default is one path per user, which the second
server would take from the first."""

import time
from pathlib import Path

import pytest
from gunicorn.ctl.client import ControlClient, ControlClientError

from tests.scale_out.processes import ROOT, app_environment, gunicorn, http_get


def control_socket(server):
    return ROOT / "var" / "run" / f"gunicorn-127.0.0.1-{server.port}.ctl"


def control(server, command, timeout=10):
    """gunicornc's answer to `command`. The master opens its socket only once its first workers
    run, and closes and reopens it around every fork (gunicorn/ctl/server.py), so a moment
    without it is normal: try again until `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with ControlClient(str(control_socket(server)), timeout=timeout) as client:
                return client.send_command(command)
        except ControlClientError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def worker_pids(server):
    return {worker["pid"] for worker in control(server, "show workers")["workers"]}


def child_pids(server):
    children = Path(f"/proc/{server.popen.pid}/task/{server.popen.pid}/children").read_text()
    return {int(pid) for pid in children.split()}


def wait_for_workers(server, count, timeout=30):
    deadline = time.monotonic() + timeout
    while len(pids := worker_pids(server)) != count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{server.name} has {len(pids)} workers, not {count}")
        time.sleep(0.2)
    return pids


@pytest.fixture
def two_app_servers(shared_cache, key_prefix):
    env = app_environment(cache_url=shared_cache, key_prefix=key_prefix)
    with gunicorn(env, name="control-a") as server_a, gunicorn(env, name="control-b") as server_b:
        yield server_a, server_b


@pytest.mark.django_db(transaction=True)
def test_each_server_is_controlled_through_its_own_socket(two_app_servers):
    server_a, server_b = two_app_servers

    pids_a, pids_b = worker_pids(server_a), worker_pids(server_b)
    control(server_a, "worker add 1")
    pids_a_after = wait_for_workers(server_a, 2)
    pids_b_after = worker_pids(server_b)

    assert control_socket(server_a) != control_socket(server_b)
    assert control_socket(server_a).is_socket()
    assert control_socket(server_b).is_socket()
    assert len(pids_a) == len(pids_b) == 1
    assert pids_a < pids_a_after
    assert pids_a_after == child_pids(server_a)
    assert pids_b_after == pids_b == child_pids(server_b)
    assert http_get(server_a.port, "/healthz")[0] == 200
    assert http_get(server_b.port, "/healthz")[0] == 200


@pytest.mark.django_db(transaction=True)
def test_stopping_one_server_leaves_the_others_socket_working(two_app_servers):
    server_a, server_b = two_app_servers
    pids_b = worker_pids(server_b)

    server_a.stop()

    assert not control_socket(server_a).exists()
    assert control_socket(server_b).is_socket()
    assert worker_pids(server_b) == pids_b == child_pids(server_b)
    assert http_get(server_b.port, "/healthz")[0] == 200
