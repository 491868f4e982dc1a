"""The citizen's notification settings: channels, the SMS phone, quiet hours; the push
subscription endpoints the page's script posts to; the service worker at /sw.js."""

import json

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from core.models import PushSubscription
from tests.core.push_service import Browser

pytestmark = pytest.mark.django_db
URL = "/accounts/notifications/"


@pytest.fixture
def sms_gateway(settings):
    settings.SMPP_HOST = "127.0.0.1"


def test_choosing_sms_with_a_bad_phone_is_refused_with_a_translated_error_and_keeps_the_rest(
    client, citizen, sms_gateway
):
    client.force_login(citizen)
    response = client.post(
        URL,
        {"notice_sms": "on", "phone": "12345", "quiet_from": "23", "quiet_to": "7"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Укажите номер мобильного телефона" in page
    form = response.context["form"]
    assert form["notice_sms"].value() is True and form["notice_email"].value() is False
    assert form["quiet_from"].value() == "23" and form["phone"].value() == "12345"
    citizen.refresh_from_db()
    assert not citizen.notice_sms and citizen.notice_email and citizen.quiet_from is None


def test_a_valid_choice_is_saved_with_the_phone_in_e164_and_audited(client, citizen, sms_gateway):
    client.force_login(citizen)
    response = client.post(
        URL,
        {
            "notice_email": "on",
            "notice_sms": "on",
            "phone": "8 (914) 123-45-67",
            "quiet_from": "23",
            "quiet_to": "7",
        },
    )
    assert response.status_code == 302
    citizen.refresh_from_db()
    assert citizen.notice_sms and citizen.phone == "+79141234567"
    assert citizen.quiet_hours == (23, 7)
    event = AuditEvent.objects.get(action="notice_settings_updated")
    assert set(event.changes["fields"]) == {"notice_sms", "phone", "quiet_from", "quiet_to"}
    page = client.get(URL).content.decode()
    assert 'value="+79141234567"' in page


def test_half_a_quiet_period_is_refused(client, citizen):
    client.force_login(citizen)
    response = client.post(URL, {"notice_email": "on", "quiet_from": "22"})
    assert response.status_code == 200
    assert "Выберите и начало, и конец тихих часов" in response.content.decode()


def test_sms_is_not_offered_without_a_gateway_and_push_only_with_vapid_keys(
    client, citizen, settings, vapid
):
    settings.SMPP_HOST = ""
    client.force_login(citizen)
    page = client.get(URL).content.decode()
    assert 'name="notice_sms"' not in page and 'name="phone"' not in page
    assert 'id="push-settings" hidden' in page and f'data-key="{vapid}"' in page
    assert "js/push.js" in page
    settings.WEBPUSH_VAPID_PUBLIC_KEY = ""
    assert 'id="push-settings"' not in client.get(URL).content.decode()


def test_a_browser_subscribes_and_unsubscribes_to_push(client, citizen, vapid):
    client.force_login(citizen)
    browser = Browser()
    subscription = {
        "endpoint": "https://push.example.net/wpush/v2/abc",
        "keys": {"p256dh": browser.p256dh, "auth": browser.auth},
    }
    response = client.post(
        reverse("accounts:push_subscribe"),
        json.dumps(subscription),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert "включены" in response.json()["message"]
    citizen.refresh_from_db()
    assert citizen.notice_push
    assert PushSubscription.objects.get().endpoint == subscription["endpoint"]
    assert 'name="notice_push"' in client.get(URL).content.decode()
    response = client.post(
        reverse("accounts:push_unsubscribe"),
        json.dumps(subscription),
        content_type="application/json",
    )
    assert response.status_code == 200
    citizen.refresh_from_db()
    assert not citizen.notice_push and not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        json.dumps({"endpoint": "http://push.example.net/x", "keys": {}}),
        json.dumps(
            {"endpoint": "https://push.example.net/x", "keys": {"p256dh": "AAAA", "auth": 5}}
        ),
    ],
)
def test_a_bad_subscription_is_a_translated_400(client, citizen, vapid, body):
    client.force_login(citizen)
    response = client.post(
        reverse("accounts:push_subscribe"), body, content_type="application/json"
    )
    assert response.status_code == 400
    assert "нельзя использовать" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_the_service_worker_is_served_at_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body


def test_a_form_post_instead_of_json_is_a_400(client, citizen, vapid):
    client.force_login(citizen)
    for name in ("accounts:push_subscribe", "accounts:push_unsubscribe"):
        response = client.post(reverse(name), {"endpoint": "²"})
        assert response.status_code == 400
