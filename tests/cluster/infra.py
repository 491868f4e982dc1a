"""The shared parts of a multi-node installation, as real processes on loopback, for
tests/cluster/: a PostgreSQL primary with a streaming replica loaded from the test database, an
S3-protocol server with a private bucket, and a browser that also posts files.

The pieces are those of the tests that proved each part alone (tests/platform/test_replica.py,
tests/platform/test_object_storage.py, tests/appeals/background.py), imported, not copied.
"""

import contextlib
import http.client
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import boto3
import psycopg
from django.db import connection

from tests.appeals.background import HttpClient
from tests.harness import free_port, wait_for
from tests.platform.test_object_storage import KEY_ID, REGION, SECRET, Bucket, _answers
from tests.platform.test_replica import PG_BIN, Postgres


@contextlib.contextmanager
def postgres_workdir() -> Iterator[Path]:
    # Not tmp_path: pytest's base directory is root's alone, and the clusters run as postgres.
    path = Path(tempfile.mkdtemp(prefix="fp-cluster-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(path, account.pw_uid, account.pw_gid)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _load_test_database(primary: Postgres) -> None:
    """The test database (what the test made before) copied into the primary's `fp`."""
    with psycopg.connect(primary.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE fp")
    source = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    dump = subprocess.run(  # noqa: S603 — the machine's pg_dump
        [str(PG_BIN / "pg_dump"), "--no-owner", source],
        capture_output=True,
        check=True,
        timeout=120,
    )
    load = subprocess.run(  # noqa: S603
        [str(PG_BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", primary.url()],
        input=dump.stdout,
        capture_output=True,
        timeout=120,
    )
    assert load.returncode == 0, load.stderr.decode()[-2000:]


@contextlib.contextmanager
def primary_and_replica(workdir: Path) -> Iterator[tuple[Postgres, Postgres]]:
    """A primary loaded with the test database and a hot standby streaming from it, which logs
    every statement it runs (`replica_log`: which reads it served) and is read as `reader`, a
    role that may only SELECT (README «Read replica»)."""
    primary = Postgres(workdir / "primary", free_port())
    replica = Postgres(workdir / "replica", free_port())
    try:
        primary.run("initdb", "-D", str(primary.datadir), "-U", "postgres", "--auth=trust")
        with (primary.datadir / "postgresql.conf").open("a") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\nwal_level = replica\nmax_wal_senders = 4\n"
                "max_connections = 200\nfsync = off\nsynchronous_commit = off\n"
                "full_page_writes = off\n"
            )
        primary.start()
        _load_test_database(primary)
        primary.query("CREATE ROLE reader LOGIN")
        primary.query("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader")
        replica.run(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(replica.datadir), "-R", "-X", "stream", "-c", "fast"),
        )
        with (replica.datadir / "postgresql.conf").open("a") as conf:
            conf.write("log_statement = 'all'\nlog_line_prefix = '%u@%d '\n")
        replica.start()
        wait_for(
            lambda: replica.query("SELECT status FROM pg_stat_wal_receiver") == [("streaming",)],
            timeout=30,
            message="the standby streaming",
        )
        yield primary, replica
    finally:
        with contextlib.suppress(AssertionError):
            replica.stop("immediate")
        with contextlib.suppress(AssertionError):
            primary.stop("immediate")


def replica_log(replica: Postgres) -> str:
    path = replica.datadir.parent / f"{replica.datadir.name}.log"
    return path.read_text(errors="replace")


@contextlib.contextmanager
def s3_bucket() -> Iterator[Bucket]:
    """moto's S3 server as a process of its own, with a private bucket made in it."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 — our own interpreter
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url, process), timeout=30, message="the S3 server")
        client = boto3.client(
            "s3",
            endpoint_url=url,
            region_name=REGION,
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )
        bucket = Bucket(f"fp-{uuid.uuid4().hex[:16]}", url, client)
        client.create_bucket(Bucket=bucket.name, ACL="private")
        yield bucket
    finally:
        process.terminate()
        process.wait(timeout=10)


class Browser(HttpClient):
    """HttpClient that also sends a form with files (multipart/form-data), as a browser does;
    `csrf`: a token of its signed-in session, for its posts."""

    csrf = ""

    def post_files(self, path: str, form: dict, files: dict[str, tuple[str, bytes, str]]):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in form.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, content, content_type) in files.items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "Accept": "text/html",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"http://127.0.0.1:{self.port}{path}",
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        }
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        return response.status, response.getheader("Location"), data.decode("utf-8", "replace")

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
