"""Every e-mail the platform can send is written for it in Russian: it names the platform and its
region, never the host name as a «site name», and goes out as plain text."""

import re
from pathlib import Path

import allauth
import pytest
from allauth.account.adapter import get_adapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.core import mail
from django.template.loader import get_template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core import outbox as notifications
from core.models import Notification
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

ALLAUTH_EMAILS = Path(allauth.__file__).parent / "templates" / "account" / "email"
PLATFORM_EMAILS = [
    Path(settings.BASE_DIR) / "appeals/templates/appeals/email",
    Path(settings.BASE_DIR) / "surveys/templates/surveys/email",
    Path(settings.BASE_DIR) / "partners/templates/partners/email",
    Path(settings.BASE_DIR) / "outages/templates/outages/email",
    Path(settings.BASE_DIR) / "quality/templates/quality/email",
]
CYRILLIC = re.compile(r"[А-Яа-яЁё]{4,}")
EVERY_CONTEXT = {
    "number": "41-2026-000123",
    "due": "12.12.2026",
    "count": 2,
    "numbers": ["41-2026-000123", "41-2026-000124"],
    "days": 10,
    "organization": "Администрация Елизовского района",
    "title": "Благоустройство сквера",
    "category": "Уборка снега и наледи",
    "question": "Уточните номер дома.",
    "reason": "Вопрос в ведении другой организации.",
    "url": "/surveys/1/",
    "channel": "phone",
    # An outage notice (outages/services.py)
    "kind": "водоснабжение",
    "period": "с 12.12.2026 10:00 до 12.12.2026 18:00",
    "place": "по адресу: г. Елизово, ул. Ленина, 1",
    "area": "г. Елизово, ул. Ленина, 1",
    "description": "Замена задвижки на водоводе.",
    "unsubscribe_url": "/outages/unsubscribe/1:abc/",
    # Proof of fix and the quality gate (appeals/services/fixes.py, quality/services.py)
    "planned_on": "20.12.2026",
    "criteria": ["Формальный ответ без рассмотрения по существу"],
    "comment": "Укажите срок ремонта.",
}


def assert_written_for_the_platform(message, region):
    body = message.body
    assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
    assert message.message().get_content_type() == "text/plain"
    assert message.subject.startswith("[ПОС] ") and CYRILLIC.search(message.subject)
    assert body.startswith("Здравствуйте"), body
    assert f"Платформа обратной связи — {region.name}" in body, body
    assert "testserver" not in body.split("--")[-1] and "Hello from" not in body
    english = re.findall(r"\b(?:the|your|you|appeal|account|please)\b", body, flags=re.I)
    assert not english, (english, body)


def _allauth_names():
    names = sorted(p.name[: -len("_message.txt")] for p in ALLAUTH_EMAILS.glob("*_message.txt"))
    return [name for name in names if name not in {"base"}]


def test_every_allauth_email_is_overridden_by_the_platform():
    for path in ALLAUTH_EMAILS.glob("*.txt"):
        origin = Path(get_template(f"account/email/{path.name}").origin.name)
        assert origin == Path(settings.BASE_DIR) / "templates/account/email" / path.name


@pytest.mark.parametrize("name", _allauth_names())
def test_allauth_emails_are_russian_and_name_the_platform_and_region(name, region):
    user = UserFactory(email="anna@example.ru", first_name="Анна", patronymic="Сергеевна")
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = user
    context = {
        "user": user,
        "activate_url": "http://testserver/accounts/confirm-email/key/",
        "password_reset_url": "http://testserver/accounts/password/reset/key/1-x/",
        "signup_url": "http://testserver/accounts/signup/",
        "code": "ABC123",
        "from_email": "old@example.ru",
        "to_email": "anna@example.ru",
        "deleted_email": "old@example.ru",
        "timestamp": timezone.now(),
        "ip": "192.0.2.1",
        "user_agent": "Firefox",
    }
    if name in {"email_confirmation", "email_confirmation_signup"}:
        # Sent with a link unless codes are on: both variants.
        for variant in ({**context, "code": ""}, context):
            with allauth_context.request_context(request):
                get_adapter(request).send_mail(f"account/email/{name}", user.email, variant)
    else:
        with allauth_context.request_context(request):
            get_adapter(request).send_mail(f"account/email/{name}", user.email, context)
    assert mail.outbox
    for message in mail.outbox:
        assert_written_for_the_platform(message, region)
        assert "Здравствуйте, Анна Сергеевна!" in message.body


def _platform_templates():
    by_body = {body: name for name, body in notifications._BODIES.items()}
    found = []
    for folder in PLATFORM_EMAILS:
        for path in sorted(folder.glob("*.txt")):
            relative = f"{folder.parent.name}/email/{path.name}"
            found.append(by_body.get(relative, path.stem))
    return found


def test_every_notification_template_has_a_body_file():
    assert set(_platform_templates()) == set(notifications.SUBJECTS)


@pytest.mark.parametrize("template", _platform_templates())
def test_platform_emails_are_russian_and_name_the_platform_and_region(template, region):
    recipient = UserFactory(email="anna@example.ru", first_name="Анна", patronymic="Сергеевна")
    row = Notification.objects.create(
        recipient=recipient,
        channel=Notification.Channel.EMAIL,
        template=template,
        context={**EVERY_CONTEXT, "ground": "spam"},
        next_attempt_at=timezone.now(),
    )
    assert notifications.deliver(notification_id=row.pk)
    [message] = mail.outbox
    assert_written_for_the_platform(message, region)


def test_sign_up_sends_the_platforms_confirmation_letter(client, region):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new.citizen@example.ru",
            "password1": "Vulkan-Avacha-2741",
            "password2": "Vulkan-Avacha-2741",
        },
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert_written_for_the_platform(message, region)
    assert (
        message.subject == "[ПОС] Подтвердите адрес электронной почты, чтобы завершить регистрацию"
    )
    assert "Спасибо за регистрацию на Платформе обратной связи" in message.body
    assert re.search(r"http://testserver/accounts/confirm-email/\S+/", message.body)


def test_a_letter_to_someone_else_never_greets_them_with_the_senders_name(region):
    """A signed-in person asking about another address: the letter must not carry their name."""
    sender = UserFactory(email="sender@example.ru", first_name="Игорь", patronymic="Олегович")
    request = RequestFactory().get("/")
    SessionMiddleware(lambda r: None).process_request(request)
    request.user = sender
    with allauth_context.request_context(request):
        get_adapter(request).send_mail(
            "account/email/unknown_account",
            "nobody@example.ru",
            {"signup_url": "http://testserver/accounts/signup/"},
        )
    [message] = mail.outbox
    assert message.body.startswith("Здравствуйте!\n") and "Игорь" not in message.body
