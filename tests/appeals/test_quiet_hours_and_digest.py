"""No e-mails at night in the region's local time (except urgent ones), and one daily digest for
the staff who ask for it instead of an e-mail per change of their queue."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from accounts.models import AuditEvent
from appeals.models import Appeal
from core import outbox
from core.models import Notification
from feedback_platform.settings import _quiet_hours
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
N = Notification.Status
KAMCHATKA = ZoneInfo("Asia/Kamchatka")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=KAMCHATKA)


@pytest.fixture
def night(settings):
    settings.NOTICE_QUIET_HOURS = (22, 8)
    settings.TIME_ZONE = "Asia/Kamchatka"


def _email(appeal, template="closed"):
    return Notification.objects.get(appeal=appeal, template=template, channel="email")


def test_a_notice_written_at_night_waits_for_the_morning_and_an_urgent_one_does_not(
    world, night, django_capture_on_commit_callbacks
):
    appeal = world_appeal(world, S.CLOSED)
    with time_machine.travel(at("2026-12-02T23:30"), tick=False):
        with django_capture_on_commit_callbacks() as queued:
            outbox.notify(recipient=world.citizen, appeal=appeal, template="closed")
        with django_capture_on_commit_callbacks() as queued_urgent:
            outbox.notify(recipient=world.citizen, appeal=appeal, template="flagged", urgent=True)
        # Only the urgent one is handed to the broker at once (besides the unread-count reset).
        assert len(queued_urgent) == len(queued) + 1
        assert _email(appeal).next_attempt_at == at("2026-12-03T08:00")
        assert _email(appeal, "flagged").next_attempt_at == at("2026-12-02T23:30")
        assert outbox.send_pending() == 1  # the urgent one only
    with time_machine.travel(at("2026-12-03T07:59"), tick=False):
        assert outbox.send_pending() == 0
    with time_machine.travel(at("2026-12-03T08:01"), tick=False):
        assert outbox.send_pending() == 1
    assert len(mail.outbox) == 2
    with time_machine.travel(at("2026-12-03T14:00"), tick=False):
        outbox.notify(recipient=world.citizen, appeal=appeal, template="rejected")
        assert _email(appeal, "rejected").next_attempt_at == at("2026-12-03T14:00")


def test_quiet_hours_are_read_from_the_environment_and_a_bad_value_is_refused():
    assert _quiet_hours("22-8") == (22, 8) and _quiet_hours("1-6") == (1, 6)
    assert _quiet_hours("") is None
    for bad in ("22", "25-8", "8-8", "ночь"):
        with pytest.raises(ImproperlyConfigured):
            _quiet_hours(bad)


def test_staff_who_ask_get_one_digest_a_morning_and_the_law_s_notices_at_once(world, night):
    executor = world.executor
    executor.staff_digest = True
    executor.save(update_fields=["staff_digest"])
    appeal = world_appeal(world, S.IN_PROGRESS, executor=executor)
    own = world_appeal(world, S.REGISTERED, citizen=executor)
    with time_machine.travel(at("2026-12-02T15:00"), tick=False):
        outbox.notify(recipient=executor, appeal=appeal, template="reopened")
        outbox.notify(recipient=executor, appeal=appeal, template="clarification_replied")
        outbox.notify_bulk([(executor, appeal, "due_soon", {"due": "05.12.2026"}, True)])
        outbox.notify(recipient=executor, appeal=own, template="registered")  # their own appeal
        outbox.notify(recipient=executor, appeal=appeal, template="answered", required=True)
        rows = Notification.objects.filter(recipient=executor, channel="email")
        assert sorted(rows.filter(status=N.HELD).values_list("template", flat=True)) == [
            "clarification_replied",
            "due_soon",
            "reopened",
        ]
        assert rows.filter(status=N.PENDING).count() == 2
        assert outbox.send_digests() == 0  # held after this morning: tomorrow's digest
    with time_machine.travel(at("2026-12-03T08:30"), tick=False):
        assert outbox.send_digests() == 1
        assert outbox.send_digests() == 0  # run twice: one digest
        outbox.send_pending()
    digests = [m for m in mail.outbox if "Ваша работа сегодня" in m.subject]
    assert len(digests) == 1 and digests[0].to == [executor.email]
    assert "изменений — 3" in digests[0].subject
    assert digests[0].body.count("\n— ") == 3 and digests[0].body.count(appeal.number) == 3
    assert not Notification.objects.filter(recipient=executor, status=N.HELD).exists()
    # Their own appeal's notice and the required one went out on their own, not in the digest.
    assert len(mail.outbox) == 3


def test_the_digest_choice_is_on_a_staff_profile_only_and_is_audited(client, world):
    client.force_login(world.citizen)
    assert "одно письмо в день" not in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(world.executor)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "одно письмо в день о моей работе" in page.lower()
    response = client.post(
        reverse("accounts:profile"),
        {
            "last_name": world.executor.last_name or "Петров",
            "first_name": world.executor.first_name or "Пётр",
            "staff_digest": "on",
        },
    )
    assert response.status_code == 302
    world.executor.refresh_from_db()
    assert world.executor.staff_digest is True
    event = AuditEvent.objects.get(target_user=world.executor, action="profile_updated")
    assert "staff_digest" in event.changes["fields"]
