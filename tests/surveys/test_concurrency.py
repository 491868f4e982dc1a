"""200 citizens each send the same ballot twice at the same moment, through a live server on real
PostgreSQL: exactly 200 ballots are counted and no request fails.

The server is pytest-django's LiveServer (Django's threaded WSGI server) with one change: at most
SLOTS requests run at once, like a production server's worker pool. Without it 400 simultaneous
requests would each open a database connection, beyond PostgreSQL's max_connections (100),
and the test would measure the database's connection limit instead of our constraint.
"""

import http.client
import threading
import time
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import IntegrityError
from django.test.testcases import LiveServerThread
from pytest_django.live_server_helper import LiveServer

from accounts.models import User
from surveys.models import Answer, Response
from tests.harness import session_key_for
from tests.surveys.factories import make_survey

pytestmark = pytest.mark.django_db(transaction=True)

CITIZENS = 200
ATTEMPTS = 2
SLOTS = 40
CSRF = "c" * 32  # an unmasked CSRF secret: valid as cookie and as form token


class BoundedServer(ThreadedWSGIServer):
    request_queue_size = 1024  # every simultaneous connection is accepted, none refused
    slots = threading.BoundedSemaphore(SLOTS)

    def process_request_thread(self, request, client_address):
        with self.slots:  # the request, and closing its database connection, hold a slot
            super().process_request_thread(request, client_address)


@pytest.fixture
def bounded_live_server(transactional_db, monkeypatch):
    monkeypatch.setattr(LiveServerThread, "server_class", BoundedServer)
    server = LiveServer("localhost")
    yield server
    server.stop()


def _session_cookies(users) -> list[str]:
    """Signed-in sessions made the way the test client's force_login makes them, minus its signals."""
    return [session_key_for(user) for user in users]


def _count_constraint_refusals(monkeypatch) -> list[int]:
    """Count the inserts refused by the unique constraint (the race the pre-check cannot see)."""
    count = [0]
    manager = Response.objects
    original = manager.create

    def create(**kwargs):
        try:
            return original(**kwargs)
        except IntegrityError:
            count[0] += 1
            raise

    monkeypatch.setattr(manager, "create", create)
    return count


def test_200_citizens_double_submitting_the_same_vote_at_once_are_counted_once(
    bounded_live_server, organization, municipality, monkeypatch
):
    survey = make_survey(organization=organization, kind="vote")
    question = survey.questions.get()
    option = question.options.first()
    users = User.objects.bulk_create(
        User(email=f"voter{n}@example.ru", municipality=municipality, password="!")
        for n in range(CITIZENS)
    )
    EmailAddress.objects.bulk_create(
        EmailAddress(user=user, email=user.email, verified=True, primary=True) for user in users
    )
    started = time.monotonic()
    cookies = _session_cookies(users)
    logged_in = time.monotonic()
    lost_races = _count_constraint_refusals(monkeypatch)

    address = urlsplit(bounded_live_server.url)
    path = f"/surveys/{survey.pk}/respond/"
    body = f"csrfmiddlewaretoken={CSRF}&q{question.pk}={option.pk}"
    barrier = threading.Barrier(CITIZENS * ATTEMPTS)
    statuses: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def submit(session_id: str) -> None:
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={session_id}; {settings.CSRF_COOKIE_NAME}={CSRF}",
        }
        try:
            barrier.wait(timeout=60)
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            with lock:
                statuses.append(response.status)
        except Exception as error:  # noqa: BLE001 — a failed request is reported by the assertion
            with lock:
                errors.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=(cookie,))
        for cookie in cookies
        for _ in range(ATTEMPTS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    print(
        f"sessions {logged_in - started:.1f} s; {len(statuses)} requests in {time.monotonic() - logged_in:.1f} s; "
        f"{lost_races[0]} double submits stopped by the unique constraint, the rest by the pre-check"
    )

    assert errors == []
    assert len(statuses) == CITIZENS * ATTEMPTS
    assert [status for status in statuses if status >= 500] == []
    # Every request ends in the redirect back to the vote: counted, or "you have already taken part".
    assert set(statuses) == {302}
    assert Response.objects.filter(survey=survey).count() == CITIZENS
    assert Response.objects.filter(survey=survey).values("citizen").distinct().count() == CITIZENS
    assert Answer.objects.filter(question=question, option=option).count() == CITIZENS
