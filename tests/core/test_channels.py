"""The channel choice in the outbox: a row per channel the person chose, e-mail kept for what the
law requires, push not written for what waits for a staff digest."""

import pytest

from appeals.models import Appeal
from core import outbox
from core.models import Notification
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db


def channels(recipient, template) -> set[str]:
    return set(
        Notification.objects.filter(recipient=recipient, template=template).values_list(
            "channel", flat=True
        )
    )


def test_e_mail_turned_off_still_carries_the_notices_the_law_requires(world):
    appeal = world_appeal(world, Appeal.Status.ANSWERED)
    world.citizen.notice_email = False
    world.citizen.save(update_fields=["notice_email"])
    outbox.notify(recipient=world.citizen, appeal=appeal, template="closed")
    outbox.notify(recipient=world.citizen, appeal=appeal, template="answered", required=True)
    assert channels(world.citizen, "closed") == {"in_app"}
    assert channels(world.citizen, "answered") == {"in_app", "email"}


def test_every_chosen_channel_gets_its_own_row_in_one_write_and_bulk_notices_too(
    world, vapid, settings
):
    settings.SMPP_HOST = "127.0.0.1"
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    citizen = world.citizen
    citizen.notice_push, citizen.notice_sms, citizen.phone = True, True, "+79141234567"
    citizen.save(update_fields=["notice_push", "notice_sms", "phone"])
    outbox.notify(recipient=citizen, appeal=appeal, template="registered")
    assert channels(citizen, "registered") == {"in_app", "email", "push", "sms"}
    outbox.notify_bulk([(citizen, appeal, "rating_reminder", {}, True)])
    assert channels(citizen, "rating_reminder") == {"in_app", "email", "push", "sms"}
    outbox.notify(recipient=citizen, appeal=appeal, template="closed", email=False)
    assert channels(citizen, "closed") == {"in_app"}


def test_what_waits_for_a_staff_digest_is_not_pushed(world, vapid):
    executor = world.executor
    executor.staff_digest, executor.notice_push = True, True
    executor.save(update_fields=["staff_digest", "notice_push"])
    appeal = world_appeal(world, Appeal.Status.IN_PROGRESS, executor=executor)
    outbox.notify(recipient=executor, appeal=appeal, template="clarification_replied")
    assert channels(executor, "clarification_replied") == {"in_app", "email"}
    outbox.notify(recipient=executor, appeal=appeal, template="flagged", urgent=True)
    assert channels(executor, "flagged") == {"in_app", "email", "push"}
