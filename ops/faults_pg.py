"""A throwaway PostgreSQL cluster for scripts that stop and start their database.

The shared development cluster in var/pg must never be restarted (other people's tests use
it), so a script that needs to pull the plug initialises its own cluster in a directory of
its own, listening only on a Unix socket there, and deletes it afterwards.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import quote


def bindir():
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(str(path) for path in Path("/usr/lib/postgresql").glob("*/bin"))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise SystemExit(
        "PostgreSQL binaries (initdb, pg_ctl) not found: run `make db` once, or apt-get install postgresql."
    )


class ThrowawayCluster:
    """initdb, start, stop and restart a cluster in `directory` (created, then deleted)."""

    user = "newsroom"
    database = "newsroom"

    def __init__(self, directory):
        self.directory = Path(directory).resolve()
        self.data = self.directory / "data"
        self.socket_dir = self.directory / "run"
        self.log = self.directory / "postgres.log"
        self.bin = bindir()

    def _as_owner(self, *command, check=True, timeout=60):
        # initdb refuses to run as root, so root runs the cluster as the postgres user.
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        return subprocess.run(command, check=check, capture_output=True, text=True, timeout=timeout)

    @property
    def url(self):
        return f"postgres://{self.user}@{quote(str(self.socket_dir), safe='')}/{self.database}"

    def create(self):
        if self.directory.exists():
            self.destroy()
        self.socket_dir.mkdir(parents=True)
        if os.geteuid() == 0:
            if subprocess.run(["id", "postgres"], capture_output=True).returncode != 0:
                subprocess.run(["useradd", "--system", "--no-create-home", "postgres"], check=True)
            shutil.chown(self.directory, "postgres")
            shutil.chown(self.socket_dir, "postgres")
        self._as_owner(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", self.user, "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "listen_addresses = ''\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "max_connections = 60\n"
                "shared_buffers = 32MB\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
            )
        self.start()
        self._as_owner(str(self.bin / "createdb"), "-h", str(self.socket_dir), "-U", self.user, self.database)

    def start(self):
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30", "start"
        )

    def stop(self, mode="fast"):
        self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def restart(self, mode="fast"):
        started = time.monotonic()
        self._as_owner(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "restart"
        )  # fmt: skip
        return time.monotonic() - started

    def running(self):
        return (
            self._as_owner(str(self.bin / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode
            == 0
        )

    def destroy(self):
        if (self.data / "PG_VERSION").exists() and self.running():
            self.stop(mode="immediate")
        shutil.rmtree(self.directory, ignore_errors=True)
