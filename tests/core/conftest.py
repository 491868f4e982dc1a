"""Fixtures of the core tests: the appeals' `world`, and the platform's VAPID keys."""

import pytest

from core.push import generate_vapid_keys
from tests.appeals.conftest import world  # noqa: F401 — the fixture, shared with the appeals tests


@pytest.fixture
def vapid(settings):
    """A VAPID key pair of the test's own in the settings; returns the public key."""
    private, public = generate_vapid_keys()
    settings.WEBPUSH_VAPID_PRIVATE_KEY = private
    settings.WEBPUSH_VAPID_PUBLIC_KEY = public
    settings.WEBPUSH_VAPID_SUBJECT = "mailto:operator@pos.local"
    return public
