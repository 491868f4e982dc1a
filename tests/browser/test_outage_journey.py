"""Informing before complaining (issue 16) in Chromium: the water supplier's dispatcher publishes an
outage for one house; a resident starting an appeal for that address sees it on the form before
writing (and not for the house next door), files anyway, and the appeal is linked to it. Every page
through vnu and axe."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal
from organizations.models import Membership
from outages import selectors, services
from outages.models import Outage, OutageSubscription
from tests.accounts.factories import UserFactory
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)
from tests.places.factories import HouseFactory, SettlementFactory, StreetFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESCRIPTION = "Замена задвижки на водоводе. Подвоз питьевой воды — у дома 10."


@pytest.fixture
def town(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(
        region=region, name="Петропавловск-Камчатский городской округ"
    )
    administration = OrganizationFactory(
        region=region, name="Администрация Петропавловск-Камчатского городского округа"
    )
    supplier = OrganizationFactory(
        region=region, name="КГУП «Камчатский водоканал»", kind="resource_supplier"
    )
    category = CategoryFactory(name="Отсутствие холодной воды", parent__name="ЖКХ")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    street = StreetFactory(
        settlement=SettlementFactory(municipality=municipality, name="Петропавловск-Камчатский"),
        name="Ленинская",
    )
    covered = HouseFactory(street=street, number="12", latitude="53.01712", longitude="158.65050")
    HouseFactory(street=street, number="14", latitude="53.01750", longitude="158.65110")
    dispatcher = UserFactory(email="dispatcher@vodokanal.example.ru")
    MembershipFactory(user=dispatcher, organization=supplier, role=Membership.Role.EXECUTOR)
    citizen = UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="683000, г. Петропавловск-Камчатский, ул. Ленинская, 12",
        municipality=municipality,
    )
    return {
        "region": region,
        "municipality": municipality,
        "category": category,
        "house": covered,
        "dispatcher": dispatcher,
        "citizen": citizen,
    }


def _local(moment, region) -> str:
    return moment.astimezone(ZoneInfo(region.timezone)).strftime("%Y-%m-%dT%H:%M")


def test_staff_publish_an_outage_and_the_resident_sees_it_on_the_form(browser_page, town):
    page = browser_page.page
    browser_page.sign_in(town["dispatcher"])
    page.goto("/staff/outages/")
    browser_page.audit()
    page.get_by_role("link", name="Опубликовать отключение или плановые работы").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Опубликовать отключение или плановые работы"
    )
    browser_page.audit()
    page.get_by_label("Водоснабжение").check()
    page.get_by_label("Муниципальное образование").select_option(str(town["municipality"].pk))
    page.get_by_label("Дома").fill("Ленинская, 12")
    now = timezone.now()
    page.get_by_role("textbox", name="Начало").fill(
        _local(now - timedelta(hours=1), town["region"])
    )
    page.get_by_role("textbox", name="Окончание").fill(
        _local(now + timedelta(hours=8), town["region"])
    )
    page.get_by_label("Причина и что нужно знать жителям").fill(DESCRIPTION)
    page.get_by_role("button", name="Опубликовать").click()
    expect(page.get_by_role("status")).to_contain_text("Уведомление «водоснабжение» опубликовано.")
    expect(page.get_by_role("table")).to_contain_text("идёт сейчас")
    browser_page.audit()
    outage = Outage.objects.get()
    assert list(outage.houses.all()) == [town["house"]]

    page.goto("/outages/")
    expect(page.get_by_role("article")).to_contain_text(DESCRIPTION)
    browser_page.audit()

    browser_page.sign_in(town["citizen"])
    page.goto("/appeals/new/")
    browser_page.audit()
    notices = page.locator("#outages")
    expect(notices).to_be_empty()
    page.get_by_label("Категория").select_option(str(town["category"].pk))
    address = page.get_by_label("Адрес проблемы")
    address.fill("ленинская 1")
    suggestion = page.get_by_role("button", name="г. Петропавловск-Камчатский, ул. Ленинская, 12")
    suggestion.click()
    expect(notices).to_contain_text("Отключения и работы по этому адресу")
    expect(notices).to_contain_text(DESCRIPTION)
    expect(notices).to_contain_text("КГУП «Камчатский водоканал»")
    browser_page.audit()  # the form with the notice htmx put on it

    # The house next door: the notice goes.
    address.fill("г. Петропавловск-Камчатский, ул. Ленинская, 14")
    address.press("Tab")
    expect(notices).not_to_contain_text(DESCRIPTION)
    address.fill("г. Петропавловск-Камчатский, ул. Ленинская, 12")
    address.press("Tab")
    expect(notices).to_contain_text(DESCRIPTION)

    page.get_by_label("Что случилось").fill("Третий день нет холодной воды, когда её дадут?")
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Отправить обращение").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("41-")
    browser_page.audit()
    appeal = Appeal.objects.get()
    assert appeal.house == town["house"] and appeal.outage == outage


def test_staff_change_and_cancel_a_notice_and_a_resident_subscribes_and_unsubscribes(
    browser_page, town
):
    page = browser_page.page
    now = timezone.now()
    outage = services.publish_outage(
        actor=town["dispatcher"],
        organization=town["dispatcher"].memberships.get().organization,
        kind=Outage.Kind.WATER,
        municipality=town["municipality"],
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=6),
        description=DESCRIPTION,
        houses=[town["house"]],
    )

    browser_page.sign_in(town["citizen"])
    page.goto("/outages/")
    browser_page.audit()
    page.get_by_role("link", name="Получать уведомление", exact=False).click()
    browser_page.audit()
    page.get_by_label("Дом (необязательно)").fill("Набережная, 99")
    page.get_by_role("button", name="Подписаться").click()
    expect(page.get_by_role("alert")).to_contain_text("Подписка не оформлена")
    browser_page.audit()  # the refusal, with what was typed kept
    page.get_by_label("Дом (необязательно)").fill("Ленинская, 12")
    page.get_by_role("button", name="Подписаться").click()
    expect(page.get_by_role("status")).to_contain_text("Подписка оформлена")
    expect(page.get_by_role("list").filter(has_text="Отписаться")).to_contain_text(
        town["house"].label
    )
    browser_page.audit()
    # Without htmx the notices of an address are a page of their own.
    page.goto(f"/outages/at-address/?municipality={town['municipality'].pk}&address=Ленинская,+12")
    expect(page.get_by_role("main")).to_contain_text(DESCRIPTION)
    browser_page.audit()
    # The link of a notice: no sign-in needed, one question, one subscription.
    token = selectors.unsubscribe_token(OutageSubscription.objects.get())
    page.context.clear_cookies()
    page.goto(f"/outages/unsubscribe/{token}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Отписка от уведомлений об отключениях"
    )
    browser_page.audit()
    page.get_by_role("button", name="Да, отписаться").click()
    expect(page.get_by_role("status")).to_contain_text("Вы отписались")
    browser_page.audit()
    assert not OutageSubscription.objects.exists()

    browser_page.sign_in(town["dispatcher"])
    page.goto("/staff/outages/")
    page.get_by_role("link", name="Водоснабжение").click()
    browser_page.audit()
    page.get_by_role("textbox", name="Окончание").fill(
        _local(now + timedelta(days=1, hours=9), town["region"])
    )
    page.get_by_role("button", name="Сохранить уведомление").click()
    expect(page.get_by_role("status")).to_contain_text("сохранено")
    page.get_by_role("link", name="Водоснабжение").click()
    expect(page.locator(".timeline")).to_contain_text("изменено")
    page.get_by_text("Отменить это уведомление").click()
    page.get_by_label("Причина отмены").fill("Работы перенесены на весну.")
    page.get_by_role("button", name="Да, отменить уведомление").click()
    expect(page.get_by_role("status")).to_contain_text("Уведомление отменено")
    expect(page.get_by_role("table")).to_contain_text("отменено")
    browser_page.audit()
    page.get_by_role("link", name="Водоснабжение").click()
    expect(page.get_by_text("Работы перенесены на весну.").first).to_be_visible()
    browser_page.audit()
    outage.refresh_from_db()
    assert outage.status == Outage.Status.CANCELLED
