"""An organizer publishes a poll; a resident answers it and votes in another vote; the resident
comments on a section of a public discussion; after it closes the organizer publishes the final
report and the resident reads it. Every page is audited with axe.

The journey runs in English (the language cookie): the assertions name this app's own strings,
which stay stable whatever the Russian translation says. People sign in with a session cookie
made the way the test client's force_login makes it; the login form has its own journeys.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Membership
from surveys.models import Comment, Discussion, Response, Survey
from tests.accounts.factories import UserFactory
from tests.harness import session_key_for
from tests.organizations.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
)
from tests.surveys.factories import DiscussionFactory, SectionFactory, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def town(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Вилючинский городской округ")
    organization = OrganizationFactory(
        region=region, name="Администрация Вилючинского городского округа"
    )
    head = UserFactory(email="head@example.ru", last_name="Смирнова", first_name="Ольга")
    MembershipFactory(user=head, organization=organization, role=Membership.Role.HEAD)
    resident = UserFactory(
        email="resident@example.ru",
        last_name="Котова",
        first_name="Вера",
        municipality=municipality,
    )
    vote = make_survey(
        organization=organization, kind="vote", title="Какую территорию благоустроить в 2027 году"
    )
    discussion = DiscussionFactory(organization=organization, title="Проект правил благоустройства")
    section = SectionFactory(
        discussion=discussion,
        title="Уборка снега",
        body="Дворы убираются **до 8 часов утра** после снегопада.",
    )
    return {
        "head": head,
        "resident": resident,
        "vote": vote,
        "discussion": discussion,
        "section": section,
        "organization": organization,
    }


def _sign_in(browser_page, live_server, user) -> None:
    context = browser_page.page.context
    context.clear_cookies()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_key_for(user),
                "url": live_server.url,
            },
        ]
    )


def _visit(browser_page, locator_or_url) -> None:
    if isinstance(locator_or_url, str):
        browser_page.page.goto(locator_or_url)
    else:
        locator_or_url.click()
    browser_page.audit()


def test_poll_vote_discussion_and_its_final_report(browser_page, live_server, town):
    page = browser_page.page
    menu = page.get_by_role("navigation", name="Главное меню")

    # The organizer prepares a poll and publishes it.
    _sign_in(browser_page, live_server, town["head"])
    _visit(browser_page, "/")
    _visit(browser_page, menu.get_by_role("link", name="Консультации с жителями"))
    _visit(browser_page, page.get_by_role("link", name="Новый опрос или голосование"))
    page.get_by_label("Опрос", exact=True).check()
    page.get_by_label("Название").fill("Удобно ли вам пользоваться автобусами?")
    now = timezone.localtime()
    page.get_by_role("textbox", name="Начало").fill(now.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("textbox", name="Окончание").fill(
        (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    )
    page.get_by_label("Показываются во время проведения опроса").check()
    _visit(browser_page, page.get_by_role("button", name="Сохранить черновик"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Удобно ли вам пользоваться автобусами?"
    )
    page.get_by_label("Вопрос:", exact=True).fill("Как часто вы ездите на автобусе?")
    page.get_by_label("Варианты ответа, по одному в строке").fill(
        "Каждый день\nРаз в неделю\nРедко"
    )
    _visit(browser_page, page.get_by_role("button", name="Добавить вопрос"))
    expect(page.get_by_role("heading", name="1. Как часто вы ездите на автобусе?")).to_be_visible()
    _visit(browser_page, page.get_by_role("button", name="Опубликовать"))
    expect(
        page.get_by_text(
            "Опубликовано. Теперь публикацию видят жители, для которых она предназначена."
        )
    ).to_be_visible()
    poll = Survey.objects.get(title="Удобно ли вам пользоваться автобусами?")
    assert poll.published_at is not None

    # A resident answers the poll and sees the live results: a chart with its data table.
    _sign_in(browser_page, live_server, town["resident"])
    _visit(browser_page, "/")
    _visit(browser_page, menu.get_by_role("link", name="Опросы и голосования"))
    _visit(browser_page, page.get_by_role("link", name="Удобно ли вам пользоваться автобусами?"))
    page.get_by_label("Раз в неделю").check()
    _visit(browser_page, page.get_by_role("button", name="Отправить ответы"))
    expect(page.get_by_text("Спасибо! Ваши ответы приняты.")).to_be_visible()
    expect(page.get_by_role("heading", name="Вы приняли участие")).to_be_visible()
    _visit(browser_page, page.get_by_role("link", name="Посмотреть результаты"))
    table = page.get_by_role("table", name="Как часто вы ездите на автобусе?: таблица данных")
    expect(table.get_by_role("row", name="Раз в неделю 1")).to_be_visible()

    # The same resident votes; the results stay sealed until the vote closes.
    _visit(browser_page, menu.get_by_role("link", name="Опросы и голосования"))
    _visit(
        browser_page, page.get_by_role("link", name="Какую территорию благоустроить в 2027 году")
    )
    page.get_by_label("Парк Победы").check()
    _visit(browser_page, page.get_by_role("button", name="Проголосовать"))
    expect(page.get_by_text("Ваш голос учтён.")).to_be_visible()
    expect(page.get_by_role("link", name="Посмотреть результаты")).to_have_count(0)
    assert Response.objects.filter(survey=town["vote"], citizen=town["resident"]).count() == 1

    # The resident comments on a section of the discussion.
    _visit(browser_page, menu.get_by_role("link", name="Обсуждения"))
    _visit(browser_page, page.get_by_role("link", name="Проект правил благоустройства"))
    expect(page.locator(".document-text strong")).to_have_text("до 8 часов утра")
    page.get_by_label("Ваш комментарий к разделу «Уборка снега»").fill(
        "Просим убирать и тротуары до 8 утра."
    )
    _visit(browser_page, page.get_by_role("button", name="Прокомментировать раздел"))
    expect(page.get_by_text("Ваш комментарий опубликован.")).to_be_visible()
    expect(page.locator("#section-{} .comment-text".format(town["section"].pk))).to_contain_text(
        "Просим убирать и тротуары"
    )

    # The discussion closes.
    Discussion.objects.filter(pk=town["discussion"].pk).update(
        opens_at=timezone.now() - timedelta(days=20),
        closes_at=timezone.now() - timedelta(minutes=1),
    )

    # The organizer records the decision and publishes the final report.
    _sign_in(browser_page, live_server, town["head"])
    _visit(browser_page, "/discussions/manage/")
    _visit(browser_page, page.get_by_role("link", name="подготовить"))
    page.get_by_label("Решение").select_option("partly")
    page.get_by_label("Обоснование:", exact=True).fill(
        "Тротуары у школ убираются до 8 утра, остальные — до 10."
    )
    page.get_by_label("Итоги обсуждения").fill("Поступил один комментарий.")
    _visit(browser_page, page.get_by_role("button", name="Опубликовать отчёт"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Итоговый отчёт")
    assert Comment.objects.get().decision == "partly"

    # The resident reads the report.
    _sign_in(browser_page, live_server, town["resident"])
    _visit(browser_page, f"/discussions/{town['discussion'].pk}/")
    _visit(browser_page, page.get_by_role("link", name="Ознакомиться с итоговым отчётом"))
    row = page.get_by_role("row").filter(has_text="Просим убирать и тротуары")
    expect(row).to_contain_text("Учтено частично")
    expect(row).to_contain_text("Тротуары у школ убираются до 8 утра")
