"""Shared fixtures: one person per role, a region with an organization, mail and cache isolation."""

import os
import uuid

import pytest

from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, OrganizationFactory, RegionFactory


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI a skipped test is a failure: a skip there means a missing part of the environment."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI, which counts as a failure: {report.longrepr}"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Hashing strength is Django's concern; tests create many users and need not pay for it.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def isolated_cache(settings):
    """Each test gets its own cache key space in the real Redis (rate limits never leak across tests)."""
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches


@pytest.fixture(autouse=True)
def no_quality_sample(settings):
    """The quality gate's sample holds a stable tenth of the answers by appeal id (quality/): in
    tests about other things that would be a random tenth. The gate's own tests set it."""
    settings.QUALITY_SAMPLE_PERCENT = 0


@pytest.fixture
def region(db):
    return RegionFactory()


@pytest.fixture
def organization(region):
    return OrganizationFactory(
        region=region, name="Администрация Петропавловск-Камчатского городского округа"
    )


@pytest.fixture
def citizen(db):
    return UserFactory(email="citizen@example.ru", last_name="Иванова", first_name="Анна")


@pytest.fixture
def executor(organization):
    user = UserFactory(email="executor@example.ru")
    MembershipFactory(user=user, organization=organization, role=Membership.Role.EXECUTOR)
    return user


@pytest.fixture
def head(organization):
    user = UserFactory(email="head@example.ru")
    MembershipFactory(user=user, organization=organization, role=Membership.Role.HEAD)
    return user


@pytest.fixture
def moderator(region):
    user = UserFactory(email="moderator@example.ru")
    MembershipFactory(user=user, organization=None, region=region, role=Membership.Role.MODERATOR)
    return user


@pytest.fixture
def analyst(region):
    user = UserFactory(email="analyst@example.ru")
    MembershipFactory(user=user, organization=None, region=region, role=Membership.Role.ANALYST)
    return user


@pytest.fixture
def platform_admin(db):
    return UserFactory(email="admin@example.ru", is_staff=True, is_superuser=True)
