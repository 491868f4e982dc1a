"""A citizen files an appeal with a photo; the moderator registers it; the organization answers;
the citizen reads the answer, rates it 2 and sees the appeal go back for re-review."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from appeals import services
from appeals.models import Appeal
from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def kamchatka(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region, name="Администрация Елизовского муниципального района"
    )
    category = CategoryFactory(
        name="Уборка снега и наледи", parent__name="Дороги", term_days=10, is_priority=True
    )
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="684000, г. Елизово, ул. Ленина, 1",
        municipality=municipality,
    )
    moderator = UserFactory(email="moderator@example.ru")
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    executor = UserFactory(email="executor@example.ru")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    return {"category": category, "municipality": municipality, "executor": executor}


def _photo(path):
    Image.new("RGB", (320, 240), (230, 235, 240)).save(path, "JPEG")
    return path


def test_appeal_from_filing_to_re_review(browser_page, kamchatka, tmp_path):
    page = browser_page.page
    browser_page.log_in("anna@example.ru", PASSWORD)
    browser_page.audit()

    page.get_by_role("link", name="Мои обращения").click()
    browser_page.audit()
    page.get_by_role("link", name="Подать обращение").click()
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 10 дней")
    expect(page.locator("#term-hint")).to_contain_text("10 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Елизовский муниципальный район"
    )
    page.get_by_label("Адрес проблемы").fill("г. Елизово, ул. Ленина, 12")
    page.get_by_label("Что случилось").fill(
        "Во дворе не убран снег уже неделю, к подъезду не пройти."
    )
    page.get_by_label("Фотографии или документы").set_input_files(
        str(_photo(tmp_path / "snow.jpg"))
    )
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    expect(page.get_by_role("main")).to_contain_text("snow.jpg")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("moderator@example.ru", PASSWORD)
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Модерация"
    ).click()
    expect(page.get_by_role("main")).to_contain_text(appeal.number)
    browser_page.audit()
    page.get_by_role(
        "button", name="Зарегистрировать → Администрация Елизовского муниципального района"
    ).click()
    expect(page.get_by_role("main")).to_contain_text("зарегистрировано")
    browser_page.audit()
    browser_page.log_out()

    services.take_appeal(executor=kamchatka["executor"], appeal_id=appeal.pk)
    services.answer_appeal(
        actor=kamchatka["executor"], appeal_id=appeal.pk, text="Снег во дворе убран 12 декабря."
    )

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    expect(page.get_by_role("main")).to_contain_text("Снег во дворе убран 12 декабря.")
    browser_page.audit()
    page.get_by_label("2 — плохо").check()
    page.get_by_role("group", name="Проблема решена?").get_by_label("Нет").check()
    page.get_by_role("button", name="Отправить оценку").click()
    expect(page.get_by_role("main")).to_contain_text("повторное рассмотрение")
    expect(page.get_by_role("main")).to_contain_text("В работе")
    browser_page.audit()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.IN_PROGRESS and appeal.review_round == 1
