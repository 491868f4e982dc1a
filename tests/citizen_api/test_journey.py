"""The mobile app's journey through the citizen API, in the test client: sign-in with PKCE, file
an appeal with a photo, follow its timeline, rate the answer, reply to a clarification, join a
public problem, notification settings and push subscriptions."""

import uuid

import pytest
from django.urls import reverse

from appeals import services
from appeals.models import Appeal, Support
from core.models import PushSubscription
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, world_appeal
from tests.citizen_api.conftest import authorize, exchange, photo
from tests.citizen_api.tokens import bearer, make_token, pkce_pair

pytestmark = pytest.mark.django_db
S = Appeal.Status


def test_sign_in_with_pkce_gives_a_token_the_api_accepts(client, world, mobile_app):
    verifier, challenge = pkce_pair()
    code = authorize(client, mobile_app, world.citizen, challenge=challenge)
    response = exchange(client, mobile_app, code, verifier)
    assert response.status_code == 200, response.content
    token = response.json()
    assert token["token_type"] == "Bearer" and token["scope"] == "appeals"
    assert "refresh_token" in token
    mine = client.get(reverse("citizen_api:appeals"), **bearer(token["access_token"]))
    assert mine.status_code == 200 and mine.json()["count"] == 0


def test_a_refresh_token_works_once(client, world, mobile_app):
    verifier, challenge = pkce_pair()
    code = authorize(client, mobile_app, world.citizen, challenge=challenge)
    first = exchange(client, mobile_app, code, verifier).json()
    refresh = {
        "grant_type": "refresh_token",
        "refresh_token": first["refresh_token"],
        "client_id": mobile_app.client_id,
    }
    renewed = client.post("/o/token/", refresh)
    assert renewed.status_code == 200, renewed.content
    assert renewed.json()["refresh_token"] != first["refresh_token"]
    new = bearer(renewed.json()["access_token"])
    assert client.get(reverse("citizen_api:appeals"), **new).status_code == 200
    # Replayed (stolen): refused, and the whole family is revoked.
    assert client.post("/o/token/", refresh).status_code == 400
    assert client.get(reverse("citizen_api:appeals"), **new).status_code == 401


def test_the_consent_page_is_russian_in_the_site_template(client, world, mobile_app):
    _verifier, challenge = pkce_pair()
    client.force_login(world.citizen)
    page = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": mobile_app.client_id,
            "redirect_uri": "ru.example.feedback:/oauth/callback",
            "scope": "appeals",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    ).content.decode()
    assert "Вход в «Обратная связь (мобильное приложение)»" in page
    assert "Разрешить" in page and "Отказать" in page
    assert 'id="main"' in page  # the site's base template


def test_a_wrong_verifier_gets_no_token(client, world, mobile_app):
    _verifier, challenge = pkce_pair()
    code = authorize(client, mobile_app, world.citizen, challenge=challenge)
    response = exchange(client, mobile_app, code, "not-the-verifier-" + "x" * 40)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_authorization_without_a_code_challenge_is_refused(client, world, mobile_app):
    client.force_login(world.citizen)
    response = client.get(
        "/o/authorize/",
        {
            "response_type": "code",
            "client_id": mobile_app.client_id,
            "redirect_uri": "ru.example.feedback:/oauth/callback",
            "scope": "appeals",
        },
    )
    # PKCE_REQUIRED: oauthlib answers the registered redirect URI with the error
    assert response.status_code == 302
    assert "error=invalid_request" in response["Location"]
    assert "code=" not in response["Location"]


def test_the_appeal_journey(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    response = client.post(
        reverse("citizen_api:appeals"),
        filing_form(world, consent="true", files=photo()),
        **token,
    )
    assert response.status_code == 201, response.content
    filed = response.json()
    appeal = Appeal.objects.get(number=filed["number"])
    assert appeal.citizen == world.citizen and appeal.attachments.count() == 1
    assert filed["status_label"] == "На модерации"
    assert [event["label"] for event in filed["timeline"]] == ["Подано"]
    assert filed["files"][0]["content_type"] == "image/jpeg"

    services.accept_appeal(moderator=world.moderator, appeal_id=appeal.pk)
    services.take_appeal(executor=world.executor, appeal_id=appeal.pk)
    services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Снег убран.")
    detail = client.get(reverse("citizen_api:appeal", args=[appeal.number]), **token).json()
    assert detail["status"] == S.ANSWERED and detail["can_rate"] is True
    assert detail["answers"][0]["text"] == "Снег убран."
    assert "Дан ответ" in [event["label"] for event in detail["timeline"]]

    rated = client.post(
        reverse("citizen_api:rating", args=[appeal.number]),
        {"score": "5", "solved": "yes"},
        **token,
    )
    assert rated.status_code == 200, rated.content
    assert rated.json()["status"] == S.CLOSED and rated.json()["can_rate"] is False
    again = client.post(
        reverse("citizen_api:rating", args=[appeal.number]),
        {"score": "5", "solved": "yes"},
        **token,
    )
    assert again.status_code == 409 and again.json()["error"]["message"]

    listed = client.get(reverse("citizen_api:appeals"), **token).json()
    assert [row["number"] for row in listed["results"]] == [appeal.number]


def test_reply_to_a_clarification(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    appeal = world_appeal(world, S.IN_PROGRESS)
    url = reverse("citizen_api:reply", args=[appeal.number])
    early = client.post(url, {"text": "Дом 12, второй подъезд."}, **token)
    assert early.status_code == 409
    services.request_clarification(
        actor=world.executor, appeal_id=appeal.pk, text="Уточните номер подъезда."
    )
    response = client.post(url, {"text": "Дом 12, второй подъезд.", "files": photo()}, **token)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == S.IN_PROGRESS
    assert appeal.attachments.count() == 1
    empty = client.post(url, {"text": ""}, **token)
    assert empty.status_code == 400 and "text" in empty.json()["error"]["fields"]


def test_join_and_leave_a_public_problem(client, world, mobile_app):
    neighbour = UserFactory(email="neighbour@example.ru")
    token = bearer(make_token(mobile_app, neighbour))
    problem = world_appeal(world, S.IN_PROGRESS, is_public=True)
    url = reverse("citizen_api:support", args=[problem.number])
    joined = client.post(url, **token)
    assert joined.status_code == 200, joined.content
    assert joined.json() == {"number": problem.number, "supporters": 1, "supported": True}
    assert Support.objects.filter(appeal=problem, citizen=neighbour).exists()
    left = client.delete(url, **token)
    assert left.json()["supported"] is False and left.json()["supporters"] == 0
    own = client.post(url, **bearer(make_token(mobile_app, world.citizen)))
    assert own.status_code == 409
    assert (
        own.json()["error"]["message"]
        == "Это ваше собственное обращение: к нему нельзя присоединиться."
    )


def test_notification_settings(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    url = reverse("citizen_api:notification_settings")
    current = client.get(url, **token).json()
    assert current["notice_email"] is True
    changed = client.patch(
        url, {"quiet_from": 22, "quiet_to": 7}, content_type="application/json", **token
    )
    assert changed.status_code == 200, changed.content
    world.citizen.refresh_from_db()
    assert (world.citizen.quiet_from, world.citizen.quiet_to) == (22, 7)
    half = client.patch(url, {"quiet_to": None}, content_type="application/json", **token)
    assert half.status_code == 400
    assert half.json()["error"]["fields"]["quiet_to"] == [
        "Выберите и начало, и конец тихих часов или не выбирайте ни того, ни другого."
    ]
    unknown = client.patch(url, {"is_staff": True}, content_type="application/json", **token)
    assert unknown.status_code == 400


def test_push_subscription(client, world, mobile_app, settings):
    from core.push import generate_vapid_keys

    settings.WEBPUSH_VAPID_PRIVATE_KEY, settings.WEBPUSH_VAPID_PUBLIC_KEY = generate_vapid_keys()
    token = bearer(make_token(mobile_app, world.citizen))
    url = reverse("citizen_api:push_subscriptions")
    endpoint = "https://push.example.org/send/abc"
    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}
    response = client.post(
        url, {"endpoint": endpoint, "keys": keys}, content_type="application/json", **token
    )
    assert response.status_code == 201, response.content
    assert PushSubscription.objects.get(endpoint=endpoint).user == world.citizen
    world.citizen.refresh_from_db()
    assert world.citizen.notice_push
    bad = client.post(
        url, {"endpoint": "http://x", "keys": keys}, content_type="application/json", **token
    )
    assert bad.status_code == 400
    removed = client.delete(f"{url}?endpoint={endpoint}", **token)
    assert removed.status_code == 200
    assert not PushSubscription.objects.filter(endpoint=endpoint).exists()
    assert client.delete(f"{url}?endpoint={endpoint}", **token).status_code == 404


def test_filing_twice_with_one_key_files_once(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    form = filing_form(world, consent="true", idempotency_key=str(uuid.uuid4()))
    first = client.post(reverse("citizen_api:appeals"), form, **token)
    second = client.post(reverse("citizen_api:appeals"), form, **token)
    assert first.status_code == second.status_code == 201
    assert first.json()["number"] == second.json()["number"]
    assert Appeal.objects.count() == 1


def test_the_filing_limit_is_the_sites_and_answers_429_in_json(client, world, mobile_app, settings):
    settings.APPEAL_FILING_RATE = "2/h"
    token = bearer(make_token(mobile_app, world.citizen))
    client.force_login(world.citizen)
    assert client.post(reverse("appeals:new"), filing_form(world)).status_code == 302
    client.logout()
    url = reverse("citizen_api:appeals")
    assert client.post(url, filing_form(world, consent="true"), **token).status_code == 201
    limited = client.post(url, filing_form(world, consent="true"), **token)
    assert limited.status_code == 429
    assert limited.json()["error"]["message"].startswith("Вы подали много обращений")
    english = client.post(
        url, filing_form(world, consent="true"), HTTP_ACCEPT_LANGUAGE="en", **token
    )
    assert english.json()["error"]["message"].startswith("You have filed many appeals")
    assert Appeal.objects.count() == 2
