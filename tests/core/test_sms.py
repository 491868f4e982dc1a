"""SMS through an SMPP 3.4 gateway: a short Russian status line in UCS-2 parts reaches a real SMSC
on loopback, its delivery receipts are stored, and a gateway that is down (or fails half-way)
delays the SMS without losing it or sending any part twice."""

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from appeals.models import Appeal
from core import outbox, sms
from core.models import Notification, SmsPart
from tests.appeals.factories import world_appeal
from tests.core.smsc import Smsc
from tests.harness import free_port

pytestmark = pytest.mark.django_db
N = Notification.Status
KAMCHATKA = ZoneInfo("Asia/Kamchatka")


@pytest.fixture
def gateway(settings):
    """The SMPP settings of a gateway on a loopback port nobody listens on yet."""
    settings.SMPP_HOST = "127.0.0.1"
    settings.SMPP_PORT = free_port()
    settings.SMPP_SYSTEM_ID = "pos"
    settings.SMPP_PASSWORD = "secret"
    settings.SMPP_SOURCE_ADDR = "POS"
    settings.SMPP_TIMEOUT = 5
    return settings


@pytest.fixture
def texting_citizen(world):
    world.citizen.phone = "+79141234567"
    world.citizen.notice_sms = True
    world.citizen.save(update_fields=["phone", "notice_sms"])
    return world.citizen


def sms_row(appeal, template="registered") -> Notification:
    return Notification.objects.get(appeal=appeal, template=template, channel="sms")


def receive_receipts(until, timeout=15.0) -> None:
    deadline = time.monotonic() + timeout
    sms.listen(
        stop=lambda: until() or time.monotonic() > deadline,
        poll_seconds=0.2,
        reconnect_seconds=0.2,
    )


def test_a_status_notice_reaches_the_smsc_in_ucs2_parts_and_its_receipts_are_stored(
    world, gateway, texting_citizen
):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    with Smsc(port=gateway.SMPP_PORT) as smsc:
        outbox.notify(recipient=texting_citizen, appeal=appeal, template="registered")
        assert outbox.send_pending() == 2  # the e-mail and the SMS
        link = f"http://127.0.0.1:8000/appeals/{appeal.number}/"
        expected = f"ПОС: Обращение {appeal.number} зарегистрировано {link}"
        assert smsc.texts() == [expected]
        parts = smsc.submitted
        assert len(parts) == 2  # longer than 70 UCS-2 characters, within two parts
        assert {(p.data_coding, p.registered_delivery, p.esm_class & 0x40) for p in parts} == {
            (8, 1, 0x40)
        }
        assert {p.destination_addr for p in parts} == {"79141234567"}
        assert {(p.source_addr_ton, p.source_addr) for p in parts} == {(5, "POS")}
        row = sms_row(appeal)
        assert row.status == N.SENT and row.delivered_at is None
        assert list(row.sms_parts.values_list("message_id", flat=True)) == [
            p.message_id for p in parts
        ]

        receive_receipts(until=lambda: sms_row(appeal).delivered_at is not None)
        assert sms_row(appeal).delivered_at is not None
        assert set(SmsPart.objects.values_list("receipt_status", "receipt_error")) == {
            ("DELIVRD", "000")
        }
        assert len(smsc.receipts_acknowledged) == 2


def test_a_gateway_that_is_down_delays_the_sms_which_is_sent_once_when_it_is_back(
    world, gateway, texting_citizen
):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    outbox.notify(recipient=texting_citizen, appeal=appeal, template="registered")
    outbox.send_pending()
    row = sms_row(appeal)
    assert row.status == N.PENDING and row.attempts == 1
    assert "not reachable" in row.last_error
    assert Notification.objects.get(appeal=appeal, channel="email").status == N.SENT
    with Smsc(port=gateway.SMPP_PORT) as smsc:
        assert outbox.send_pending() == 0  # the back-off holds it
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            assert outbox.send_pending() == 1
            assert outbox.send_pending() == 0
            assert outbox.deliver(notification_id=row.pk) is False  # the task, run again
        assert len(smsc.submitted) == 2 and len(smsc.texts()) == 1
    row = sms_row(appeal)
    assert row.status == N.SENT and row.attempts == 2


def test_a_gateway_failing_half_way_gets_only_the_missing_part_on_the_retry(
    world, gateway, texting_citizen
):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    with Smsc(port=gateway.SMPP_PORT) as smsc:
        smsc.drop_after = 1
        outbox.notify(recipient=texting_citizen, appeal=appeal, template="registered")
        outbox.send_pending()
        assert sms_row(appeal).status == N.PENDING and len(smsc.submitted) == 1
        with time_machine.travel(timezone.now() + timedelta(minutes=3)):
            assert outbox.send_pending() == 1
        assert len(smsc.submitted) == 2
        first, second = smsc.submitted
        assert first.udh[3] == second.udh[3]  # one reference: the phone joins them
        assert [first.udh[5], second.udh[5]] == [1, 2]
        assert smsc.texts()[0].startswith(f"ПОС: Обращение {appeal.number}")


def test_sms_goes_only_to_citizens_who_chose_it_about_their_own_appeal_and_not_at_night(
    world, gateway, texting_citizen, settings
):
    appeal = world_appeal(world, Appeal.Status.REGISTERED)
    outbox.notify(recipient=world.executor, appeal=appeal, template="registered")
    world.executor.notice_sms, world.executor.phone = True, "+79140000000"
    world.executor.save(update_fields=["notice_sms", "phone"])
    outbox.notify(recipient=world.executor, appeal=appeal, template="clarification_replied")
    assert not Notification.objects.filter(channel="sms").exists()  # not their appeal

    # Their own night, in their region's time (Kamchatka), whatever the platform's default zone.
    settings.TIME_ZONE = "Europe/Moscow"
    texting_citizen.quiet_from, texting_citizen.quiet_to = 21, 9
    texting_citizen.municipality = world.municipality
    texting_citizen.save(update_fields=["quiet_from", "quiet_to", "municipality"])
    texting_citizen = type(texting_citizen).objects.get(pk=texting_citizen.pk)
    night = datetime(2026, 12, 2, 23, 30, tzinfo=KAMCHATKA)
    with time_machine.travel(night, tick=False):
        outbox.notify(recipient=texting_citizen, appeal=appeal, template="registered")
        outbox.notify(recipient=texting_citizen, appeal=appeal, template="flagged", urgent=True)
    morning = datetime(2026, 12, 3, 9, 0, tzinfo=KAMCHATKA)
    assert sms_row(appeal).next_attempt_at == morning
    assert sms_row(appeal, "flagged").next_attempt_at == night  # urgent: at once
    # E-mail keeps the platform's hours (none under test settings) unless asked.
    email = Notification.objects.get(
        recipient=texting_citizen, channel="email", template="registered"
    )
    assert email.next_attempt_at == night

    settings.SMPP_HOST = ""
    outbox.notify(recipient=texting_citizen, appeal=appeal, template="closed")
    assert not Notification.objects.filter(channel="sms", template="closed").exists()


@pytest.mark.parametrize(
    "phone, shown",
    [
        ("+79141234512", "+7 9** ***-**-12"),
        ("8 (914) 123-45-12", "+7 9** ***-**-12"),
        ("+44 7911 123456", "+**********56"),
        ("12-34", "**34"),
        ("", "—"),
    ],
)
def test_staff_see_an_sms_number_masked(phone, shown):
    assert sms.mask_phone(phone) == shown
