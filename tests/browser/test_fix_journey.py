"""Proof of fix in Chromium (issue 16): the executor answers that the work on site is done, with a
photo; the citizen says «Не решено» with a photo of their own and the appeal is back in work;
«Вы сказали — мы сделали» shows a confirmed public problem. Every page through vnu and axe."""

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from appeals import attachments, services
from appeals.models import Appeal, Event
from appeals.services import fixes
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.corpus import png_with_text
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
    category = CategoryFactory(
        name="Ямы на дорогах", parent__name="Дороги", requires_work_on_site=True
    )
    citizen = UserFactory(email="anna@example.ru", last_name="Иванова", first_name="Анна")
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    return {
        "citizen": citizen,
        "executor": executor,
        "category": category,
        "municipality": municipality,
        "organization": administration,
        "tmp_path": tmp_path,
    }


def _photo(world, name: str) -> str:
    path = world["tmp_path"] / name
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (90, 90, 90)).save(buffer, "PNG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def _in_progress(world, **fields):
    return make_appeal(
        S.IN_PROGRESS,
        organization=world["organization"],
        executor=world["executor"],
        citizen=world["citizen"],
        category=world["category"],
        municipality=world["municipality"],
        region=world["municipality"].region,
        address="г. Елизово, ул. Ленина, 12",
        **fields,
    )


def test_the_citizen_refutes_the_work_with_a_photo_and_the_appeal_is_back_in_work(
    browser_page, world
):
    page = browser_page.page
    appeal = _in_progress(world)

    browser_page.sign_in(world["executor"])
    page.goto(f"/staff/appeals/{appeal.number}/")
    page.get_by_text("Ответ", exact=True).first.click()
    page.get_by_label("Ответ заявителю").fill("Яма на ул. Ленина заделана асфальтом.")
    page.get_by_label("Результат рассмотрения").select_option(label="поддержано, меры приняты")
    page.get_by_label("работы выполнены").check()
    page.get_by_role("button", name="Отправить ответ").click()
    # Done work needs a photo or an act: the form explains and keeps the text
    main = page.get_by_role("main")
    expect(main).to_contain_text("Приложите фото или акт выполненных работ")
    expect(page.get_by_label("Ответ заявителю")).to_have_value(
        "Яма на ул. Ленина заделана асфальтом."
    )
    browser_page.audit()
    page.get_by_label("Файлы к ответу").set_input_files(_photo(world, "after.png"))
    page.get_by_role("button", name="Отправить ответ").click()
    expect(main).to_contain_text("Ответ отправлен заявителю.")
    browser_page.audit()
    page.context.clear_cookies()

    browser_page.sign_in(world["citizen"])
    page.goto(f"/appeals/{appeal.number}/")
    fix = page.get_by_role("region", name="Работы выполнены?")
    expect(fix).to_contain_text("Организация сообщает, что работы на месте выполнены.")
    expect(main).to_contain_text("Работы на месте: работы выполнены")
    browser_page.audit()
    fix.get_by_text("Не решено", exact=True).click()
    fix.get_by_label("Что не сделано").fill(
        "Заделали только половину ямы, вторая половина на месте."
    )
    fix.get_by_label("Фото места сейчас").set_input_files(_photo(world, "still-there.png"))
    fix.get_by_role("button", name="Отправить: не решено").click()
    expect(main).to_contain_text("Обращение возвращено в организацию на повторное рассмотрение.")
    expect(main).to_contain_text(
        "заявитель сообщил «не решено»: возвращено на повторное рассмотрение"
    )
    expect(page.get_by_role("region", name="Работы выполнены?")).to_have_count(0)
    browser_page.audit()

    appeal.refresh_from_db()
    assert appeal.status == S.IN_PROGRESS
    assert appeal.review_round == 1
    assert appeal.attachments.filter(answer__isnull=True).count() == 1
    assert Event.objects.filter(appeal=appeal, action=Event.Action.REFUTE_FIX).count() == 1


def test_you_said_we_did_shows_a_confirmed_public_problem_with_before_and_after(
    browser_page, world
):
    page = browser_page.page
    appeal = _in_progress(world, is_public=True)
    attachments.store_attachment(
        upload=png_with_text("before.png"), uploaded_by=world["citizen"], appeal=appeal
    )
    services.answer_appeal(
        actor=world["executor"],
        appeal_id=appeal.pk,
        text="Заделано.",
        uploads=[png_with_text("after.png")],
        work_status="done",
    )
    fixes.confirm_fix(citizen=world["citizen"], appeal_id=appeal.pk)

    page.goto("/problems/")
    browser_page.audit()
    page.get_by_role(
        "link", name="Вы сказали — мы сделали: проблемы, решённые в этом месяце"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Вы сказали — мы сделали")
    item = page.get_by_role("article")
    expect(item).to_contain_text("Ямы на дорогах: Елизовский муниципальный район, г. Елизово")
    expect(item.get_by_role("img", name="До, фото 1: открыть полное изображение")).to_be_visible()
    expect(
        item.get_by_role("img", name="После, фото 1: открыть полное изображение")
    ).to_be_visible()
    expect(page.get_by_role("main")).not_to_contain_text("Иванова")
    browser_page.audit()
