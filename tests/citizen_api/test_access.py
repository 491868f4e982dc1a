"""Who the citizen API answers: a valid token with the scope, for its own citizen's appeals only.
Citizen B's appeal is a 404 to citizen A for every appeal endpoint and method, with none of its
data; no token, a foreign scheme, an expired token or one without the scope is a 401."""

import pytest
from django.urls import reverse

from appeals.models import Appeal
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.citizen_api.tokens import bearer, make_token
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status

APPEAL_ENDPOINTS = ["citizen_api:appeal", "citizen_api:reply", "citizen_api:rating"]
METHODS = ["get", "post", "put", "patch", "delete"]
BODY = {"text": "Чужое обращение", "score": "5", "solved": "yes"}


@pytest.fixture
def other_appeal(world):
    owner = UserFactory(email="owner.b@example.ru", last_name="Секретова")
    return world_appeal(
        world, S.CLARIFICATION, citizen=owner, text="Текст, который никто посторонний не прочтёт."
    )


@pytest.mark.parametrize("name", APPEAL_ENDPOINTS)
@pytest.mark.parametrize("method", METHODS)
def test_another_citizens_appeal_is_a_404(client, world, mobile_app, other_appeal, name, method):
    token = bearer(make_token(mobile_app, world.citizen))
    url = reverse(name, args=[other_appeal.number])
    response = (
        getattr(client, method)(url, BODY, **token)
        if method == "post"
        else getattr(client, method)(url, **token)
    )
    assert response.status_code in (404, 405), response.content
    assert response["Content-Type"] == "application/json"
    body = response.content.decode()
    assert "Секретова" not in body and "никто посторонний" not in body
    if response.status_code == 405:
        # the method is not one of the endpoint's: the same answer for one's own appeal
        own = world_appeal(world, S.CLARIFICATION)
        assert getattr(client, method)(reverse(name, args=[own.number]), **token).status_code == 405
    other_appeal.refresh_from_db()
    assert other_appeal.status == S.CLARIFICATION and not other_appeal.answers.exists()


def test_a_private_appeal_cannot_be_joined(client, world, mobile_app, other_appeal):
    token = bearer(make_token(mobile_app, world.citizen))
    url = reverse("citizen_api:support", args=[other_appeal.number])
    for method in (client.post, client.delete):
        response = method(url, **token)
        assert response.status_code == 404
        assert response.json()["error"]["message"] == "Не найдено."


def test_a_staff_token_acts_only_as_a_citizen(client, world, mobile_app):
    """The executor of the appeal's organization sees it on the staff pages, never through the
    app: the API reads the citizen's own appeals only."""
    appeal = world_appeal(world, S.IN_PROGRESS)
    token = bearer(make_token(mobile_app, world.executor))
    assert (
        client.get(reverse("citizen_api:appeal", args=[appeal.number]), **token).status_code == 404
    )
    assert client.get(reverse("citizen_api:appeals"), **token).json()["count"] == 0
    superuser = UserFactory(email="root@example.ru", is_staff=True, is_superuser=True)
    MembershipFactory(
        user=superuser, organization=None, region=world.region, role=Membership.Role.MODERATOR
    )
    root = bearer(make_token(mobile_app, superuser))
    assert (
        client.get(reverse("citizen_api:appeal", args=[appeal.number]), **root).status_code == 404
    )


ENDPOINTS = [
    ("get", "citizen_api:categories", []),
    ("get", "citizen_api:municipalities", []),
    ("get", "citizen_api:addresses", []),
    ("get", "citizen_api:appeals", []),
    ("post", "citizen_api:appeals", []),
    ("get", "citizen_api:notification_settings", []),
    ("patch", "citizen_api:notification_settings", []),
    ("post", "citizen_api:push_subscriptions", []),
]


@pytest.mark.parametrize(("method", "name", "args"), ENDPOINTS)
def test_no_valid_token_is_a_401(client, world, mobile_app, method, name, args):
    url = reverse(name, args=args)
    expired = make_token(mobile_app, world.citizen, expires_in=-60)
    wrong_scope = make_token(mobile_app, world.citizen, scope="read")
    client.force_login(world.citizen)  # a session is no token
    for headers in (
        {},
        {"HTTP_AUTHORIZATION": "Basic Y2l0aXplbjpwYXNzd29yZA=="},
        bearer("made-up-token"),
        bearer(expired),
        bearer(wrong_scope),
    ):
        response = getattr(client, method)(url, **headers)
        assert response.status_code == 401, (headers, response.content)
        assert response["WWW-Authenticate"].startswith("Bearer ")
        assert response.json()["error"]["message"]
    scoped = getattr(client, method)(url, **bearer(wrong_scope))
    assert 'error="insufficient_scope"' in scoped["WWW-Authenticate"]
    assert "appeals" in scoped.json()["error"]["message"]


def test_an_inactive_users_token_is_refused(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    world.citizen.is_active = False
    world.citizen.save()
    assert client.get(reverse("citizen_api:appeals"), **token).status_code == 401


def test_errors_follow_accept_language(client, world, mobile_app):
    response = client.get(reverse("citizen_api:appeals"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["error"]["message"].startswith("Sign in: send an access token")
    assert response["Content-Language"] == "en"
    russian = client.get(reverse("citizen_api:appeals"))
    assert russian.json()["error"]["message"].startswith("Войдите: передайте токен доступа")
    token = bearer(make_token(mobile_app, world.citizen))
    bad = client.get(reverse("citizen_api:appeals"), {"page": "²"}, **token)
    assert bad.status_code == 400
    assert bad.json()["error"]["message"] == "page должен быть целым числом от 1 до 100000."


def test_malformed_input_is_a_json_400(client, world, mobile_app):
    token = bearer(make_token(mobile_app, world.citizen))
    response = client.get(reverse("citizen_api:addresses"), {"q": "a\x00b"}, **token)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["message"].startswith("Аргументы")
