"""A tour of the pages the journeys do not reach, and of their error states: each one passes the
harness's audit (the Nu HTML Checker and axe in the standard, low-vision and 360 px modes). The
tour goes on after a failing page and reports every failing page at the end."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal, Event
from organizations.models import Membership
from regimes.models import Regime, RegimeVersion
from regimes.standard import install as install_standard_regimes
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
from tests.surveys.factories import CommentFactory, DiscussionFactory, SectionFactory, make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def town(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    municipality = MunicipalityFactory(region=region, name="Елизовский муниципальный район")
    organization = OrganizationFactory(
        region=region, name="Администрация Елизовского района", slug="elizovo"
    )
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    citizen = UserFactory(email="citizen@example.ru", municipality=municipality)
    chief = UserFactory(email="chief@example.ru", is_staff=True, is_superuser=True)
    for role in (Membership.Role.HEAD, Membership.Role.EXECUTOR):
        MembershipFactory(user=chief, organization=organization, role=role)
    for role in (Membership.Role.MODERATOR, Membership.Role.ANALYST):
        MembershipFactory(user=chief, organization=None, region=region, role=role)
    appeals = {
        status: make_appeal(
            status,
            citizen=citizen,
            organization=organization if status != Appeal.Status.SUBMITTED else None,
            executor=chief,
            region=region,
            municipality=municipality,
            category=category,
        )
        for status in (
            Appeal.Status.SUBMITTED,
            Appeal.Status.IN_PROGRESS,
            Appeal.Status.CLARIFICATION,
            Appeal.Status.ANSWERED,
        )
    }
    # A 59-FZ appeal registered this month: a row of the Decree 171 report to audit.
    install_standard_regimes(
        Regime, RegimeVersion
    )  # the transactional tests flush migrations' data
    official = appeals[Appeal.Status.IN_PROGRESS]
    Appeal.objects.filter(pk=official.pk).update(
        regime_version=RegimeVersion.objects.filter(regime__code="59-fz").first()
    )
    Event.objects.create(
        appeal=official,
        action=Event.Action.ACCEPT,
        from_status=Appeal.Status.SUBMITTED,
        to_status=Appeal.Status.REGISTERED,
        data={"organization": organization.pk},
    )
    survey = make_survey(organization=organization, kind="poll", title="Где поставить скамейки")
    discussion = DiscussionFactory(organization=organization, title="Правила благоустройства")
    section = SectionFactory(discussion=discussion, title="Уборка снега", body="Дворы — до 8 утра.")
    CommentFactory(discussion=discussion, section=section, author=citizen)
    return {
        "citizen": citizen,
        "chief": chief,
        "appeals": appeals,
        "survey": survey,
        "discussion": discussion,
        "now": timezone.now(),
    }


def _tour(browser_page, paths) -> list[str]:
    failures = []
    for path in paths:
        response = browser_page.page.goto(path)
        assert response.ok, f"{path}: {response.status}"
        try:
            browser_page.audit()
        except AssertionError as error:
            browser_page.audited.add(path.split("?")[0])
            failures.append(str(error))
    return failures


def _submit_empty(browser_page, path, button) -> list[str]:
    page = browser_page.page
    page.goto(path)
    browser_page.audit()
    page.get_by_role("button", name=button).first.evaluate("b => b.form.noValidate = true")
    page.get_by_role("button", name=button).first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    try:
        browser_page.audit()
    except AssertionError as error:
        browser_page.audited.add(path)
        return [str(error)]
    return []


def test_a_citizens_pages(browser_page, town):
    appeals = town["appeals"]
    browser_page.sign_in(town["citizen"])
    failures = _tour(
        browser_page,
        [
            "/",
            "/appeals/new/",
            *(f"/appeals/{appeal.number}/" for appeal in appeals.values()),
            "/notifications/",
            "/surveys/",
            f"/surveys/{town['survey'].pk}/",
            "/surveys/notifications/",
            "/discussions/",
            f"/discussions/{town['discussion'].pk}/",
            "/accounts/profile/",
            "/accounts/email/",
            "/accounts/password/change/",
        ],
    )
    failures += _submit_empty(browser_page, "/appeals/new/", "Отправить обращение")
    failures += _submit_empty(browser_page, "/accounts/profile/", "Сохранить")
    assert not failures, "\n\n".join(failures)


def test_a_staff_members_pages(browser_page, town):
    appeals = town["appeals"]
    browser_page.sign_in(town["chief"])
    failures = _tour(
        browser_page,
        [
            "/staff/",
            "/staff/?tab=overdue",
            f"/staff/appeals/{appeals[Appeal.Status.IN_PROGRESS].number}/",
            f"/staff/appeals/{appeals[Appeal.Status.ANSWERED].number}/",
            "/staff/templates/",
            "/staff/templates/new/",
            "/staff/register/",
            "/staff/overview/",
            "/moderation/",
            "/moderation/overdue/",
            f"/moderation/{appeals[Appeal.Status.SUBMITTED].number}/",
            "/analytics/",
            f"/analytics/report-171/?month={timezone.localdate().replace(day=1).isoformat()}",
            "/stats/",
            "/surveys/manage/",
            "/surveys/manage/new/",
            f"/surveys/manage/{town['survey'].pk}/",
            f"/surveys/{town['survey'].pk}/results/",
            "/discussions/manage/",
            "/discussions/manage/new/",
            f"/discussions/manage/{town['discussion'].pk}/",
            "/discussions/moderation/",
            "/health/background/",
        ],
    )
    failures += _submit_empty(browser_page, "/staff/register/", "Зарегистрировать обращение")
    failures += _submit_empty(browser_page, "/surveys/manage/new/", "Сохранить черновик")
    failures += _submit_empty(browser_page, "/discussions/manage/new/", "Сохранить черновик")
    assert not failures, "\n\n".join(failures)


def test_pages_of_a_visitor(browser_page, town):
    failures = _tour(
        browser_page,
        [
            "/",
            "/accounts/signup/",
            "/accounts/password/reset/",
            "/surveys/",
            "/discussions/",
            "/stats/",
            "/widget/elizovo/",
        ],
    )
    assert not failures, "\n\n".join(failures)
