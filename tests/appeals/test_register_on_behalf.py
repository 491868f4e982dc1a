import re
import uuid

import pytest
from django.core import mail

from accounts.models import AuditEvent, User
from appeals.models import Appeal, Event
from appeals.services import CONSENT_VERSION
from appeals.services.on_behalf import register_on_behalf
from core.errors import NotAllowed
from core.models import Notification
from core.outbox import render
from tests.accounts.factories import UserFactory
from tests.appeals.corpus import pdf

pytestmark = pytest.mark.django_db
URL = "/staff/register/"


@pytest.fixture(autouse=True)
def platform(settings, tmp_path, world):
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.MEDIA_ROOT = tmp_path


def _form(world, **overrides):
    data = {
        "last_name": "Сидоров",
        "first_name": "Иван",
        "patronymic": "Петрович",
        "email": "",
        "phone": "+7 914 123-45-67",
        "postal_address": "683000, г. Петропавловск-Камчатский, ул. Ленинская, д. 1, кв. 2",
        "citizen_municipality": world.municipality.pk,
        "channel": Appeal.Channel.PHONE,
        "category": world.category.pk,
        "municipality": world.municipality.pk,
        "address": "ул. Ленинская, 12",
        "text": "Во дворе не убран снег уже неделю, к подъезду не пройти.",
        "consent": "on",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_the_form_is_for_organization_staff(client, world):
    client.force_login(world.executor)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert body.count("<fieldset") == 2 and 'name="idempotency_key"' in body
    assert 'enctype="multipart/form-data"' in body and 'for="id_consent"' in body
    for outsider in (world.citizen, world.moderator):
        client.force_login(outsider)
        assert client.get(URL).status_code == 403
        assert client.post(URL, _form(world, email="someone@example.ru")).status_code == 403
    assert (
        not Appeal.objects.exists() and not User.objects.filter(email="someone@example.ru").exists()
    )
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page


def test_existing_citizen_is_found_by_email_in_any_letter_case(client, world):
    users_before = User.objects.count()
    client.force_login(world.executor)
    response = client.post(
        URL,
        _form(world, email="  Citizen@Example.RU ", last_name="Другая", files=pdf("letter.pdf")),
    )
    assert response.status_code == 302 and response.url == URL
    appeal = Appeal.objects.get()
    assert appeal.citizen == world.citizen and User.objects.count() == users_before
    assert appeal.channel == Appeal.Channel.PHONE and appeal.status == Appeal.Status.SUBMITTED
    assert appeal.consent_version == CONSENT_VERSION and appeal.attachments.count() == 1
    assert Event.objects.get(appeal=appeal, action="submit").actor == world.executor
    world.citizen.refresh_from_db()
    assert world.citizen.last_name == "Иванова"  # a filled field is the citizen's own: kept
    assert world.citizen.phone == "+7 914 123-45-67"  # an empty one is filled in
    audit = AuditEvent.objects.get(target_user=world.citizen)
    assert audit.actor == world.executor
    assert audit.changes["appeal"] == appeal.number and audit.changes["channel"] == "phone"
    assert audit.changes["new_account"] is False and "phone" in audit.changes["filled_fields"]
    assert not Notification.objects.filter(template="invitation").exists()
    assert (
        appeal.number in client.get(response.url).content.decode()
    )  # the success message names it


def test_new_citizen_gets_an_account_and_an_invitation_to_set_a_password(client, world):
    client.force_login(world.head)
    response = client.post(
        URL, _form(world, email="New.Citizen@Example.ru", channel=Appeal.Channel.PAPER)
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    citizen = User.objects.get(email="new.citizen@example.ru")
    assert appeal.citizen == citizen and appeal.channel == Appeal.Channel.PAPER
    assert not citizen.has_usable_password() and citizen.is_active
    assert (citizen.last_name, citizen.first_name, citizen.patronymic) == (
        "Сидоров",
        "Иван",
        "Петрович",
    )
    assert citizen.municipality == world.municipality and citizen.has_answer_details
    assert Event.objects.get(appeal=appeal, action="submit").actor == world.head
    assert AuditEvent.objects.get(target_user=citizen).changes["new_account"] is True
    invitations = Notification.objects.filter(
        recipient=citizen, appeal=appeal, template="invitation"
    )
    assert {(n.channel, n.status) for n in invitations} == {
        (Notification.Channel.IN_APP, Notification.Status.SENT),
        (Notification.Channel.EMAIL, Notification.Status.PENDING),
    }
    subject, body = render(
        invitations.get(channel=Notification.Channel.EMAIL)
    )  # the outbox can send it
    assert appeal.number in subject and appeal.number in body
    assert "/accounts/password/reset/" in body and citizen.email in body

    # The citizen sets a password through allauth's reset, then signs in.
    client.logout()
    client.post("/accounts/password/reset/", {"email": "new.citizen@example.ru"})
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new.citizen@example.ru"]
    link = re.search(
        r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body
    ).group(1)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"password1": "snow-in-the-yard-41", "password2": "snow-in-the-yard-41"}
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password("snow-in-the-yard-41")


def test_citizen_without_email_is_registered_for_an_answer_by_post(client, world):
    client.force_login(world.executor)
    response = client.post(URL, _form(world, channel=Appeal.Channel.VISIT, phone=""))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    citizen = appeal.citizen
    assert citizen.email.startswith("offline-") and citizen.email.endswith("@pos.invalid")
    assert not citizen.has_usable_password() and citizen.has_answer_details
    assert citizen.postal_address.startswith("683000")
    assert appeal.channel == Appeal.Channel.VISIT
    changes = AuditEvent.objects.get(target_user=citizen).changes
    assert changes["new_account"] is True and changes["offline_account"] is True
    assert not Notification.objects.filter(template="invitation").exists()


def test_neither_email_nor_postal_address_is_refused_and_the_form_kept(client, world):
    users_before = User.objects.count()
    client.force_login(world.executor)
    text = "На остановке у дома 5 сломана скамейка, пожилым людям негде присесть."
    response = client.post(URL, _form(world, postal_address="", last_name="Кузнецова", text=text))
    assert response.status_code == 400
    form = response.context["form"]
    assert "postal_address" in form.errors
    body = response.content.decode()
    assert text in body and "Кузнецова" in body and "+7 914 123-45-67" in body
    assert not Appeal.objects.exists() and User.objects.count() == users_before


def test_a_phone_appeal_needs_the_phone_number(client, world):
    client.force_login(world.executor)
    response = client.post(URL, _form(world, phone=""))
    assert response.status_code == 400 and "phone" in response.context["form"].errors
    response = client.post(URL, _form(world, consent=None))
    assert response.status_code == 400 and "consent" in response.context["form"].errors
    assert not Appeal.objects.exists()


def test_double_submit_makes_one_appeal_and_one_account(client, world):
    client.force_login(world.executor)
    data = _form(world, email="")
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert first.status_code == second.status_code == 302
    assert Appeal.objects.count() == 1
    assert User.objects.filter(email__endswith="@pos.invalid").count() == 1
    assert AuditEvent.objects.filter(action="appeal_registered_on_behalf").count() == 1


def test_someone_elses_form_token_is_refused(client, world):
    client.force_login(world.executor)
    data = _form(world, email="")
    client.post(URL, data)
    client.force_login(world.head)
    response = client.post(URL, data)
    assert response.status_code == 400 and response.context["form"].non_field_errors()
    assert Appeal.objects.count() == 1


def test_the_appeal_waits_in_the_moderators_queue(client, world):
    client.force_login(world.executor)
    client.post(URL, _form(world))
    appeal = Appeal.objects.get()
    assert appeal.status == Appeal.Status.SUBMITTED and appeal.organization_id is None
    client.force_login(world.moderator)
    assert appeal.number in client.get("/moderation/").content.decode()


def test_the_service_is_for_organization_staff_only(world):
    with pytest.raises(NotAllowed):
        register_on_behalf(
            actor=world.citizen,
            citizen_data={
                "last_name": "Сидоров",
                "first_name": "Иван",
                "postal_address": "683000, ул. Ленинская, 1",
            },
            appeal_data={
                "channel": Appeal.Channel.PAPER,
                "category": world.category,
                "municipality": world.municipality,
                "address": "ул. Ленинская, 12",
                "text": "Во дворе не убран снег уже неделю.",
                "idempotency_key": None,
            },
        )
    assert not Appeal.objects.exists()


def test_an_offline_citizen_gets_no_email_only_site_notices(world):
    from appeals import services
    from core.models import Notification
    from tests.appeals.factories import make_appeal

    offline = UserFactory(email="offline-abc@pos.invalid")
    appeal = make_appeal(
        "submitted",
        citizen=offline,
        category=world.category,
        municipality=world.municipality,
        region=world.region,
    )
    services.reject_appeal(moderator=world.moderator, appeal_id=appeal.pk, ground="spam")
    assert set(Notification.objects.filter(appeal=appeal).values_list("channel", flat=True)) == {
        "in_app"
    }
