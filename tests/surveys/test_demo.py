import pytest

from demo.surveys import CAPITAL, load_demo_consultations
from organizations.models import Membership
from surveys.models import Comment, Discussion, Response, Survey
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def test_demo_consultations_load_once(region, organization):
    capital = MunicipalityFactory(region=region, name=CAPITAL)
    head = UserFactory(email="head@demo.local")
    MembershipFactory(user=head, organization=organization, role=Membership.Role.HEAD)
    for _ in range(5):
        UserFactory(municipality=capital)
    created = load_demo_consultations(region=region)
    assert created["surveys"] == 2 and created["responses"] == 5
    vote = Survey.objects.get(kind="vote")
    assert list(vote.municipalities.all()) == [capital]
    assert all(option.image for option in vote.questions.get().options.all())
    assert Response.objects.filter(survey__kind="poll").count() == 5
    closed = Discussion.objects.get(report_published_at__isnull=False)
    assert closed.is_closed and not Comment.objects.filter(discussion=closed, decision="").exists()
    assert Discussion.objects.get(report_published_at__isnull=True).is_open
    assert load_demo_consultations(region=region) == {}
    assert Survey.objects.count() == 2
