"""Reading the materials of the case in Chromium (59-FZ art. 5 p. 2): the citizen asks, the
executor grants one of the two documents other bodies sent, the citizen downloads that one and
never sees the other. Every page through vnu and axe."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from appeals.models import Appeal, MaterialsRequest
from appeals.services import document_requests
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
S = Appeal.Status


def _reply(executor, appeal, *, body: str, name: str):
    request = document_requests.send_document_request(
        actor=executor, appeal_id=appeal.pk, body_name=body, question=f"Документы для {name}"
    )
    document_requests.record_document_reply(
        actor=executor,
        appeal_id=appeal.pk,
        document_request_id=request.pk,
        text="Получено.",
        upload=SimpleUploadedFile(name, b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    return request.attachments.get()


@pytest.fixture
def case(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    administration = OrganizationFactory(
        region=region, name="Администрация Елизовского муниципального района"
    )
    citizen = UserFactory(
        email="anna@example.ru",
        last_name="Иванова",
        first_name="Анна",
        postal_address="684000, г. Елизово, ул. Ленина, 1",
        municipality=municipality,
    )
    executor = UserFactory(email="executor@example.ru", last_name="Петров", first_name="Илья")
    MembershipFactory(user=executor, organization=administration, role=Membership.Role.EXECUTOR)
    appeal = make_appeal(
        S.IN_PROGRESS,
        organization=administration,
        executor=executor,
        citizen=citizen,
        municipality=municipality,
        category=CategoryFactory(name="Освещение улиц", parent__name="Благоустройство"),
    )
    plan = _reply(executor, appeal, body="Росреестр", name="plan.pdf")
    secret = _reply(executor, appeal, body="Управляющая компания «Север»", name="neighbours.pdf")
    # one still waiting: the staff page also shows its reply form
    document_requests.send_document_request(
        actor=executor, appeal_id=appeal.pk, body_name="Камчатскэнерго", question="Схема сетей"
    )
    return {"appeal": appeal, "plan": plan, "secret": secret}


def test_the_citizen_reads_exactly_the_documents_granted(browser_page, case):
    page = browser_page.page
    appeal = case["appeal"]
    main = page.get_by_role("main")

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    expect(main).to_contain_text("запрошены документы в другом органе («Росреестр»")
    expect(main).not_to_contain_text("plan.pdf")
    browser_page.audit()
    page.get_by_text("Ознакомиться с материалами дела").click()
    page.get_by_label("С чем вы хотите ознакомиться (необязательно)").fill(
        "Хочу увидеть ответы, полученные на запросы."
    )
    page.get_by_role("button", name="Попросить об ознакомлении").click()
    expect(main).to_contain_text(
        "Запрос на ознакомление с материалами дела направлен в организацию."
    )
    expect(main).to_contain_text("рассматривается организацией")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("executor@example.ru", PASSWORD)
    page.goto(f"/staff/appeals/{appeal.number}/")
    expect(main).to_contain_text("Хочу увидеть ответы, полученные на запросы.")
    expect(main).to_contain_text("ждём ответа")
    browser_page.audit()
    page.get_by_label("plan.pdf — документ от «Росреестр»").check()
    page.get_by_role("button", name="Разрешить ознакомление с выбранными документами").click()
    expect(main).to_contain_text("Гражданин может ознакомиться с выбранными документами")
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("anna@example.ru", PASSWORD)
    page.goto(f"/appeals/{appeal.number}/")
    expect(main).to_contain_text("организация разрешила вам ознакомиться с документами")
    expect(main).not_to_contain_text("neighbours.pdf")
    browser_page.audit()
    with page.expect_download() as download:
        page.get_by_role("link", name="plan.pdf").click()
    assert download.value.suggested_filename == "plan.pdf"
    secret_url = f"/appeals/{appeal.number}/files/{case['secret'].pk}/"
    assert page.request.get(secret_url).status == 404
    request = MaterialsRequest.objects.get(appeal=appeal)
    assert list(request.documents.all()) == [case["plan"]]
