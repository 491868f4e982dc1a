"""Each role lands where its work is after signing in; the home page offers filing and /stats/."""

import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        ("citizen", "/appeals/"),
        ("executor", "/staff/"),
        ("head", "/staff/"),
        ("moderator", "/moderation/"),
        ("analyst", "/analytics/"),
        ("platform_admin", "/admin/"),
    ],
)
def test_each_role_lands_where_its_work_is(client, request, role, landing):
    user = request.getfixturevalue(role)
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == landing
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize("role", ["citizen", "moderator"])
def test_an_explicit_next_wins(client, request, role):
    user = request.getfixturevalue(role)
    response = client.post(
        reverse("account_login") + "?next=/surveys/",
        {"login": user.email, "password": PASSWORD},
    )
    assert response.status_code == 302 and response.url == "/surveys/"


def test_a_signed_in_citizen_can_file_from_the_home_page(client, citizen):
    anonymous = client.get("/").content.decode()
    assert 'href="/stats/"' in anonymous and 'href="/appeals/new/"' not in anonymous
    client.force_login(citizen)
    page = client.get("/").content.decode()
    assert 'href="/appeals/new/">Подать обращение</a>' in page
    assert 'href="/stats/"' in page and "открытая статистика" in page
