import re

import pytest
from django.core import mail

from accounts.models import AuditEvent, User
from appeals.models import Appeal, Event
from appeals.services import CONSENT_VERSION
from appeals.services.moderation import accept_appeal
from appeals.services.on_behalf import confirm_held_appeal, register_on_behalf
from core.errors import AlreadyDone, NotAllowed
from core.models import Notification
from core.outbox import render
from tests.accounts.factories import UserFactory
from tests.appeals.corpus import pdf
from tests.appeals.factories import filing_form

pytestmark = pytest.mark.django_db
URL = "/staff/register/"


@pytest.fixture(autouse=True)
def platform(settings, tmp_path, world):
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.MEDIA_ROOT = tmp_path


def confirm_link(account):
    """The confirmation page the held appeal's notice links to, from its in-app notification."""
    notice = Notification.objects.get(recipient=account, template="held_appeal", channel="in_app")
    email = Notification.objects.get(recipient=account, template="held_appeal", channel="email")
    assert notice.context["url"] in render(email)[1]
    return notice.context["url"]


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
    }
    return filing_form(world, **{**data, **overrides})


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


def test_an_existing_citizens_email_holds_the_appeal_until_they_confirm_it(client, world):
    """Typing someone's e-mail proves nothing: their profile stays, the appeal waits for them."""
    client.force_login(world.executor)
    response = client.post(
        URL,
        _form(world, email="  Citizen@Example.RU ", last_name="Другая", files=pdf("letter.pdf")),
    )
    assert response.status_code == 302 and response.url == URL
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.PHONE and appeal.status == Appeal.Status.SUBMITTED
    assert appeal.consent_version == CONSENT_VERSION and appeal.attachments.count() == 1
    assert Event.objects.get(appeal=appeal, action="submit").actor == world.executor
    # Filed by a contact record with what staff typed; the account is untouched and sees nothing.
    contact = appeal.citizen
    assert contact != world.citizen and not contact.can_receive_email
    assert (contact.last_name, contact.phone) == ("Другая", "+7 914 123-45-67")
    world.citizen.refresh_from_db()
    assert (world.citizen.last_name, world.citizen.phone, world.citizen.postal_address) == (
        "Иванова",
        "",
        "",
    )
    assert appeal.account_hold.account == world.citizen and appeal.account_hold.is_pending
    hold_event = Event.objects.get(appeal=appeal, action="hold_for_account")
    assert hold_event.actor == world.executor and not hold_event.is_public
    audit = AuditEvent.objects.get(action="appeal_registered_on_behalf")
    assert audit.target_user == contact and audit.changes["held_for_account"] == world.citizen.pk
    assert not Notification.objects.filter(template="invitation").exists()
    assert appeal.number in client.get(response.url).content.decode()

    client.force_login(world.citizen)
    assert appeal.number not in client.get("/appeals/").content.decode()
    assert client.get(appeal.get_absolute_url()).status_code == 404
    link = confirm_link(world.citizen)
    page = client.get(link)
    assert "Да, это моё обращение" in page.content.decode()
    response = client.post(link)
    assert response.status_code == 302 and response.url == appeal.get_absolute_url()
    appeal.refresh_from_db()
    assert appeal.citizen == world.citizen and not appeal.account_hold.is_pending
    assert Event.objects.get(appeal=appeal, action="confirm_for_account").actor == world.citizen
    assert appeal.number in client.get("/appeals/").content.decode()
    world.citizen.refresh_from_db()
    assert world.citizen.last_name == "Иванова" and world.citizen.phone == ""


def test_staff_may_not_file_for_a_staff_or_admin_account(client, world, platform_admin):
    client.force_login(world.executor)
    for email in ("Admin@Example.ru", "head@example.ru", "moderator@example.ru"):
        response = client.post(URL, _form(world, email=email, last_name="Другая"))
        assert response.status_code == 400
        body = response.content.decode()
        assert "принадлежит учётной записи сотрудника" in body
        assert 'value="Другая"' in body  # nothing typed is lost
    assert not Appeal.objects.exists()
    platform_admin.refresh_from_db()
    assert platform_admin.last_name == "Петров" and platform_admin.phone == ""


def test_an_existing_account_needs_the_postal_address_for_the_answer(client, world):
    client.force_login(world.executor)
    response = client.post(URL, _form(world, email="citizen@example.ru", postal_address=""))
    assert response.status_code == 400
    assert "укажите и почтовый адрес" in response.content.decode()
    assert not Appeal.objects.exists()


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


def _held_appeal(client, world):
    client.force_login(world.executor)
    client.post(URL, _form(world, email="citizen@example.ru"))
    client.logout()
    return Appeal.objects.get()


def test_the_confirmation_link_works_once(client, world):
    appeal = _held_appeal(client, world)
    link = confirm_link(world.citizen)
    client.force_login(world.citizen)
    assert client.post(link).status_code == 302
    again = client.post(link, follow=True)
    assert again.status_code == 200
    assert "уже подтверждено" in again.content.decode()
    assert Event.objects.filter(appeal=appeal, action="confirm_for_account").count() == 1
    with pytest.raises(AlreadyDone):
        confirm_held_appeal(actor=world.citizen, hold_id=appeal.account_hold.pk)


def test_nobody_else_can_see_or_confirm_a_held_appeal(client, world):
    appeal = _held_appeal(client, world)
    link = confirm_link(world.citizen)
    assert client.get(link).status_code == 302  # to the login page
    stranger = UserFactory(email="stranger@example.ru")
    for user in (stranger, world.executor, world.moderator):
        client.force_login(user)
        assert client.get(link).status_code == 404 and client.post(link).status_code == 404
    client.force_login(world.citizen)
    assert client.get(link[:-3] + "xyz/").status_code == 404  # a tampered link
    with pytest.raises(NotAllowed):
        confirm_held_appeal(actor=stranger, hold_id=appeal.account_hold.pk)
    appeal.refresh_from_db()
    assert appeal.citizen != world.citizen and appeal.account_hold.is_pending


def test_a_held_appeal_is_registered_by_the_moderator_as_usual(client, world):
    """The hold is about whose account it is in, never about the 59-FZ terms."""
    appeal = _held_appeal(client, world)
    client.force_login(world.moderator)
    assert appeal.number in client.get("/moderation/").content.decode()
    review = client.get(f"/moderation/{appeal.number}/").content.decode()
    assert "только когда её владелец это подтвердит" in review and "Регистрируйте" in review
    accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED and appeal.due_at is not None
    confirm_held_appeal(actor=world.citizen, hold_id=appeal.account_hold.pk)
    appeal.refresh_from_db()
    assert appeal.citizen == world.citizen and appeal.status == Appeal.Status.REGISTERED


def test_the_notice_to_an_account_without_a_password_says_how_to_set_one(client, world):
    world.citizen.set_unusable_password()
    world.citizen.save()
    _held_appeal(client, world)
    email = Notification.objects.get(
        recipient=world.citizen, template="held_appeal", channel="email"
    )
    subject, body = render(email)
    assert subject.startswith("[ПОС] В обращении") and "подтвердите, что оно ваше" in subject
    assert "ещё нет пароля" in body and "/accounts/password/reset/" in body
