"""A Web Push service on loopback for the tests: it takes what the platform pushes, decrypts the
payload as a browser would (RFC 8291, aes128gcm) with the subscription's own private key, and
checks the VAPID signature (RFC 8292).

A browser's subscription is made here too: an ECDH key pair on P-256 and a 16-byte auth secret,
generated with `cryptography`, whose public half and secret the platform encrypts for.
"""

import base64
import http.server
import json
import os
import threading
from dataclasses import dataclass, field

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02

from tests.harness import free_port


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class Browser:
    """One browser's subscription keys (what PushManager.subscribe() returns to a page)."""

    private_key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64url(self.auth_secret)

    def decrypt(self, body: bytes) -> dict:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth_secret, version="aes128gcm"
        )
        return json.loads(plain.decode("utf-8"))


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


class PushService:
    """An HTTP push service in a thread. `answers[path]` is a list of statuses to answer in turn
    (201 once it runs out); every request is kept in `received`."""

    def __init__(self):
        self.port = free_port()
        self.received: list[Received] = []
        self.answers: dict[str, list[int]] = {}
        self._lock = threading.Lock()
        service = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's hook name
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with service._lock:
                    queue = service.answers.get(self.path, [])
                    status = queue.pop(0) if queue else 201
                    if 200 <= status < 300:
                        service.received.append(
                            Received(
                                self.path, {k.lower(): v for k, v in self.headers.items()}, body
                            )
                        )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def endpoint(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/push/{name}"

    def accepted(self, name: str) -> list[Received]:
        with self._lock:
            return [item for item in self.received if item.path == f"/push/{name}"]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def vapid_signed(received: Received, public_key: str) -> bool:
    """The request carries a VAPID token (RFC 8292) signed with the platform's key."""
    authorization = received.headers.get("authorization", "")
    return (
        authorization.startswith("vapid ")
        and f"k={public_key}" in authorization
        and (Vapid02.verify(authorization))
    )
