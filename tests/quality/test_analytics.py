"""«Доля формальных ответов»: the analytics table by organization counts the review's returns."""

import pytest
from django.urls import reverse

from analytics.services import rebuild_stats
from appeals import services
from appeals.models import Appeal
from organizations.models import Membership
from quality import services as quality
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
S = Appeal.Status


def test_the_organization_table_shows_the_returns_and_the_share(
    client, world, reviewed_in_full, criteria
):
    for returns in (1, 0):
        appeal = world_appeal(world, S.IN_PROGRESS, executor=world.executor)
        for _time in range(returns):
            services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="Отписка.")
            quality.return_after_review(
                reviewer=world.moderator,
                appeal_id=appeal.pk,
                criteria=[criteria["formal-reply"]],
            )
        services.answer_appeal(actor=world.executor, appeal_id=appeal.pk, text="По существу.")
        quality.release_reviewed_answer(reviewer=world.moderator, appeal_id=appeal.pk)
    rebuild_stats()
    analyst = UserFactory()
    MembershipFactory(
        user=analyst, organization=None, region=world.region, role=Membership.Role.ANALYST
    )
    client.force_login(analyst)
    response = client.get(reverse("analytics:home") + "?preset=12m&sort_o=-formal_share")
    row = next(
        r for r in response.context["data"]["organizations"] if r["id"] == world.organization.pk
    )
    assert (row["reviewed"], row["returned"]) == (3, 1)
    assert row["formal_share"] == pytest.approx(1 / 3)
    page = response.content.decode()
    assert "Доля формальных ответов" in page and "33,3\u00a0%" in page
    export = client.get(reverse("analytics:export", args=["organizations", "csv"]) + "?preset=12m")
    assert "Доля формальных ответов, %" in export.content.decode("utf-8-sig")
