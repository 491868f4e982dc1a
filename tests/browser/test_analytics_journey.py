"""An analyst opens the dashboard, filters by a municipality, sorts a table and exports it; a
resident reads /stats/ on a phone. Every page passes axe and the strict CSP.

Controls are found by their ids: the analytics strings are not translated yet (the lead
translates them at the end), so their Russian labels are not known here."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from analytics.services import rebuild_stats
from appeals.models import Appeal
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


@pytest.fixture
def statistics(settings):
    region = RegionFactory()
    settings.PLATFORM_REGION_CODE = region.code
    places = [
        MunicipalityFactory(region=region, name=name) for name in ("Елизовский район", "Вилючинск")
    ]
    categories = [CategoryFactory(name=name) for name in ("Отопление", "Дороги", "Освещение")]
    organizations = [
        OrganizationFactory(region=region, name=name) for name in ("Теплосеть", "Дорожная служба")
    ]
    now = timezone.now()
    for index in range(24):
        status = (Appeal.Status.ANSWERED, Appeal.Status.IN_PROGRESS, Appeal.Status.CLOSED)[
            index % 3
        ]
        make_appeal(
            status,
            organization=organizations[index % 2],
            municipality=places[index % 2],
            category=categories[index % 3],
            submitted_at=now - timedelta(days=index + 2),
            registered_at=now - timedelta(days=index + 1),
            due_at=now + timedelta(days=5 - index),
        )
    analyst = UserFactory(email="analyst@example.ru")
    MembershipFactory(user=analyst, organization=None, region=region, role=Membership.Role.ANALYST)
    rebuild_stats()
    return {"analyst": analyst, "places": places}


def test_analyst_filters_sorts_and_exports(browser_page, statistics):
    page = browser_page.page
    browser_page.log_in("analyst@example.ru", PASSWORD)
    page.goto("/analytics/?preset=12m")
    expect(page.locator("#headline-title")).to_be_visible()
    expect(page.locator("canvas[data-chart]").first).to_be_visible()  # Chart.js drew the series
    browser_page.audit()

    page.locator("#id_municipality").select_option(label="Вилючинск")
    page.locator("form.analytics-filters button[type=submit]").click()
    expect(page.locator("#m-title + p + .table-scroll tbody tr")).to_have_count(1)
    browser_page.audit()

    page.locator("#c-title + p + .table-scroll thead th a").nth(
        1
    ).click()  # received: ascending now
    expect(
        page.locator("#c-title + p + .table-scroll thead th[aria-sort='ascending']")
    ).to_have_count(1)
    browser_page.audit()
    with page.expect_download() as download:
        page.locator("#c-title + p a", has_text="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")


def test_public_stats_fit_a_phone(browser_page, statistics):
    page = browser_page.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/stats/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Елизовский район")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
    browser_page.audit()
