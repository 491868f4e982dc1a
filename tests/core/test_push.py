"""Web Push: a notice reaches the browsers a citizen subscribed, through a real push service on
loopback that decrypts it (RFC 8291) and checks the VAPID signature; a failing push service is
retried and nobody gets a notice twice; a subscription the service calls gone is never used again."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from appeals.models import Appeal
from core import outbox
from core.models import Notification, PushSubscription
from tests.appeals.factories import world_appeal
from tests.core.push_service import Browser, PushService, vapid_signed

pytestmark = pytest.mark.django_db
N = Notification.Status


def subscribe(user, service: PushService, name: str) -> Browser:
    browser = Browser()
    PushSubscription.objects.create(
        user=user, endpoint=service.endpoint(name), p256dh=browser.p256dh, auth=browser.auth
    )
    user.notice_push = True
    user.save(update_fields=["notice_push"])
    return browser


def push_row(appeal, template="registered") -> Notification:
    return Notification.objects.get(appeal=appeal, template=template, channel="push")


def test_a_notice_is_pushed_encrypted_for_the_browser_and_signed(world, vapid):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    with PushService() as service:
        browser = subscribe(world.citizen, service, "phone")
        outbox.notify(recipient=world.citizen, appeal=appeal, template="registered")
        assert push_row(appeal).status == N.PENDING
        assert outbox.send_pending() == 2  # the e-mail and the push
        assert outbox.send_pending() == 0
        [received] = service.accepted("phone")
    shown = browser.decrypt(received.body)
    assert shown["title"] == f"Обращение {appeal.number} зарегистрировано"
    assert shown["url"].endswith(f"/appeals/{appeal.number}/")
    assert received.headers["content-encoding"] == "aes128gcm"
    assert int(received.headers["ttl"]) > 0
    assert vapid_signed(received, vapid)
    assert push_row(appeal).status == N.SENT
    assert PushSubscription.objects.get().last_success_at is not None


def test_a_failing_push_service_is_retried_and_each_browser_gets_the_notice_once(world, vapid):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    with PushService() as service:
        phone = subscribe(world.citizen, service, "phone")
        laptop = subscribe(world.citizen, service, "laptop")
        service.answers["/push/laptop"] = [503, 502]
        outbox.notify(recipient=world.citizen, appeal=appeal, template="registered")
        outbox.send_pending()
        row = push_row(appeal)
        assert row.status == N.PENDING and row.attempts == 1 and "503" in row.last_error
        assert len(service.accepted("phone")) == 1 and not service.accepted("laptop")
        assert outbox.send_pending() == 0  # not before the back-off ends
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            outbox.send_pending()
            assert push_row(appeal).attempts == 2
        with time_machine.travel(timezone.now() + timedelta(minutes=10)):
            assert outbox.send_pending() == 1
        row = push_row(appeal)
        assert row.status == N.SENT and row.attempts == 3
        assert len(service.accepted("phone")) == 1 and len(service.accepted("laptop")) == 1
        assert (
            laptop.decrypt(service.accepted("laptop")[0].body)["title"]
            == (phone.decrypt(service.accepted("phone")[0].body)["title"])
        )


def test_a_subscription_the_push_service_calls_gone_is_never_used_again(world, vapid):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    with PushService() as service:
        subscribe(world.citizen, service, "old")
        service.answers["/push/old"] = [410]
        outbox.notify(recipient=world.citizen, appeal=appeal, template="registered")
        outbox.send_pending()
        row = push_row(appeal)
        assert row.status == N.FAILED and row.attempts == 1  # no retry: nobody to push to
        assert PushSubscription.objects.get().gone_at is not None
        outbox.notify(recipient=world.citizen, appeal=appeal, template="redirected")
        outbox.send_pending()
        assert push_row(appeal, "redirected").status == N.FAILED
    assert not service.received


def test_no_push_is_written_without_vapid_keys_or_without_the_citizen_s_choice(world, settings):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    settings.WEBPUSH_VAPID_PRIVATE_KEY = ""
    world.citizen.notice_push = True
    world.citizen.save(update_fields=["notice_push"])
    outbox.notify(recipient=world.citizen, appeal=appeal, template="registered")
    assert not Notification.objects.filter(channel="push").exists()
