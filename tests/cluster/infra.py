"""The shared parts of a multi-node installation, as real processes on loopback, for
tests/cluster/: a PostgreSQL primary with a streaming replica loaded from the test database, an
S3-protocol server with a private bucket, and a browser that also posts files.

The pieces are those of the tests that proved each part alone (tests/pgcluster.py,
tests/s3server.py, tests/appeals/background.py), imported, not copied.
"""

import contextlib
import http.client
from collections.abc import Iterator
from pathlib import Path

from tests import s3server
from tests.appeals.background import HttpClient
from tests.harness import free_port, wait_for
from tests.pgcluster import FAST, Postgres
from tests.s3server import Bucket


@contextlib.contextmanager
def primary_and_replica(workdir: Path) -> Iterator[tuple[Postgres, Postgres]]:
    """A primary loaded with the test database and a hot standby streaming from it, which logs
    every statement it runs (`replica_log`: which reads it served) and is read as `reader`, a
    role that may only SELECT (README «Read replica»)."""
    primary = Postgres(workdir / "primary", free_port())
    replica = Postgres(workdir / "replica", free_port())
    try:
        primary.init("wal_level = replica\nmax_wal_senders = 4\nmax_connections = 200\n" + FAST)
        primary.start()
        primary.load_test_database()
        primary.query("CREATE ROLE reader LOGIN")
        primary.query("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast"),
        )
        replica.configure("log_statement = 'all'\nlog_line_prefix = '%u@%d '\n")
        replica.start()
        wait_for(
            lambda: replica.query("SELECT status FROM pg_stat_wal_receiver") == [("streaming",)],
            timeout=30,
            message="the standby streaming",
        )
        yield primary, replica
    finally:
        replica.kill()
        primary.kill()


def replica_log(replica: Postgres) -> str:
    return replica.log.read_text(errors="replace")


@contextlib.contextmanager
def s3_bucket() -> Iterator[Bucket]:
    """moto's S3 server as a process of its own, with a private bucket made in it."""
    with s3server.s3_server() as server:
        yield s3server.new_bucket(server)


class Browser(HttpClient):
    """HttpClient that also downloads files and moves to another node with its cookie jar;
    `csrf`: a token of its signed-in session, for its posts."""

    csrf = ""

    def download(self, path: str) -> tuple[int, bytes]:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def on(self, port: int) -> "Browser":
        """The same browser (its cookie jar shared) talking to another node."""
        other = Browser(port)
        other.cookies = self.cookies
        return other
