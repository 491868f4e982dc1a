"""The pages of the background work, in Chromium with axe: the moderator's overdue list, the
staff queue's overdue tab, and the platform admin's background health page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from appeals.models import Appeal
from appeals.services import sweeps
from core.models import Notification
from core.outbox import MAX_ATTEMPTS
from organizations.models import Membership
from tests.accounts.factories import PASSWORD, UserFactory
from tests.appeals.factories import make_appeal
from tests.organizations.factories import MembershipFactory, OrganizationFactory, RegionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overdue_marks_and_the_background_health_page(browser_page):
    region = RegionFactory()
    organization = OrganizationFactory(region=region, name="Управление дорожного хозяйства")
    head = UserFactory(email="head@example.ru")
    MembershipFactory(user=head, organization=organization, role=Membership.Role.HEAD)
    moderator = UserFactory(email="moderator@example.ru")
    MembershipFactory(
        user=moderator, organization=None, region=region, role=Membership.Role.MODERATOR
    )
    UserFactory(email="root@example.ru", is_superuser=True, is_staff=True)
    appeal = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=organization,
        region=region,
        due_at=timezone.now() - timedelta(days=2),
    )
    sweeps.run_recorded(name="mark_overdue", sweep=sweeps.mark_overdue)
    Notification.objects.filter(template="overdue", channel="email").update(
        status="failed", attempts=MAX_ATTEMPTS, last_error="550 mailbox unavailable"
    )
    page = browser_page.page

    browser_page.log_in("head@example.ru", PASSWORD)
    page.goto("/staff/?tab=overdue")
    expect(page.get_by_role("main")).to_contain_text(appeal.number)
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("moderator@example.ru", PASSWORD)
    page.goto("/moderation/")
    browser_page.audit()
    page.get_by_role("link", name="Просроченные обращения региона").click()
    expect(page.get_by_role("table")).to_contain_text(appeal.number)
    browser_page.audit()
    browser_page.log_out()

    browser_page.log_in("root@example.ru", PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin/$"))  # a platform admin's work is the admin
    page.get_by_role("link", name="Открыть сайт").click()
    browser_page.audit()
    menu = page.get_by_role("navigation", name="Главное меню")
    menu.get_by_text("Ещё", exact=True).click()  # an admin's long menu keeps the rest there
    menu.get_by_role("link", name="Состояние фоновых проверок").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("550 mailbox unavailable")
    browser_page.audit()
    page.get_by_role("button", name="Отправить повторно все неотправленные").click()
    expect(page.get_by_role("main")).not_to_contain_text("550 mailbox unavailable")
    browser_page.audit()
    assert not Notification.objects.filter(status="failed").exists()
