"""Copies to several competent bodies in Chromium (issue 15): the moderator registers an appeal at
the administration with a copy to the ministry; each body answers its part in its own queue; the
citizen follows one appeal, sees which part is still under review, then gets one consolidated
answer notice with both answers under the one number. Every page through vnu and axe."""

import pytest
from playwright.sync_api import expect

from appeals.models import Appeal, Event
from core.models import Notification
from organizations.models import Membership, Organization
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Appeal.Status


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region,
        name="Администрация Елизовского муниципального района",
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION,
    )
    ministry = OrganizationFactory(
        region=region,
        name="Министерство транспорта и дорожного строительства Камчатского края",
        kind=Organization.Kind.EXECUTIVE_BODY,
    )
    OrganizationFactory(region=region, name="Управляющая компания «Северная»")
    category = CategoryFactory(name="Ремонт дорог", parent__name="Дороги")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    people = {
        "citizen": UserFactory(email="anna@example.ru", last_name="Иванова", first_name="Анна"),
        "moderator": UserFactory(email="moderator@example.ru"),
        "clerk": UserFactory(email="clerk@example.ru", last_name="Петров", first_name="Илья"),
        "engineer": UserFactory(
            email="engineer@example.ru", last_name="Сидорова", first_name="Мария"
        ),
    }
    MembershipFactory(
        user=people["moderator"], organization=None, region=region, role=Membership.Role.MODERATOR
    )
    MembershipFactory(
        user=people["clerk"], organization=administration, role=Membership.Role.EXECUTOR
    )
    MembershipFactory(user=people["engineer"], organization=ministry, role=Membership.Role.EXECUTOR)
    appeal = make_appeal(
        S.SUBMITTED,
        citizen=people["citizen"],
        category=category,
        municipality=municipality,
        region=region,
        text=(
            "На въезде в Елизово яма во всю полосу, а тротуар вдоль дороги разрушен: "
            "прошу отремонтировать и дорогу, и тротуар."
        ),
    )
    return {**people, "appeal": appeal, "administration": administration, "ministry": ministry}


def _as(browser_page, user, path: str):
    browser_page.page.context.clear_cookies()
    browser_page.sign_in(user)
    browser_page.page.goto(path)


def _answer_part(browser_page, user, number: str, text: str):
    page = browser_page.page
    _as(browser_page, user, "/staff/")
    expect(page.get_by_role("main")).to_contain_text(number)
    browser_page.audit()
    page.get_by_role("link", name=number, exact=True).click()
    browser_page.audit()
    page.get_by_role("button", name="Взять в работу").click()
    expect(page.get_by_role("main")).to_contain_text("Обращение принято вами в работу.")
    page.get_by_text("Ответ", exact=True).first.click()
    page.get_by_label("Ответ заявителю").fill(text)
    page.get_by_label("Результат рассмотрения").select_option(label="разъяснено")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_role("main")).to_contain_text("Ответ отправлен заявителю.")
    browser_page.audit()


def test_two_bodies_answer_and_the_citizen_gets_one_consolidated_answer(browser_page, world):
    page = browser_page.page
    appeal = world["appeal"]

    # The moderator registers it at the administration, with a copy to the ministry.
    _as(browser_page, world["moderator"], f"/moderation/{appeal.number}/")
    browser_page.audit()
    page.get_by_label("Ответственная организация").select_option(
        label="Администрация Елизовского муниципального района"
    )
    # The copies list takes several: the search field adds to the choice, it replaces nothing.
    copies = page.get_by_label("Копии в другие организации по компетенции")
    copies.select_option(label="Управляющая компания «Северная»")
    search = page.get_by_role("combobox", name="Найти организацию для копии по названию или ИНН")
    search.press_sequentially("дорожного", delay=20)
    options = page.locator("#id_copies-options")
    expect(options.get_by_role("option")).to_have_count(1)
    browser_page.audit()
    search.press("ArrowDown")
    search.press("Enter")  # chooses; does not submit
    chosen = copies.evaluate("select => [...select.selectedOptions].map(o => o.text)")
    assert sorted(chosen) == [
        "Министерство транспорта и дорожного строительства Камчатского края",
        "Управляющая компания «Северная»",
    ]
    copies.select_option(
        label="Министерство транспорта и дорожного строительства Камчатского края"
    )  # the company was a slip: two bodies in all
    page.get_by_role("button", name="Зарегистрировать и направить").click()
    expect(page.get_by_role("main")).to_contain_text(
        "Копии направлены: Министерство транспорта и дорожного строительства Камчатского края."
    )
    browser_page.audit()
    copy = appeal.copies.get()
    assert copy.number == f"{appeal.number}-2" and copy.organization == world["ministry"]
    assert copy.status == S.REGISTERED
    page.goto(f"/moderation/{appeal.number}/")
    expect(page.get_by_role("region", name="Части обращения")).to_contain_text(copy.number)
    browser_page.audit()

    # The administration answers its part from its own queue.
    _answer_part(
        browser_page, world["clerk"], appeal.number, "Яма на проезжей части заделана 12 мая."
    )

    # The citizen follows one appeal: one part answered, the other still under review.
    _as(browser_page, world["citizen"], "/appeals/")
    main = page.get_by_role("main")
    expect(main).to_contain_text(appeal.number)
    expect(main).not_to_contain_text(copy.number)
    browser_page.audit()
    page.get_by_role("link", name=appeal.number).first.click()
    parts = page.get_by_role("region", name="Части обращения")
    expect(parts).to_contain_text("Министерство транспорта и дорожного строительства")
    expect(parts).to_contain_text("ещё на рассмотрении")
    expect(main).to_contain_text("Яма на проезжей части заделана 12 мая.")
    expect(main).to_contain_text("Ещё не все организации ответили")
    expect(page.get_by_role("heading", name="Оцените ответ")).to_have_count(0)
    browser_page.audit()
    assert not Notification.objects.filter(
        recipient=world["citizen"], template__in=["answered", "answered_all"]
    ).exists()

    # The ministry answers its part, the copy, in its own queue.
    _answer_part(
        browser_page, world["engineer"], copy.number, "Тротуар включён в план ремонта на июнь."
    )

    # One consolidated answer: both answers under the one number, the rating asked for.
    _as(browser_page, world["citizen"], "/notifications/")
    expect(page.get_by_role("main")).to_contain_text(
        f"Все организации ответили на обращение {appeal.number}: оцените ответы"
    )
    browser_page.audit()
    page.goto(f"/appeals/{appeal.number}/")
    expect(main).to_contain_text("Яма на проезжей части заделана 12 мая.")
    expect(main).to_contain_text("Ответ: Министерство транспорта и дорожного строительства")
    expect(main).to_contain_text("Тротуар включён в план ремонта на июнь.")
    expect(parts).not_to_contain_text("ещё на рассмотрении")
    expect(main).to_contain_text("все организации ответили: гражданину направлен сводный ответ")
    expect(page.get_by_role("heading", name="Оцените ответ")).to_be_visible()
    browser_page.audit()
    notices = Notification.objects.filter(recipient=world["citizen"], channel="in_app")
    assert notices.filter(template="answered_all").count() == 1
    assert not notices.filter(template="answered").exists()
    assert appeal.events.filter(action=Event.Action.CONSOLIDATE_ANSWERS).count() == 1
