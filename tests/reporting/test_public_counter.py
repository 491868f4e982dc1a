"""The appeal counter of the public statistics page: official 59-FZ appeals since 1 January."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from appeals.models import Appeal
from regimes.models import RegimeVersion
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status


@time_machine.travel("2026-03-10T12:00:00+12:00", tick=False)
def test_the_counter_counts_this_years_official_appeals_only(client, world, settings):
    settings.PLATFORM_REGION_CODE = world.region.code
    official = RegimeVersion.objects.filter(regime__code="59-fz").latest("number")
    message = RegimeVersion.objects.filter(regime__code="message").latest("number")
    # 00:30 on 1 January in Kamchatka is still 31 December in UTC: the region's year counts.
    new_year = datetime(2026, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Kamchatka"))
    for registered_at, version in [
        (timezone.now(), official),
        (new_year, official),
        (new_year - timedelta(hours=1), official),  # 31 December: last year's
        (timezone.now(), message),  # a platform message is not a 59-FZ appeal
        (timezone.now(), None),
    ]:
        world_appeal(world, S.REGISTERED, registered_at=registered_at, regime_version=version)
    page = client.get(reverse("stats")).content.decode()
    assert page.count("Обращений по 59-ФЗ с начала года") == 1
    assert client.get(reverse("stats")).context["data"]["official_this_year"] == 2
