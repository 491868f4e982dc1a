"""The citizen's rights in Chromium (issue 15): a widget message becomes an official 59-FZ appeal
once its author has verified their identity; a withdrawal; a complaint about an answer reaches the
parent organization; the head signs the executor's answer. Every page through vnu and axe."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals import services
from appeals.models import Appeal
from organizations.models import Membership, Organization
from regimes.models import Regime, RegimeRule, RegimeVersion
from regimes.standard import install
from tests.accounts.factories import PASSWORD, UserFactory
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
    ministry = OrganizationFactory(
        region=region,
        name="Министерство ЖКХ и энергетики Камчатского края",
        kind=Organization.Kind.EXECUTIVE_BODY,
    )
    administration = OrganizationFactory(
        region=region,
        name="Администрация Елизовского муниципального района",
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION,
        parent=ministry,
    )
    category = CategoryFactory(name="Освещение улиц", parent__name="Благоустройство")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    install(Regime, RegimeVersion)  # a transactional test empties the migration's rows
    RegimeRule.objects.create(regime=Regime.objects.get(code="59-fz"))
    citizen = UserFactory(
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
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    head = UserFactory(email="head@example.ru", last_name="Сидорова", first_name="Мария")
    MembershipFactory(user=head, organization=administration, role=Membership.Role.HEAD)
    return {
        "citizen": citizen,
        "moderator": moderator,
        "executor": executor,
        "head": head,
        "category": category,
        "municipality": municipality,
        "administration": administration,
        "ministry": ministry,
    }


def _registered(world, *, channel=Appeal.Channel.WEB):
    appeal = make_appeal(
        S.SUBMITTED,
        citizen=world["citizen"],
        category=world["category"],
        municipality=world["municipality"],
        region=world["municipality"].region,
        channel=channel,
    )
    return services.accept_appeal(moderator=world["moderator"], appeal_id=appeal.pk)


def test_a_widget_message_becomes_an_official_appeal_after_identification(browser_page, world):
    page = browser_page.page
    appeal = _registered(world, channel=Appeal.Channel.WIDGET)
    assert appeal.regime_version.regime.code == "message"

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Это сообщение платформы, а не обращение по 59-ФЗ")
    expect(main).to_contain_text("Вход через Госуслуги на платформе пока не подключён")
    browser_page.audit()

    # Signed in through Gosuslugi since (the identity provider's own journey is tested apart)
    citizen = world["citizen"]
    citizen.identity_verified_at = timezone.now()
    citizen.save()
    page.reload()
    page.get_by_role("button", name="Сделать официальным обращением").click()
    expect(main).to_contain_text("Теперь это официальное обращение по 59-ФЗ")
    expect(main).to_contain_text("Обращение по Федеральному закону № 59-ФЗ")
    browser_page.audit()
    appeal.refresh_from_db()
    assert appeal.regime_version.regime.code == "59-fz"


def test_the_citizen_withdraws_an_appeal(browser_page, world):
    page = browser_page.page
    appeal = _registered(world)
    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    page.get_by_text("Отозвать обращение").click()
    page.get_by_label("Причина (необязательно)").fill("Фонарь уже починили.")
    page.get_by_role("button", name="Отозвать", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text(
        "Подтвердите, что рассмотрение нужно прекратить."
    )
    expect(page.get_by_label("Причина (необязательно)")).to_have_value("Фонарь уже починили.")
    browser_page.audit()
    page.get_by_label("рассмотрение обращения прекращается", exact=False).check()
    page.get_by_role("button", name="Отозвать", exact=True).click()
    expect(page.get_by_role("main")).to_contain_text("Обращение отозвано")
    browser_page.audit()
    appeal.refresh_from_db()
    assert appeal.status == S.CLOSED and appeal.ground == "withdrawn"


def test_the_head_signs_and_a_complaint_reaches_the_parent(browser_page, world):
    page = browser_page.page
    world["citizen"].identity_verified_at = timezone.now()  # a 59-FZ appeal: the head signs
    world["citizen"].save()
    appeal = _registered(world)
    services.take_appeal(executor=world["executor"], appeal_id=appeal.pk)

    browser_page.log_in("executor@example.ru", PASSWORD)
    page.goto(f"/staff/appeals/{appeal.number}/")
    browser_page.audit()
    page.get_by_text("Ответ", exact=True).first.click()
    page.get_by_label("Ответ заявителю").fill("Фонарь будет заменён до конца недели.")
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_role("main")).to_contain_text("Ответ ждёт подписи")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("head@example.ru", PASSWORD)
    page.goto(f"/staff/appeals/{appeal.number}/")
    page.get_by_role("button", name="Подписать и направить гражданину").click()
    expect(page.get_by_role("main")).to_contain_text("Ответ подписан и направлен гражданину.")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    expect(page.get_by_role("main")).to_contain_text("подписал(а): Сидорова М.")
    browser_page.audit()
    page.get_by_text("Пожаловаться на ответ в вышестоящий орган").click()
    page.get_by_label("Что не так с ответом").fill(
        "Прошла неделя, фонарь так и не заменили: прошу проверить."
    )
    page.get_by_role("button", name="Отправить жалобу").click()
    complaint = Appeal.objects.get(complaint_about=appeal)
    expect(page.get_by_role("heading", level=1)).to_contain_text(complaint.number)
    expect(page.get_by_role("main")).to_contain_text(appeal.number)
    browser_page.audit()
    registered = services.accept_appeal(moderator=world["moderator"], appeal_id=complaint.pk)
    assert registered.organization == world["ministry"]
