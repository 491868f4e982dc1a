"""What people see of the background work: marks in lists, the moderator's overdue list, the
platform admin's background health page."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from appeals import services
from appeals.models import Appeal
from appeals.services import sweeps
from core import outbox
from core.models import Notification
from core.outbox import MAX_ATTEMPTS
from tests.appeals.factories import make_appeal
from tests.core.smsc import Smsc
from tests.harness import free_port

S = Appeal.Status


def _overdue(world):
    return make_appeal(
        S.IN_PROGRESS,
        organization=world.organization,
        citizen=world.citizen,
        region=world.region,
        category=world.category,
        municipality=world.municipality,
        due_at=timezone.now() - timedelta(days=1),
    )


@pytest.mark.django_db
def test_the_moderator_sees_the_marked_overdue_appeals_of_the_region_without_citizen_data(
    client, world
):
    appeal = _overdue(world)
    client.force_login(world.moderator)
    assert (
        appeal.number not in client.get(reverse("moderation:overdue")).content.decode()
    )  # not swept yet
    sweeps.mark_overdue()
    page = client.get(reverse("moderation:overdue")).content.decode()
    assert appeal.number in page and world.organization.name in page
    assert world.citizen.last_name not in page and appeal.text[:20] not in page


@pytest.mark.django_db
def test_only_moderators_open_the_overdue_list(client, world):
    client.force_login(world.executor)
    assert client.get(reverse("moderation:overdue")).status_code == 403


@pytest.mark.django_db
def test_background_health_shows_sweeps_outbox_and_failed_emails(client, world, platform_admin):
    _overdue(world)
    sweeps.run_recorded(name="mark_overdue", sweep=sweeps.mark_overdue)
    failed = Notification.objects.filter(channel="email", template="overdue").first()
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", attempts=MAX_ATTEMPTS, last_error="SMTP 550 mailbox unavailable"
    )
    client.force_login(platform_admin)
    page = client.get(reverse("background_health")).content.decode()
    assert "mark_overdue" in page and "send_pending_notifications" in page
    assert "SMTP 550 mailbox unavailable" in page
    assert "никогда" in page  # sweeps that never ran say so (stale)

    response = client.post(reverse("background_health_retry"), {"notification": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "pending" and failed.attempts == 0
    assert AuditEvent.objects.filter(actor=platform_admin, action="notifications_retried").exists()


def _failed(world, appeal, channel):
    return Notification.objects.create(
        recipient=world.citizen,
        appeal=appeal,
        channel=channel,
        template="registered",
        context={"number": appeal.number},
        status=Notification.Status.FAILED,
        attempts=MAX_ATTEMPTS,
        last_error=f"{channel}: the service refused",
    )


@pytest.mark.django_db
def test_background_health_lists_failed_push_and_sms_with_the_phone_masked_and_retries_them(
    client, world, platform_admin, settings
):
    settings.SMPP_HOST, settings.SMPP_PORT = "127.0.0.1", free_port()
    settings.SMPP_SYSTEM_ID, settings.SMPP_PASSWORD = "pos", "secret"
    world.citizen.phone = "+7 914 123-45-12"
    world.citizen.save(update_fields=["phone"])
    appeal = _overdue(world)
    rows = {channel: _failed(world, appeal, channel) for channel in ("email", "push", "sms")}
    client.force_login(platform_admin)
    page = client.get(reverse("background_health")).content.decode()
    for channel in rows:
        assert f"{channel}: the service refused" in page
    assert "<td>push-уведомление</td>" in page and "<td>SMS</td>" in page
    assert "<td>+7 9** ***-**-12</td>" in page  # the SMS number, masked
    assert "914 123" not in page and "79141234512" not in page and "45-12" not in page
    assert world.citizen.email in page  # the e-mail row, as before
    for figure in (
        "Неотправленные письма",
        "Неотправленные push-уведомления",
        "Неотправленные SMS",
    ):
        assert f"<dt>{figure}</dt><dd>1</dd>" in page

    response = client.post(reverse("background_health_retry"), {"all": "1"}, follow=True)
    assert "3 уведомления будут отправлены повторно." in response.content.decode()
    for row in rows.values():
        row.refresh_from_db()
        assert (row.status, row.attempts, row.last_error) == ("pending", 0, "")
    # The SMS goes through the outbox's own SMS sender again, now that the gateway is up.
    with Smsc(port=settings.SMPP_PORT) as smsc:
        assert outbox.deliver(notification_id=rows["sms"].pk)
        assert smsc.texts() == [
            f"ПОС: Обращение {appeal.number} зарегистрировано "
            f"{settings.SITE_URL}/appeals/{appeal.number}/"
        ]
    page = client.get(reverse("background_health")).content.decode()
    assert "+7 9** ***-**-12" not in page and "Неотправленных уведомлений нет." in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["citizen", "executor", "head", "moderator"])
def test_background_health_is_for_platform_admins_only(client, world, role):
    client.force_login(getattr(world, role))
    assert client.get(reverse("background_health")).status_code == 403
    assert client.post(reverse("background_health_retry"), {"all": "1"}).status_code == 403


@pytest.mark.django_db
def test_staff_see_that_the_citizen_never_got_an_email(client, world):
    appeal = _overdue(world)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "не удалось доставить" not in page
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Ответ по существу.")
    Notification.objects.filter(appeal=appeal, recipient=world.citizen, channel="email").update(
        status="failed", attempts=MAX_ATTEMPTS
    )
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "не удалось доставить" in page


@pytest.mark.django_db
@pytest.mark.parametrize("channel", ["push", "sms"])
def test_staff_see_that_the_citizen_never_got_a_push_or_an_sms(client, world, channel):
    appeal = _overdue(world)
    Notification.objects.create(
        recipient=world.citizen,
        appeal=appeal,
        channel=Notification.Channel.EMAIL,
        template="registered",
        context={"number": appeal.number},
        status=Notification.Status.SENT,
    )
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "не удалось доставить" not in page
    _failed(world, appeal, channel)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "1 уведомление по этому обращению (письмо, push или SMS) не удалось доставить" in page
