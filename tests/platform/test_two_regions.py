"""One national deployment, two regions side by side (core/regions.py, REGION_HOSTS): every page,
feed and API of a region's host, and every page of a region's moderator, analyst and staff, shows
that region's rows and none of the other's; an appeal filed on a region's host is that region's;
the links of its e-mails point at its host. Without REGION_HOSTS every host is the deployment's
region, as before."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analytics.services import rebuild_stats
from answers import services as answer_services
from appeals.models import Appeal
from core import outbox
from core.models import Notification
from organizations.models import Membership
from tests.accounts.factories import UserFactory
from tests.appeals.factories import filing_form, make_appeal
from tests.citizen_api.tokens import bearer, demo_app_token
from tests.organizations.factories import (
    CategoryFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganizationFactory,
    RegionFactory,
    RoutingRuleFactory,
)
from tests.outages.factories import OutageFactory
from tests.surveys.factories import make_survey

pytestmark = pytest.mark.django_db
S = Appeal.Status
HOSTS = {"kamchatka.example.ru": "41", "primorye.example.ru": "25"}
# The two regions' points on the map: the box of the feed holds both.
BOX = "120,40,170,60"


@dataclass
class Side:
    """One region and what it shows: `marks` are texts only its pages may contain."""

    host: str
    region: object
    municipality: object
    organization: object
    executor: object
    moderator: object
    analyst: object
    problem: object
    submitted: object
    marks: tuple[str, ...]


def _side(code, name, zone, *, host, place, lat, lon, category) -> Side:
    region = RegionFactory(code=code, name=name, timezone=zone)
    municipality = MunicipalityFactory(
        region=region, name=f"{place} городской округ", latitude=lat, longitude=lon
    )
    organization = OrganizationFactory(region=region, name=f"Администрация города {place}")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    executor = UserFactory(email=f"executor.{code}@example.ru")
    MembershipFactory(user=executor, organization=organization, role=Membership.Role.EXECUTOR)
    moderator, analyst = (UserFactory(email=f"{role}.{code}@example.ru") for role in "ma")
    for user, role in ((moderator, Membership.Role.MODERATOR), (analyst, Membership.Role.ANALYST)):
        MembershipFactory(user=user, organization=None, region=region, role=role)
    common = {"organization": organization, "municipality": municipality, "category": category}
    problem = make_appeal(
        S.REGISTERED,
        **common,
        number=f"{code}-2026-000101",
        is_public=True,
        latitude=lat,
        longitude=lon,
        address=f"г. {place}, ул. Первая, 1",
    )
    submitted = make_appeal(
        S.SUBMITTED,
        region=region,
        municipality=municipality,
        category=category,
        number=f"{code}-2026-000102",
    )
    OutageFactory(
        organization=organization,
        municipality=municipality,
        description=f"Отключение воды в городе {place}",
    )
    answer_services.publish_answer(
        actor=executor,
        organization=organization,
        title=f"Когда в городе {place} вывезут снег",
        question="Почему во дворах не убирают снег после снегопада?",
        answer="Снег вывозится в течение трёх суток после окончания снегопада.",
    )
    make_survey(organization=organization, title=f"Сквер для города {place}")
    return Side(
        host=host,
        region=region,
        municipality=municipality,
        organization=organization,
        executor=executor,
        moderator=moderator,
        analyst=analyst,
        problem=problem,
        submitted=submitted,
        marks=(place, problem.number, submitted.number),
    )


@pytest.fixture
def sides(settings):
    settings.REGION_HOSTS = HOSTS
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, *HOSTS]
    settings.SITE_URL = "https://pos.example.ru"
    settings.PLATFORM_REGION_CODE = "41"
    category = CategoryFactory(name="Уборка снега и наледи", parent__name="Дороги")
    kamchatka = _side(
        "41",
        "Камчатский край",
        "Asia/Kamchatka",
        host="kamchatka.example.ru",
        place="Елизово",
        lat="53.18",
        lon="158.38",
        category=category,
    )
    primorye = _side(
        "25",
        "Приморский край",
        "Asia/Vladivostok",
        host="primorye.example.ru",
        place="Уссурийск",
        lat="43.80",
        lon="131.95",
        category=category,
    )
    rebuild_stats()
    return kamchatka, primorye


PUBLIC_PAGES = [
    # (url, the marks it shows: the place, the public problem's number)
    ("/", lambda side: (side.region.name,)),
    (reverse("problems:list"), lambda side: (side.problem.number,)),
    (f"{reverse('problems_geojson')}?bbox={BOX}", lambda side: (side.problem.number,)),
    (reverse("outages:list"), lambda side: (f"Отключение воды в городе {_place(side)}",)),
    (reverse("outages_geojson"), lambda side: (side.organization.name,)),
    (reverse("answers:list"), lambda side: (f"Когда в городе {_place(side)} вывезут снег",)),
    (reverse("stats"), lambda side: (side.municipality.name,)),
    (reverse("surveys:list"), lambda side: (f"Сквер для города {_place(side)}",)),
    (
        reverse("open311:requests", args=["json"]),
        lambda side: (side.problem.number, side.submitted.number),
    ),
]


def _place(side: Side) -> str:
    return side.marks[0]


def _other_marks(other: Side) -> tuple[str, ...]:
    return (other.region.name, *other.marks)


@pytest.mark.parametrize("url, marks", PUBLIC_PAGES, ids=[url for url, _marks in PUBLIC_PAGES])
def test_each_host_shows_its_own_region_only(client, sides, url, marks):
    for own, other in (sides, sides[::-1]):
        response = client.get(url, HTTP_HOST=own.host)
        assert response.status_code == 200, (url, own.host)
        text = response.content.decode()
        for mark in marks(own):
            assert mark in text, (url, own.host, mark)
        for mark in _other_marks(other):
            assert mark not in text, (url, own.host, mark)


def test_the_filing_form_and_the_apis_offer_the_hosts_municipalities_only(client, sides):
    for own, other in (sides, sides[::-1]):
        citizen = UserFactory(email=f"citizen.{own.region.code}@example.ru")
        client.force_login(citizen)
        form = client.get(reverse("appeals:new"), HTTP_HOST=own.host).content.decode()
        assert own.municipality.name in form and other.municipality.name not in form
        client.logout()
        category = own.problem.category
        definition = client.get(
            reverse("open311:service", args=[category.slug, "json"]), HTTP_HOST=own.host
        ).content.decode()
        assert own.municipality.name in definition and other.municipality.name not in definition
        api = client.get(
            reverse("citizen_api:municipalities"),
            HTTP_HOST=own.host,
            **bearer(demo_app_token(citizen)),
        ).json()
        assert [row["name"] for row in api["results"]] == [own.municipality.name]


def test_an_appeal_filed_on_a_host_is_that_regions_and_its_links_point_there(client, sides):
    kamchatka, primorye = sides
    citizen = UserFactory(email="citizen@example.ru", last_name="Иванова", first_name="Анна")
    client.force_login(citizen)
    world = SimpleNamespace(category=primorye.problem.category, municipality=primorye.municipality)
    # The other region's municipality is not a choice on this host.
    refused = client.post(
        reverse("appeals:new"),
        filing_form(world, municipality=kamchatka.municipality.pk),
        HTTP_HOST=primorye.host,
    )
    assert refused.status_code == 400
    assert not Appeal.objects.filter(citizen=citizen).exists()
    response = client.post(
        reverse("appeals:new"),
        filing_form(world, municipality=primorye.municipality.pk),
        HTTP_HOST=primorye.host,
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(citizen=citizen)
    assert appeal.region == primorye.region and appeal.number.startswith("25-")

    mail.outbox.clear()
    row = Notification.objects.create(
        recipient=citizen,
        appeal=appeal,
        channel=Notification.Channel.EMAIL,
        template="answered",
        context={"number": appeal.number},
        next_attempt_at=timezone.now() - timedelta(seconds=1),
    )
    assert outbox.deliver(notification_id=row.pk)
    [message] = mail.outbox
    assert f"https://primorye.example.ru/appeals/{appeal.number}/" in message.body
    assert "Приморский край" in message.body
    assert "kamchatka" not in message.body and "pos.example.ru" not in message.body


def test_an_unknown_host_gets_the_404_page_and_health_answers_on_any_host(client, sides, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "elsewhere.example.ru"]
    assert client.get("/", HTTP_HOST="elsewhere.example.ru").status_code == 404
    assert client.get(reverse("problems:list"), HTTP_HOST="elsewhere.example.ru").status_code == 404
    assert client.get(reverse("healthz"), HTTP_HOST="elsewhere.example.ru").status_code in (
        200,
        503,
    )


STAFF_PAGES = [
    ("moderator", reverse("moderation:home"), lambda side: (side.submitted.number,)),
    ("analyst", reverse("analytics:home"), lambda side: (side.organization.name,)),
    (
        "analyst",
        reverse("analytics:export", args=["organizations", "csv"]),
        lambda side: (side.organization.name,),
    ),
    ("analyst", reverse("reporting:report"), lambda side: (side.region.name,)),
    ("executor", reverse("staff:home"), lambda side: (side.problem.number,)),
]


@pytest.mark.parametrize(
    "role, url, marks", STAFF_PAGES, ids=[f"{role} {url}" for role, url, _marks in STAFF_PAGES]
)
def test_each_regions_staff_see_their_own_region_only(client, sides, role, url, marks):
    for own, other in (sides, sides[::-1]):
        client.force_login(getattr(own, role))
        params = {} if url.startswith(reverse("reporting:report")) else {"preset": "12m"}
        response = client.get(url, params, HTTP_HOST=own.host)
        assert response.status_code == 200, (role, url)
        text = response.content.decode()
        for mark in marks(own):
            assert mark in text, (role, url, mark)
        for mark in (other.region.name, other.organization.name, *other.marks[1:]):
            assert mark not in text, (role, url, mark)
        client.logout()


def test_without_region_hosts_every_host_is_the_deployments_region(client, sides, settings):
    settings.REGION_HOSTS = {}
    kamchatka, primorye = sides
    for host in ("testserver", primorye.host):
        text = client.get(reverse("problems:list"), HTTP_HOST=host).content.decode()
        assert kamchatka.problem.number in text and primorye.problem.number not in text


def test_region_hosts_are_allowed_hosts_and_a_malformed_value_stops_the_start():
    from tests.platform.test_settings import PRODUCTION, _print_settings, manage

    env = {**PRODUCTION, "REGION_HOSTS": "41=Kamchatka.example.ru, 25=primorye.example.ru"}
    result = _print_settings("sorted(settings.ALLOWED_HOSTS), settings.REGION_HOSTS", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "['kamchatka.example.ru', 'pos.kamgov.example', 'primorye.example.ru'] "
        "{'kamchatka.example.ru': '41', 'primorye.example.ru': '25'}"
    )
    refused = manage("check", env={**PRODUCTION, "REGION_HOSTS": "kamchatka.example.ru"})
    assert refused.returncode != 0 and "REGION_HOSTS" in refused.stderr
