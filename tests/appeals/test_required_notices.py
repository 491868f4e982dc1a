"""The notices a regime requires are marked, and staff see what the citizen was told and how it went."""

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal
from core.models import Notification
from organizations.models import Organization
from tests.appeals.factories import world_appeal
from tests.organizations.factories import CategoryFactory, OrganizationFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status
N = Notification.Channel


def _registered(world, *, category=None) -> Appeal:
    """Registered at the world's organization (a municipal administration: 59-FZ by default)."""
    Organization.objects.filter(pk=world.organization.pk).update(
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION
    )
    category = category or CategoryFactory(parent=world.category.parent, term_days=30)
    appeal = world_appeal(world, S.SUBMITTED, category=category)
    return services.accept_appeal(
        moderator=world.moderator, appeal_id=appeal.pk, organization=world.organization
    )


def _told(appeal) -> dict[str, set[bool]]:
    """Template → the `required` marks of its rows (in the cabinet and by e-mail) to the citizen."""
    told: dict[str, set[bool]] = {}
    for template, required in Notification.objects.filter(
        appeal=appeal, recipient=appeal.citizen
    ).values_list("template", "required"):
        told.setdefault(template, set()).add(required)
    return told


def test_a_59_fz_appeal_marks_registration_extension_and_forwarding_as_required(world, demo_rules):
    appeal = _registered(world)
    services.extend_deadline(
        head=world.head, appeal_id=appeal.pk, days=10, reason="Нужна проверка на месте."
    )
    other = OrganizationFactory(region=world.region, kind=appeal.organization.kind)
    services.redirect_appeal(
        actor=world.moderator, appeal_id=appeal.pk, organization=other, reason="Не наш вопрос."
    )
    told = _told(appeal)
    assert appeal.regime_version.regime.code == "59-fz"
    assert told["registered"] == {True}
    assert told["deadline_extended"] == {True}
    assert told["redirected"] == {True}


def test_a_platform_message_requires_registration_and_answer_but_not_forwarding(world, demo_rules):
    appeal = _registered(world, category=world.category)
    assert appeal.regime_version.regime.code == "message"
    other = OrganizationFactory(region=world.region, kind=appeal.organization.kind)
    services.redirect_appeal(
        actor=world.moderator, appeal_id=appeal.pk, organization=other, reason="Не наш вопрос."
    )
    told = _told(appeal)
    assert told["registered"] == {True}
    assert told["redirected"] == {False}


def test_the_answer_is_a_required_notice_and_the_executors_own_notices_are_not(world, demo_rules):
    appeal = _registered(world, category=world.category)  # a message: the executor signs
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    services.answer_appeal(
        actor=world.executor,
        appeal_id=appeal.pk,
        text="Вывоз мусора восстановлен.",
        outcome="measures_taken",
    )
    assert _told(appeal)["answered"] == {True}
    assert not Notification.objects.filter(recipient=world.executor, required=True).exists()


def test_without_a_regime_nothing_is_marked_required(world):
    appeal = world_appeal(world, S.SUBMITTED)
    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.regime_version is None
    assert _told(appeal)["registered"] == {False}


def test_staff_see_each_notice_with_its_channel_and_delivery(client, world, demo_rules):
    appeal = _registered(world)
    email = Notification.objects.get(appeal=appeal, template="registered", channel=N.EMAIL)
    Notification.objects.filter(pk=email.pk).update(status="failed", last_error="550 no mailbox")
    client.force_login(world.citizen)
    client.get(reverse("notifications:list"))  # reading the cabinet's notices marks them read
    client.force_login(world.head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    section = page[page.index("Уведомления гражданину") :]
    assert f"Обращение {appeal.number} зарегистрировано" in section
    assert "обязательное по закону" in section
    assert "не доставлено: 550 no mailbox" in section
    assert "прочитано" in section


def test_notices_to_staff_are_not_listed_as_the_citizens(client, world, demo_rules):
    appeal = _registered(world)
    Notification.objects.filter(appeal=appeal).update(recipient=world.executor)
    client.force_login(world.head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "Уведомления гражданину" not in page


def test_leaving_without_an_answer_is_a_required_notice_shown_with_its_delivery(
    client, world, demo_rules
):
    appeal = _registered(world)
    assert appeal.regime_version.number == 2  # the version that requires it (regimes 0003)
    services.close_on_ground(
        actor=world.executor, appeal_id=appeal.pk, ground="abusive", comment="Текст оскорбителен."
    )
    assert _told(appeal)["closed"] == {True}
    email = Notification.objects.get(appeal=appeal, template="closed", channel=N.EMAIL)
    sent_at = email.created_at.replace(microsecond=0)
    Notification.objects.filter(pk=email.pk).update(status="sent", sent_at=sent_at)
    client.force_login(world.head)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    section = page[page.index("Уведомления гражданину") :]
    row = next(line for line in section.split("<tr>") if "закрыто" in line and "@" not in line)
    assert "обязательное по закону" in row
    assert "передано почтовому серверу" in row


def test_an_appeal_registered_under_the_first_version_keeps_its_rules(world, demo_rules):
    appeal = _registered(world)
    first = appeal.regime_version.regime.versions.get(number=1)
    Appeal.objects.filter(pk=appeal.pk).update(regime_version=first)
    services.close_on_ground(actor=world.executor, appeal_id=appeal.pk, ground="abusive")
    assert _told(appeal)["closed"] == {False}


def test_a_closing_after_the_answer_is_not_leaving_without_an_answer(world, demo_rules):
    version = _registered(world).regime_version
    appeal = world_appeal(world, S.ANSWERED, regime_version=version)
    services.close_appeal(appeal_id=appeal.pk)
    assert _told(appeal)["closed"] == {False}
