"""The answer quality gate in Chromium (issue 16): the moderator returns a held answer naming the
criteria, the executor reworks it on the appeal page, the moderator releases it and the citizen
reads it. Every page through vnu and axe."""

import pytest
from playwright.sync_api import expect

from appeals import services
from appeals.models import Appeal
from organizations.models import Membership
from quality.models import ReviewedCategory, ReworkCriterion
from quality.standard import install
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
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
        region=region, name="Администрация Елизовского муниципального района"
    )
    category = CategoryFactory(name="Протечка кровли", parent__name="ЖКХ")
    install(ReworkCriterion)  # a transactional test empties the migration's rows
    ReviewedCategory.objects.create(category=category)
    citizen = UserFactory(email="anna@example.ru", last_name="Иванова", first_name="Анна")
    moderator = UserFactory(email="moderator@example.ru", last_name="Орлова", first_name="Ольга")
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    appeal = make_appeal(
        S.IN_PROGRESS,
        organization=administration,
        executor=executor,
        citizen=citizen,
        category=category,
        municipality=municipality,
        region=region,
        text="Течёт крыша над третьим подъездом, вода в квартире на пятом этаже.",
    )
    return {"appeal": appeal, "citizen": citizen, "moderator": moderator, "executor": executor}


def _as(browser_page, user) -> None:
    browser_page.page.context.clear_cookies()
    browser_page.sign_in(user)


def test_the_moderator_returns_an_answer_and_releases_the_rework(browser_page, world):
    page = browser_page.page
    appeal = world["appeal"]
    services.answer_appeal(
        actor=world["executor"], appeal_id=appeal.pk, text="Ваше обращение рассмотрено."
    )

    _as(browser_page, world["moderator"])
    page.goto("/moderation/")
    browser_page.audit()
    page.get_by_role("link", name="Ответы на проверку качества").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(appeal.number)
    browser_page.audit()
    page.get_by_role("link", name=appeal.number).click()
    expect(main).to_contain_text("Ваше обращение рассмотрено.")
    browser_page.audit()
    # No criterion chosen: the error is explained and the comment stays.
    page.get_by_label("Комментарий для организации").fill("Назовите дату ремонта кровли.")
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(main).to_contain_text("Выберите хотя бы один критерий")
    expect(page.get_by_label("Комментарий для организации")).to_have_value(
        "Назовите дату ремонта кровли."
    )
    browser_page.audit()
    page.get_by_label("Формальная отписка без ответа по существу").check()
    page.get_by_label("Нет срока выполнения обещанных работ").check()
    page.get_by_role("button", name="Вернуть на доработку").click()
    expect(main).to_contain_text("Ответ возвращён организации на доработку.")
    browser_page.audit()

    _as(browser_page, world["executor"])
    page.goto(f"/staff/appeals/{appeal.number}/")
    expect(main).to_contain_text("Ответ возвращён на доработку по итогам проверки качества")
    expect(main).to_contain_text("Нет срока выполнения обещанных работ")
    expect(main).to_contain_text("Назовите дату ремонта кровли.")
    expect(main).to_contain_text("Направьте новую версию до")
    browser_page.audit()
    page.get_by_label("Ответ заявителю").fill(
        "Кровля над третьим подъездом будет отремонтирована до 20 марта; акт приложим."
    )
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(main).to_contain_text("Ответ направлен на проверку качества")
    expect(main).to_contain_text("Ответ ждёт проверки качества")
    browser_page.audit()

    _as(browser_page, world["moderator"])
    page.goto(f"/moderation/answers/{appeal.number}/")
    expect(main).to_contain_text("до 20 марта")
    expect(main).to_contain_text("Формальная отписка без ответа по существу")  # the history
    browser_page.audit()
    page.get_by_role("button", name="Одобрить и направить ответ").click()
    expect(main).to_contain_text("Ответ одобрен и направлен гражданину.")
    browser_page.audit()

    _as(browser_page, world["citizen"])
    page.goto(f"/appeals/{appeal.number}/")
    expect(main).to_contain_text("будет отремонтирована до 20 марта")
    expect(main).not_to_contain_text("Ваше обращение рассмотрено.")
    browser_page.audit()
    appeal.refresh_from_db()
    assert appeal.status == S.ANSWERED
