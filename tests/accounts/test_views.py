import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent, User
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Vulkan-Avacha-2741"


def _link(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+/)", message.body).group(1)


def test_citizen_signs_up_confirms_the_email_and_is_logged_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "new.citizen@example.ru", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.citizen@example.ru"]
    assert mail.outbox[0].subject.startswith("[ПОС]")

    confirm_url = _link(mail.outbox[0])
    page = client.get(confirm_url)
    assert "new.citizen@example.ru" in page.content.decode()
    confirmed = client.post(confirm_url)
    assert confirmed.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_unconfirmed_account_cannot_log_in(client):
    UserFactory(email="pending@example.ru", verified=False)
    response = client.post(
        reverse("account_login"), {"login": "pending@example.ru", "password": PASSWORD}
    )
    assert response.url == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_login_and_logout(client, citizen):
    response = client.post(
        reverse("account_login"), {"login": "CITIZEN@example.ru", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_wrong_password_is_explained_in_russian_and_keeps_the_email(client, citizen):
    response = client.post(
        reverse("account_login"), {"login": "citizen@example.ru", "password": "nope"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Указанные вами адрес электронной почты и/или пароль неверны." in page
    assert 'value="citizen@example.ru"' in page


def test_repeated_failed_logins_are_rate_limited(client, citizen):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "citizen@example.ru", "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": "citizen@example.ru", "password": PASSWORD}
    )
    assert response.status_code == 200  # the right password no longer works for a while
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_answers_the_same_for_known_and_unknown_emails(client, citizen):
    known = client.post(reverse("account_reset_password"), {"email": "citizen@example.ru"})
    unknown = client.post(reverse("account_reset_password"), {"email": "stranger@example.ru"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    recipients = [message.to for message in mail.outbox]
    assert ["citizen@example.ru"] in recipients


def test_password_reset_sets_a_new_password(client, citizen):
    client.post(reverse("account_reset_password"), {"email": "citizen@example.ru"})
    reset_url = _link(mail.outbox[0])
    form_page = client.get(reset_url, follow=True)
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else reset_url
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)


def test_signing_up_with_a_registered_email_reveals_nothing(client, citizen):
    existing = client.post(
        reverse("account_signup"),
        {"email": "citizen@example.ru", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    fresh = client.post(
        reverse("account_signup"),
        {"email": "someone.else@example.ru", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert existing.status_code == fresh.status_code == 302
    assert existing.url == fresh.url
    assert User.objects.filter(email="citizen@example.ru").count() == 1


def test_profile_update_saves_the_answer_details_and_writes_an_audit_event(client, citizen):
    municipality = MunicipalityFactory(name="Вилючинский городской округ")
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:profile"),
        {
            "last_name": "Иванова",
            "first_name": "Анна",
            "patronymic": "Сергеевна",
            "phone": "+7 914 000-00-01",
            "municipality": municipality.pk,
            "postal_address": "684090, г. Вилючинск, ул. Кронштадтская, д. 1",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.patronymic == "Сергеевна"
    assert citizen.municipality == municipality
    assert citizen.has_answer_details
    event = AuditEvent.objects.get(action="profile_updated")
    assert event.actor == citizen and event.target_user == citizen
    assert set(event.changes["fields"]) == {"patronymic", "phone", "municipality", "postal_address"}
    assert "Кронштадтская" not in str(
        event.changes
    )  # the audit log names fields, not personal data


def test_profile_with_a_bad_phone_keeps_what_was_typed(client, citizen):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:profile"),
        {
            "last_name": "Иванова",
            "first_name": "Анна",
            "phone": "позвоните мне",
            "postal_address": "Елизово",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'aria-invalid="true"' in page
    assert "Введите номер телефона" in page
    assert 'value="позвоните мне"' in page and 'value="Елизово"' in page
    assert not AuditEvent.objects.exists()


def test_an_empty_profile_is_not_saved_and_the_missing_fields_are_named(client):
    user = UserFactory(email="blank@example.ru", last_name="", first_name="", patronymic="")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile") + "?next=/appeals/new/",
        {
            "last_name": " ",
            "first_name": "",
            "phone": "+7 914 000-00-01",
            "postal_address": "Елизово",
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and response.redirect_chain == []
    assert "Профиль сохранён." not in page
    assert "Профиль не сохранён" in page
    assert "Укажите фамилию" in page and "Укажите имя" in page
    assert page.count('aria-invalid="true"') == 2
    assert 'value="+7 914 000-00-01"' in page and 'value="Елизово"' in page  # nothing typed lost
    user.refresh_from_db()
    assert user.phone == "" and not AuditEvent.objects.exists()


def test_a_bare_word_next_after_saving_the_profile_stays_on_the_site(client, citizen):
    client.force_login(citizen)
    for target, expected in [("back", "/accounts/profile/"), ("/appeals/new/", "/appeals/new/")]:
        response = client.post(
            reverse("accounts:profile") + f"?next={target}",
            {"last_name": "Иванова", "first_name": "Анна"},
        )
        assert response.status_code == 302 and response.url == expected


def test_the_profile_form_marks_the_required_fields(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert 'for="id_last_name">Фамилия <span class="required">(обязательное поле)</span>' in page
    assert 'for="id_first_name">Имя <span class="required">(обязательное поле)</span>' in page
    assert 'for="id_patronymic">Отчество:' in page
