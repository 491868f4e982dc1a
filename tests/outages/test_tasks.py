"""Subscribers hear of a new outage once: the task called twice, the sweep after it, the e-mail."""

import re

import pytest
from django.core import mail

from appeals.tasks import send_pending_notifications_task
from core.models import Notification
from outages import services
from outages.models import Outage, OutageEvent, OutageSubscription
from outages.tasks import notify_pending_task, notify_subscribers_task
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribers(world, house_a, house_b):
    anna = UserFactory(email="anna@example.ru", first_name="Анна", patronymic="Петровна")
    services.subscribe(user=anna, municipality=world.municipality, house=house_a)
    boris = UserFactory(email="boris@example.ru")
    services.subscribe(user=boris, municipality=world.municipality)
    services.subscribe(user=boris, municipality=world.municipality, house=house_a)
    neighbour = UserFactory(email="neighbour@example.ru")  # another house: not told
    services.subscribe(user=neighbour, municipality=world.municipality, house=house_b)
    return anna, boris, neighbour


def _publish(supplier, supplier_executor, world, period, houses):
    starts_at, ends_at = period
    return services.publish_outage(
        actor=supplier_executor,
        organization=supplier,
        kind=Outage.Kind.WATER,
        municipality=world.municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        description="Замена задвижки на водоводе. Подвоз воды — у дома 10.",
        houses=houses,
    )


def test_the_task_run_twice_tells_each_subscriber_once(
    world, supplier, supplier_executor, house_a, period, subscribers
):
    anna, boris, neighbour = subscribers
    outage = _publish(supplier, supplier_executor, world, period, [house_a])
    assert notify_subscribers_task(outage.pk) == 2
    assert notify_subscribers_task(outage.pk) == 0
    assert notify_pending_task() == 0  # the sweep finds nothing left
    in_app = Notification.objects.filter(
        template="outage_published", channel=Notification.Channel.IN_APP
    )
    assert sorted(in_app.values_list("recipient__email", flat=True)) == [
        "anna@example.ru",
        "boris@example.ru",
    ]
    event = outage.events.get(action=OutageEvent.Action.NOTIFY_SUBSCRIBERS)
    assert event.data == {"recipients": 2}
    outage.refresh_from_db()
    assert outage.subscribers_notified_at is not None


def test_the_e_mail_says_what_where_and_how_to_unsubscribe(
    client, world, supplier, supplier_executor, house_a, period, subscribers
):
    anna = subscribers[0]
    outage = _publish(supplier, supplier_executor, world, period, [house_a])
    notify_subscribers_task(outage.pk)
    send_pending_notifications_task()
    letter = next(message for message in mail.outbox if message.to == [anna.email])
    body = letter.body
    assert letter.subject.endswith(
        f"Водоснабжение: с {outage.local_starts_at:%d.%m.%Y %H:%M} "
        f"до {outage.local_ends_at:%d.%m.%Y %H:%M}, по адресу: {house_a.label}"
    )
    assert "Здравствуйте, Анна Петровна!" in body
    assert "КГУП «Камчатский водоканал» сообщает о плановых работах: водоснабжение." in body
    assert "Подвоз воды — у дома 10." in body
    assert f"/outages/?municipality={world.municipality.pk}#outage-{outage.pk}" in body
    path = re.search(r"^http\S+?(/outages/unsubscribe/\S+/)$", body, re.MULTILINE).group(1)
    page = client.get(path)
    assert page.status_code == 200 and house_a.label in page.content.decode()
    assert client.post(path).status_code == 302
    assert not OutageSubscription.objects.filter(user=anna).exists()
    assert client.get(path).status_code == 200  # already cancelled: said so, not an error


def test_the_sweep_announces_what_the_queue_lost_and_not_cancelled_ones(
    world, supplier, supplier_executor, house_a, period, subscribers
):
    lost = _publish(supplier, supplier_executor, world, period, [house_a])
    cancelled = _publish(supplier, supplier_executor, world, period, [])
    services.cancel_outage(actor=supplier_executor, outage_id=cancelled.pk)
    assert notify_pending_task() == 1
    assert notify_pending_task() == 0
    assert notify_subscribers_task(cancelled.pk) == 0
    told = Notification.objects.filter(
        template="outage_published", channel=Notification.Channel.IN_APP
    )
    assert told.count() == 2
    assert {row.context["url"] for row in told} == {lost.get_absolute_url()}


def test_beat_runs_the_outage_sweep_by_the_name_the_worker_knows(settings):
    from feedback_platform.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["announce-published-outages"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks and "outages.notify_subscribers" in app.tasks
