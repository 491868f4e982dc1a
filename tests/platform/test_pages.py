import gzip
import io
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse

from tests.organizations.factories import CategoryFactory, MunicipalityFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

HOME_BUDGET_BYTES = 60 * 1024


@pytest.fixture
def kamchatka(region):
    MunicipalityFactory.create_batch(3, region=region)
    OrganizationFactory.create_batch(4, region=region)
    heating = CategoryFactory(
        name="Отсутствие отопления", parent__name="ЖКХ", term_days=10, is_priority=True
    )
    CategoryFactory(
        name="Начисление платы за коммунальные услуги", parent=heating.parent, term_days=30
    )
    return region


def test_home_page_speaks_russian_and_shows_the_region(client, kamchatka):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru"' in page
    assert "Платформа обратной связи<small>Камчатский край</small>" in page
    assert "Отсутствие отопления" in page and "10 дней" in page
    assert "Начисление платы за коммунальные услуги" in page and "30 дней" in page
    assert "Зарегистрироваться" in page
    # headline figure: the participant organizations of this region
    assert re.search(r"Организации-участники</dt><dd>4<", page)


def test_english_is_a_choice_not_a_guess_from_the_browser(client, kamchatka):
    browser_says_english = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="ru"' in browser_says_english.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    chosen = client.get("/").content.decode()
    assert '<html lang="en"' in chosen and "Sign up to file an appeal" in chosen


def test_low_vision_version_is_remembered(client, kamchatka):
    response = client.post(reverse("toggle_low_vision"), {"mode": "on", "next": "/"})
    assert response.status_code == 302 and response.url == "/"
    assert 'class="low-vision"' in client.get("/").content.decode()
    client.post(reverse("toggle_low_vision"), {"mode": "off", "next": "/"})
    assert 'class="low-vision"' not in client.get("/").content.decode()


def test_low_vision_switch_never_redirects_off_site(client):
    response = client.post(
        reverse("toggle_low_vision"), {"mode": "on", "next": "https://evil.example/"}
    )
    assert response.url == "/"


def _nav(page: str) -> list[str]:
    menu = re.search(r'<ul class="nav-list">(.*?)</ul>', page, re.S).group(1)
    return re.findall(r">([^<>]+)</a>", menu)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, ["Главная", "Публичные проблемы", "Опросы и голосования", "Обсуждения"]),
        (
            "citizen",
            [
                "Главная",
                "Публичные проблемы",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Профиль",
            ],
        ),
        (
            "executor",
            [
                "Главная",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Рабочее место",
                "Профиль",
            ],
        ),
        (
            "head",
            [
                "Главная",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Рабочее место",
                "Консультации с жителями",
                "Аналитика",
                "Профиль",
            ],
        ),
        (
            "moderator",
            [
                "Главная",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Модерация",
                "Профиль",
            ],
        ),
        (
            "analyst",
            [
                "Главная",
                "Публичные проблемы",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Аналитика",
                "Профиль",
            ],
        ),
        (
            "platform_admin",
            [
                "Главная",
                "Публичные проблемы",
                "Мои обращения",
                "Опросы и голосования",
                "Обсуждения",
                "Консультации с жителями",
                "Аналитика",
                "Администрирование",
                "Состояние фоновых проверок",
                "Профиль",
            ],
        ),
    ],
)
def test_navigation_fits_the_role(client, request, role, expected):
    if role:
        client.force_login(request.getfixturevalue(role))
    assert _nav(client.get("/").content.decode()) == expected


@pytest.mark.parametrize(
    ("url", "allowed"),
    [("/staff/", "executor"), ("/moderation/", "moderator"), ("/analytics/", "analyst")],
)
def test_role_pages_are_closed_to_other_roles(client, request, citizen, url, allowed):
    client.force_login(citizen)
    assert client.get(url).status_code == 403
    client.force_login(request.getfixturevalue(allowed))
    assert client.get(url).status_code == 200


def test_anonymous_visitor_is_sent_to_login_from_role_pages(client):
    response = client.get("/staff/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_strict_content_security_policy(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy


def test_home_page_has_no_inline_script(client, kamchatka):
    page = client.get("/").content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " on" + "click=" not in page


def test_home_page_weighs_at_most_60_kb_compressed(client):
    """A 256 kbit/s satellite link moves 60 KB in under two seconds. Measured on the full demo."""
    call_command("load_demo", force=True, stdout=io.StringIO())
    page = client.get("/").content
    assert b"769" in page
    total = len(gzip.compress(page, 6))
    assets = re.findall(rb'(?:href|src)="/static/([^"]+)"', page)
    assert assets, "the page should reference its stylesheet and script"
    for asset in set(assets):
        path = finders.find(asset.decode())
        assert path, asset
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read(), 6))
    print(f"home page weight, compressed: {total} bytes")
    assert total <= HOME_BUDGET_BYTES
