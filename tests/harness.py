"""Helpers shared by tests of every app: ports, waiting on a condition, signed-in sessions, mail.

Fixtures stay in the conftest files; this module holds plain functions that any test, fixture or
helper module imports (`from tests.harness import free_port, wait_for`).
"""

import socket
import time
from email.message import Message
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY


def free_port() -> int:
    """A loopback TCP port nobody listens on (now): for a server the test starts, or to dial a
    service that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dead_redis_url(db: int) -> str:
    """A Redis URL that refuses connections: Redis "down" without stopping anyone's Redis."""
    return f"redis://127.0.0.1:{free_port()}/{db}"


def wait_for(
    predicate, *, timeout: float, interval: float = 0.2, message: str = "condition"
) -> None:
    """Poll `predicate` until it is true; fail after `timeout` seconds (never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def session_key_for(user) -> str:
    """A signed-in session of `user`, made the way the test client's force_login makes it (minus
    its signals), for a browser or a raw HTTP client: the value of the session cookie."""
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def mail_text(message: Message) -> str:
    """The plain-text part of a received e-mail (the whole body of a one-part message)."""
    part = message.get_body(("plain",)) if hasattr(message, "get_body") else None
    payload = (part or message).get_payload(decode=True)
    return payload.decode((part or message).get_content_charset() or "utf-8")
