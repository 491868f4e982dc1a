"""A collective appeal in Chromium (issue 15, 59-FZ art. 4): the author files it with the
«Коллективное обращение» box and shares the link; three identified neighbours, each in a browser
of their own, open the link, sign in and sign; the author names one of them the representative;
the moderator registers it seeing the signatures; the head answers; the representative and the
neighbour who asked for a copy read the answer, the third does not. Every page through vnu and
axe."""

import contextlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal, CoSigner, Event
from appeals.services import collective
from core.models import Notification
from organizations.models import Membership, Organization
from regimes.models import Regime, RegimeRule, RegimeVersion
from regimes.standard import install
from tests.accounts.factories import PASSWORD, UserFactory
from tests.appeals.factories import make_appeal
from tests.browser.conftest import AuditedPage
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ANSWER = "Двор очистят от снега до 20 декабря, вывоз снега включён в график."


@pytest.fixture
def world(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region,
        name="Администрация Елизовского муниципального района",
        kind=Organization.Kind.MUNICIPAL_ADMINISTRATION,
    )
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги", term_days=30)
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=administration, region=region
    )
    install(Regime, RegimeVersion)  # a transactional test empties the migration's rows
    RegimeRule.objects.create(regime=Regime.objects.get(code="59-fz"))
    verified = timezone.now()
    author = UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        patronymic="",
        postal_address="684000, г. Елизово, ул. Ленина, 1",
        municipality=municipality,
        identity_verified_at=verified,
    )
    neighbours = [
        UserFactory(
            email=email,
            last_name=last,
            first_name=first,
            patronymic="",
            identity_verified_at=verified,
        )
        for email, last, first in [
            ("olga@example.ru", "Кузнецова", "Ольга"),
            ("pavel@example.ru", "Попов", "Павел"),
            ("irina@example.ru", "Волкова", "Ирина"),
        ]
    ]
    moderator = UserFactory(email="moderator@example.ru")
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    head = UserFactory(email="head@example.ru", last_name="Сидорова", first_name="Мария")
    MembershipFactory(user=head, organization=administration, role=Membership.Role.HEAD)
    return {"author": author, "neighbours": neighbours}


@pytest.fixture
def browser_of(chromium, live_server, html_checker):
    """Another person's browser: a context of its own, audited like the main one."""
    opened = []

    def open_browser() -> AuditedPage:
        context = chromium.new_context(locale="ru-RU", base_url=live_server.url)
        html_checker.watch(context)
        audited = AuditedPage.watch(context.new_page(), html_checker, live_server.url)
        opened.append((context, audited))
        return audited

    yield open_browser
    for context, _audited in opened:
        with contextlib.suppress(Exception):
            context.close()
    for _context, audited in opened:
        audited.check()


def _sign_through_the_link(
    person: AuditedPage, link: str, email: str, *, wants_copy: bool, forget_consent=False
):
    page = person.page
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/appeals/join/"))
    person.audit()
    page.get_by_label("Адрес электронной почты").fill(email)
    page.get_by_label("Пароль:", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Подписать коллективное")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Во дворе не убран снег")
    person.audit()
    if wants_copy:
        page.get_by_label("Направить мне копию ответа").check()
    if forget_consent:
        page.get_by_role("button", name="Подписать обращение").click()
        expect(main).to_contain_text("Без согласия на обработку персональных данных подпись")
        expect(page.get_by_label("Направить мне копию ответа")).to_be_checked(checked=wants_copy)
        person.audit()
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Подписать обращение").click()
    expect(main).to_contain_text("Вы подписали коллективное обращение")
    person.audit()


def test_three_neighbours_sign_and_the_answer_reaches_those_it_should(
    browser_page, browser_of, world
):
    olga, pavel, irina = world["neighbours"]
    page = browser_page.page
    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto("/appeals/new/")
    browser_page.audit()
    page.get_by_label("Категория").select_option(label="Уборка снега и наледи — 30 дней")
    page.get_by_label("Муниципальное образование").select_option(
        label="Елизовский муниципальный район"
    )
    page.get_by_label("Адрес проблемы").fill("г. Елизово, ул. Ленина, 12")
    page.get_by_label("Что случилось").fill(
        "Во дворе не убран снег уже неделю, к подъездам не пройти ни нам, ни скорой."
    )
    page.get_by_label("Коллективное обращение").check()
    page.get_by_label("обработку персональных данных", exact=False).check()
    page.get_by_role("button", name="Отправить обращение").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_role("heading", level=1)).to_contain_text(appeal.number)
    panel = page.locator("#collective")
    expect(panel).to_contain_text("1 подпись, включая вашу.")
    browser_page.audit()
    link = page.get_by_label("Ссылка для соподписантов").input_value()
    assert link.endswith(f"/appeals/join/{appeal.collective_token}/")

    # Olga a copy, Pavel none (he will represent them), Irina none; Pavel first forgets consent.
    _sign_through_the_link(browser_of(), link, olga.email, wants_copy=True)
    pavel_browser = browser_of()
    _sign_through_the_link(pavel_browser, link, pavel.email, wants_copy=False, forget_consent=True)
    _sign_through_the_link(browser_of(), link, irina.email, wants_copy=False)
    assert CoSigner.objects.filter(appeal=appeal).count() == 3

    # The author sees the signers and names Pavel the representative.
    page.reload()
    expect(panel).to_contain_text("4 подписи, включая вашу.")
    expect(panel).to_contain_text("Кузнецова О. · просит копию ответа")
    page.get_by_label("Представитель подписавших").select_option(label="Попов П.")
    page.get_by_role("button", name="Сохранить представителя").click()
    expect(page.get_by_role("main")).to_contain_text("Представитель подписавших сохранён.")
    expect(panel).to_contain_text("Попов П. — представитель")
    browser_page.audit()
    browser_page.log_out()

    # The moderator sees the signatures in the queue and on the appeal, and registers it.
    browser_page.log_in("moderator@example.ru", PASSWORD)
    page.goto("/moderation/")
    row = page.locator(f"#row-{appeal.number}")
    expect(row).to_contain_text("коллективное, 4 подписи")
    browser_page.audit()
    row.get_by_role("link", name=appeal.number).click()
    expect(page.locator("#signatures")).to_contain_text("4 подписи: автор и соподписанты")
    browser_page.audit()
    page.get_by_role("button", name="Зарегистрировать и направить").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Модерация")
    browser_page.audit()
    browser_page.log_out()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REGISTERED and appeal.cosigners_count == 3

    # Signing is closed now: a late neighbour is told so.
    late = UserFactory(email="late@example.ru", identity_verified_at=timezone.now())
    late_browser = browser_of()
    late_browser.sign_in(late)
    late_browser.page.goto(link)
    expect(late_browser.page.get_by_role("main")).to_contain_text("уже зарегистрировано")
    late_browser.audit()

    # The head sees the signers and answers.
    browser_page.log_in("head@example.ru", PASSWORD)
    page.goto(f"/staff/appeals/{appeal.number}/")
    signers = page.locator("#signers")
    expect(signers).to_contain_text("коллективное, 4 подписи")
    expect(signers).to_contain_text("соподписант 2 — представитель")
    browser_page.audit()
    page.get_by_text("Ответ", exact=True).first.click()
    page.get_by_label("Ответ заявителю").fill(ANSWER)
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_role("button", name="Отправить ответ").click()
    expect(page.get_by_role("main")).to_contain_text(ANSWER)
    browser_page.audit()
    browser_page.log_out()

    told = Notification.objects.filter(
        appeal=appeal, channel=Notification.Channel.IN_APP, template__startswith="answer"
    )
    assert sorted(told.values_list("recipient__email", "template")) == [
        ("anna@example.ru", "answered"),
        ("olga@example.ru", "answer_copy"),
        ("pavel@example.ru", "answer_to_representative"),
    ]

    # The representative reads the answer from the cabinet; so does Olga; Irina only the status.
    pavel_page = pavel_browser.page
    pavel_page.goto("/appeals/")
    cosigned = pavel_page.locator("#cosigned")
    expect(cosigned).to_contain_text("представитель подписавших")
    pavel_browser.audit()
    cosigned.get_by_role("link", name=appeal.number).click()
    main = pavel_page.get_by_role("main")
    expect(main).to_contain_text(ANSWER)
    expect(main).to_contain_text("Представитель подписавших")
    expect(main.get_by_role("button", name="Отправить оценку")).to_have_count(0)
    expect(main.get_by_text("Отозвать обращение")).to_have_count(0)
    pavel_browser.audit()

    for person, sees in ((olga, True), (irina, False)):
        other = browser_of()
        other.sign_in(person)
        other.page.goto(f"/appeals/{appeal.number}/cosigned/")
        main = other.page.get_by_role("main")
        expect(main).to_contain_text(appeal.number)
        if sees:
            expect(main).to_contain_text(ANSWER)
        else:
            expect(main).not_to_contain_text(ANSWER)
            expect(main).to_contain_text("копию вы не просили")
        other.audit()

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    expect(page.get_by_role("main")).to_contain_text(ANSWER)
    expect(page.get_by_role("button", name="Отправить оценку")).to_be_visible()
    browser_page.audit()
    assert Event.objects.filter(appeal=appeal, action=Event.Action.COSIGN).count() == 3


def test_a_neighbour_confirmed_by_e_mail_only_is_told_to_sign_in_through_gosuslugi(
    browser_page, world
):
    author = world["author"]
    appeal = make_appeal(
        Appeal.Status.SUBMITTED,
        citizen=author,
        municipality=author.municipality,
        region=author.municipality.region,
        text="Во дворе не убран снег уже неделю, к подъездам не пройти.",
    )
    appeal = collective.collect_signatures(citizen=author, appeal_id=appeal.pk)
    browser_page.sign_in(UserFactory(email="email.only@example.ru"))
    page = browser_page.page
    page.goto(f"/appeals/join/{appeal.collective_token}/")
    main = page.get_by_role("main")
    expect(
        main.get_by_role("heading", name="Чтобы подписать, войдите через Госуслуги")
    ).to_be_visible()
    expect(main).to_contain_text("подтверждена только адресом электронной почты")
    expect(main.get_by_role("button", name="Подписать обращение")).to_have_count(0)
    browser_page.audit()
    assert not CoSigner.objects.exists()
