"""A real S3-protocol server for the tests (moto's, in server mode, a process of its own on
loopback) and private buckets on it: the platform's object storage (tests/platform/
test_object_storage.py) and the restore drill's uploads (tests/platform/test_backups.py).
Nothing in boto3 is patched: it speaks HTTP to the server.
"""

import contextlib
import subprocess
import sys
import uuid
from dataclasses import dataclass

import boto3
import requests

from tests.harness import free_port, wait_for

KEY_ID = "platform-test-key"
SECRET = "platform-test-secret"  # noqa: S105 — moto accepts any key
REGION = "us-east-1"


@dataclass
class Bucket:
    name: str
    endpoint: str
    client: object

    def objects(self) -> set[str]:
        listing = self.client.list_objects_v2(Bucket=self.name)
        return {item["Key"] for item in listing.get("Contents", [])}

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()

    def environment(self) -> dict[str, str]:
        """What an operator puts in `.env` for this bucket."""
        return {
            "S3_BUCKET": self.name,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": KEY_ID,
            "S3_SECRET_ACCESS_KEY": SECRET,
            "S3_ADDRESSING_STYLE": "path",
        }


def _answers(url: str, process: subprocess.Popen) -> bool:
    assert process.poll() is None, "the S3 server exited"
    try:
        requests.get(url, timeout=1)
    except requests.ConnectionError:
        return False
    return True


@contextlib.contextmanager
def s3_server():
    """The server's URL while it runs."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(url, process), timeout=30, message="the S3 server")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def client(server: str):
    """A boto3 S3 client of `server`."""
    return boto3.client(
        "s3",
        endpoint_url=server,
        region_name=REGION,
        aws_access_key_id=KEY_ID,
        aws_secret_access_key=SECRET,
    )


def new_bucket(server: str) -> Bucket:
    """A private bucket of its own on `server`."""
    bucket = Bucket(f"fp-{uuid.uuid4().hex[:16]}", server, client(server))
    bucket.client.create_bucket(Bucket=bucket.name, ACL="private")
    return bucket
