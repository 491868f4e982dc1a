"""An executor filters to overdue appeals, searches by a word, opens one and answers it with a
template and a PDF; a head extends the term of another appeal; the citizen sees both."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import AnswerTemplate, Appeal
from appeals.services import sweeps
from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def organization_day(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    supplier = OrganizationFactory(region=region, name="Елизовская теплоснабжающая компания")
    heating = CategoryFactory(
        name="Отсутствие отопления", parent__name="ЖКХ", term_days=10, is_priority=True
    )
    citizen = UserFactory(
        email="anna@example.ru", last_name="Иванова", first_name="Анна", patronymic="Сергеевна"
    )
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=supplier, role=Membership.Role.EXECUTOR)
    head = UserFactory(email="head@example.ru", last_name="Смирнова", first_name="Ольга")
    MembershipFactory(user=head, organization=supplier, role=Membership.Role.HEAD)
    common = {
        "organization": supplier,
        "citizen": citizen,
        "category": heating,
        "municipality": municipality,
        "region": region,
        "executor": executor,
    }
    overdue = make_appeal(
        Appeal.Status.IN_PROGRESS,
        due_at=timezone.now() - timedelta(days=2),
        text="Прорвало теплотрассу у дома 5, в квартирах холодно третьи сутки.",
        **common,
    )
    make_appeal(
        Appeal.Status.IN_PROGRESS,
        due_at=timezone.now() - timedelta(days=1),
        text="Не греют батареи в подъезде, просим проверить стояк.",
        **common,
    )
    later = make_appeal(
        Appeal.Status.IN_PROGRESS,
        due_at=timezone.now() + timedelta(days=6),
        text="Шумит насос в подвале, просим заменить.",
        **common,
    )
    # The «Просроченные» tab lists the sweep's stored marks, as on the running platform.
    sweeps.mark_overdue()
    AnswerTemplate.objects.create(
        organization=supplier,
        title="Авария устранена",
        text="Уважаемый(ая) {citizen_name}! По обращению № {number} авария на теплотрассе устранена.",
    )
    return {"overdue": overdue, "later": later, "citizen": citizen}


def test_executor_answers_head_extends_citizen_sees_both(browser_page, organization_day, tmp_path):
    page = browser_page.page
    overdue, later = organization_day["overdue"], organization_day["later"]

    browser_page.log_in("executor@example.ru", PASSWORD)
    page.get_by_role("navigation", name="Главное меню").get_by_role(
        "link", name="Рабочее место"
    ).click()
    expect(page.locator("#appeal-table")).to_contain_text(later.number)
    browser_page.audit()

    page.get_by_role("navigation", name="Списки обращений").get_by_role(
        "link", name="Просроченные"
    ).click()
    expect(page.locator("#appeal-table")).not_to_contain_text(later.number)  # swapped by htmx
    expect(page.locator("#appeal-table")).to_contain_text(overdue.number)
    expect(page).to_have_url(re.compile(r"tab=overdue"))
    browser_page.audit()

    page.get_by_label("Поиск").fill("теплотрасса")
    page.get_by_role("button", name="Показать").click()
    table = page.locator("#appeal-table")
    expect(table).to_contain_text(overdue.number)
    expect(table).to_contain_text("1 обращение")
    expect(table).to_contain_text("просрочено на 2 дня")
    browser_page.audit()

    table.get_by_role("link", name=overdue.number).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(overdue.number)
    browser_page.audit()

    page.get_by_text("Ответ", exact=True).first.click()
    page.get_by_role("button", name="Вставить шаблон").click()
    answer = page.get_by_label("Ответ заявителю")
    expect(answer).to_have_value(
        f"Уважаемый(ая) Иванова Анна Сергеевна! По обращению № {overdue.number} авария на теплотрассе устранена."
    )
    browser_page.audit()
    pdf = tmp_path / "act.pdf"
    pdf.write_bytes(PDF)
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_label("Файлы к ответу").set_input_files(str(pdf))
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_role("main")).to_contain_text("Ответ отправлен заявителю.")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("head@example.ru", PASSWORD)
    page.goto(f"/staff/appeals/{later.number}/")
    browser_page.audit()
    extension = page.locator("details", has_text="Продлить срок")
    extension.get_by_text("Продлить срок", exact=True).click()
    extension.get_by_label("Продлить на, дней").fill("10")
    extension.get_by_label("Причина (её прочитает заявитель)").fill(
        "Нужна замена насоса, ждём поставку."
    )
    extension.get_by_role("button", name="Продлить", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Срок продлён, заявитель уведомлён.")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{overdue.number}/")
    expect(page.get_by_role("main")).to_contain_text("авария на теплотрассе устранена")
    expect(page.get_by_role("main")).to_contain_text("act.pdf")
    browser_page.audit()
    page.goto(f"/appeals/{later.number}/")
    expect(page.get_by_role("main")).to_contain_text("Нужна замена насоса, ждём поставку.")
    browser_page.audit()
