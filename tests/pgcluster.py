"""Real PostgreSQL clusters for the tests that need one of their own (the read replica, the
restore drill): initdb'd in a temporary directory, started on a free port as the `postgres` user
(initdb and postgres refuse root), loaded with a copy of the test database.

Plain classes and functions, like tests/harness.py; the fixtures stay in the test files.
"""

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg
from django.db import connection

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
# A throwaway cluster: nothing to keep safe from a power cut.
FAST = "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"


def as_postgres(command: list[str]) -> list[str]:
    """`command` run as the postgres user when the tests run as root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class Postgres:
    """One PostgreSQL cluster in `datadir` on a port of its own, run as a non-root user."""

    def __init__(self, datadir: Path, port: int):
        self.datadir = datadir
        self.port = port

    def run(self, binary: str, *args: str, timeout: float = 120) -> str:
        command = as_postgres([str(PG_BIN / binary), *args])
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout)  # noqa: S603
        assert result.returncode == 0, (command, result.stdout, result.stderr)
        return result.stdout

    def init(self, settings: str = "") -> None:
        """initdb with trust auth, listening on loopback, with `settings` appended."""
        self.run("initdb", "-D", str(self.datadir), "-U", "postgres", "--auth=trust")
        self.configure("listen_addresses = '127.0.0.1'\n" + settings)

    def configure(self, settings: str) -> None:
        with (self.datadir / "postgresql.conf").open("a") as conf:
            conf.write(settings)

    @property
    def log(self) -> Path:
        return self.datadir.parent / f"{self.datadir.name}.log"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.datadir.parent}"
        self.run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-o", options, "-w", "start"
        )

    def stop(self, mode: str = "fast") -> None:
        if (self.datadir / "postmaster.pid").exists():
            self.run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "stop")

    def kill(self) -> None:
        """The end of a test: an immediate stop, whatever state the cluster is in."""
        with contextlib.suppress(AssertionError, subprocess.TimeoutExpired):
            self.stop("immediate")

    def url(self, database: str = "fp", user: str = "postgres") -> str:
        return f"postgres://{user}@127.0.0.1:{self.port}/{database}"

    def query(self, sql: str, params=(), database: str = "fp"):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def load_test_database(self) -> None:
        """Database `fp` made a copy of the test database as it is now (pg_dump | psql)."""
        self.query("CREATE DATABASE fp", database="postgres")
        source = (
            os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
        )
        dump = subprocess.run(  # noqa: S603
            [str(PG_BIN / "pg_dump"), "--no-owner", source],
            capture_output=True,
            check=True,
            timeout=120,
        )
        load = subprocess.run(  # noqa: S603
            [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", self.url()],
            input=dump.stdout,
            capture_output=True,
            timeout=120,
        )
        assert load.returncode == 0, load.stderr.decode()[-2000:]


@contextlib.contextmanager
def postgres_workdir(prefix: str):
    """A temporary directory the postgres user owns (not tmp_path: pytest's base directory is
    root's alone, and the clusters run as postgres); removed at the end."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(path, account.pw_uid, account.pw_gid)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
