import pytest

from quality.models import ReviewedCategory, ReworkCriterion
from tests.appeals import conftest as appeals_fixtures

world = appeals_fixtures.world  # one region, a routed category, a person for every role
other_executor = appeals_fixtures.other_executor


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def criteria(db):
    """The five standard criteria (quality/migrations/0002) by code."""
    return {c.code: c for c in ReworkCriterion.objects.all()}


@pytest.fixture
def reviewed_in_full(world):
    """The world's category: every answer is reviewed before release."""
    return ReviewedCategory.objects.create(category=world.category)
