"""`manage.py load_demo`: the Kamchatka demo data set is complete, valid and idempotent."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from demo.organizations import data as demo_data
from organizations.models import (
    Category,
    Membership,
    Municipality,
    Organization,
    Region,
    RoutingRule,
)
from organizations.selectors import route_appeal
from organizations.validators import is_valid_inn, is_valid_ogrn

DEMO_EMAILS = [account["email"] for account in demo_data.DEMO_ACCOUNTS]
LEAF_COUNT = sum(len(section["children"]) for section in demo_data.CATEGORY_TREE)


def load_demo(**options) -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out, **{"force": True, "appeals": 0, **options})
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "municipalities": Municipality.objects.count(),
        "organizations": Organization.objects.count(),
        "org_municipalities": Organization.municipalities.through.objects.count(),
        "categories": Category.objects.count(),
        "rules": RoutingRule.objects.count(),
        "users": get_user_model().objects.count(),
        "email_addresses": EmailAddress.objects.count(),
        "memberships": Membership.objects.count(),
    }


@pytest.mark.django_db
def test_creates_the_region_municipalities_and_769_active_organizations():
    output = load_demo()

    region = Region.objects.get(code="41")
    assert (region.name, region.timezone) == ("Камчатский край", "Asia/Kamchatka")
    assert Municipality.objects.filter(region=region).count() == 14
    assert Organization.objects.filter(region=region, is_active=True).count() == 769
    assert "Организации: 769" in output
    assert "… организации: 700 из 769" in output

    kinds = set(Organization.objects.values_list("kind", flat=True))
    assert kinds == set(Organization.Kind.values)
    petropavlovsk = Municipality.objects.get(name="Петропавловск-Камчатский городской округ")
    assert petropavlovsk.kind == Municipality.Kind.URBAN_OKRUG
    assert Municipality.objects.get(name="Тигильский муниципальный округ").kind == "municipal_okrug"
    assert Municipality.objects.get(name="Пенжинский муниципальный район").kind == "district"


@pytest.mark.django_db
def test_every_municipality_has_its_basic_organizations():
    load_demo()

    for municipality in Municipality.objects.all():
        served = Organization.objects.filter(municipalities=municipality)
        kinds = set(served.values_list("kind", flat=True))
        assert {"municipal_administration", "education", "health_care"} <= kinds, municipality
        assert kinds & {"management_company", "resource_supplier"}, municipality


@pytest.mark.django_db
def test_every_organization_has_a_valid_inn_and_ogrn():
    load_demo()

    rows = list(Organization.objects.values_list("slug", "inn", "ogrn"))
    assert [slug for slug, inn, ogrn in rows if not is_valid_inn(inn) or len(inn) != 10] == []
    assert [slug for slug, inn, ogrn in rows if not is_valid_ogrn(ogrn) or len(ogrn) != 13] == []
    assert len({ogrn for _slug, _inn, ogrn in rows}) == len(rows)


@pytest.mark.django_db
def test_subordination_follows_the_structure_of_government():
    load_demo()

    school = Organization.objects.get(slug="school-elizovo-1")
    assert school.parent.slug == "adm-elizovo"
    assert Organization.objects.get(slug="health-elizovo-hospital").parent.slug == "min-health"
    settlement = Organization.objects.get(slug="adm-elizovo-paratunskoe")
    assert settlement.parent.slug == "adm-elizovo"
    ministry = Organization.objects.get(slug="min-health")
    assert ministry.parent is None and not ministry.municipalities.exists()
    assert ministry.short_name


@pytest.mark.django_db
def test_category_terms_and_every_leaf_is_routed_everywhere():
    load_demo()

    leaves = Category.objects.filter(parent__isnull=False)
    assert leaves.count() == LEAF_COUNT
    assert Category.objects.filter(parent__isnull=True).count() == len(demo_data.CATEGORY_TREE)
    for category in leaves:
        assert category.regime == Category.Regime.APPEAL
        assert category.day_count == Category.DayCount.CALENDAR
        assert category.term_days == (10 if category.is_priority else 30), category.slug
        assert category.keywords
    assert Category.objects.get(slug="no-heating").is_priority
    assert not Category.objects.get(slug="capital-repair").is_priority

    municipality_ids = set(Municipality.objects.values_list("id", flat=True))
    for category in leaves:
        rules = RoutingRule.objects.filter(category=category)
        assert rules.filter(municipality__isnull=True).count() == 1, category.slug
        routed = set(
            rules.filter(municipality__isnull=False).values_list("municipality_id", flat=True)
        )
        assert routed == municipality_ids, category.slug
    assert RoutingRule.objects.count() == LEAF_COUNT * 15


@pytest.mark.django_db
def test_route_appeal_finds_an_organization_for_every_category_and_municipality():
    load_demo()

    municipalities = list(Municipality.objects.all())
    for category in Category.objects.filter(parent__isnull=False):
        for municipality in municipalities:
            organization = route_appeal(category=category, municipality=municipality)
            assert organization.is_active
            assert organization.region.code == "41"

    elizovo = Municipality.objects.get(name="Елизовский муниципальный район")
    heating = Category.objects.get(slug="no-heating")
    assert route_appeal(category=heating, municipality=elizovo).kind == "resource_supplier"
    rubbish = Category.objects.get(slug="uncollected-waste")
    assert route_appeal(category=rubbish, municipality=elizovo).slug == "waste-operator"
    potholes = Category.objects.get(slug="potholes")
    assert route_appeal(category=potholes, municipality=elizovo).slug == "adm-elizovo"


@pytest.mark.django_db
def test_demo_accounts_can_sign_in_and_hold_their_roles():
    load_demo()

    for email in DEMO_EMAILS:
        user = authenticate(request=None, username=email, password="demo12345")
        assert user is not None, email
        assert EmailAddress.objects.filter(
            user=user, email=email, verified=True, primary=True
        ).exists()

    citizen = get_user_model().objects.get(email="citizen@demo.local")
    assert citizen.get_full_name() == "Иванова Анна Сергеевна"
    assert citizen.municipality.name == "Петропавловск-Камчатский городской округ"
    assert citizen.has_answer_details
    assert not citizen.memberships.exists()

    city_administration = Organization.objects.get(
        kind="municipal_administration",
        municipalities__name="Петропавловск-Камчатский городской округ",
        parent=None,
    )
    for email, role in (("executor@demo.local", "executor"), ("head@demo.local", "head")):
        membership = Membership.objects.get(user__email=email)
        assert (membership.role, membership.organization, membership.region) == (
            role,
            city_administration,
            None,
        )
    for email, role in (("moderator@demo.local", "moderator"), ("analyst@demo.local", "analyst")):
        membership = Membership.objects.get(user__email=email)
        assert (membership.role, membership.organization, membership.region.code) == (
            role,
            None,
            "41",
        )

    admin = get_user_model().objects.get(email="admin@demo.local")
    assert admin.is_superuser and admin.is_staff


@pytest.mark.django_db
def test_running_twice_changes_nothing_and_keeps_passwords():
    load_demo()
    before = counts()
    executor = get_user_model().objects.get(email="executor@demo.local")
    executor.set_password("changed-by-the-user-41")
    executor.save()

    output = load_demo()

    assert counts() == before
    assert "создано 0" in output and "создано 769" not in output
    assert authenticate(
        request=None, username="executor@demo.local", password="changed-by-the-user-41"
    )


@pytest.mark.django_db
def test_refuses_to_run_with_debug_off_without_force(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("load_demo", stdout=io.StringIO())

    assert not Region.objects.exists()
    assert not get_user_model().objects.filter(email__in=DEMO_EMAILS).exists()


@pytest.mark.django_db
def test_runs_with_debug_on_without_force(settings):
    settings.DEBUG = True

    call_command("load_demo", appeals=0, stdout=io.StringIO())

    assert Organization.objects.count() == 769


@pytest.mark.django_db
def test_if_empty_skips_a_loaded_database():
    load_demo()
    before = counts()

    output = load_demo(if_empty=True)

    assert counts() == before
    assert "--if-empty" in output


@pytest.mark.django_db
def test_if_empty_loads_an_empty_database():
    load_demo(if_empty=True)

    assert Organization.objects.filter(region__code="41").count() == 769


@pytest.mark.django_db
def test_the_demo_head_has_answer_templates_and_a_widget_origin(client):
    from django.urls import reverse

    from appeals.models import AnswerTemplate
    from demo.appeals.staff_tools import DEMO_WIDGET_ORIGINS

    output = load_demo()
    head_org = Organization.objects.get(slug=demo_data.CAPITAL_ADMINISTRATION)
    titles = set(
        AnswerTemplate.objects.filter(organization=head_org).values_list("title", flat=True)
    )
    assert {"Работы выполнены", "Вопрос вне компетенции"} <= titles and len(titles) >= 3
    assert head_org.embedding_origins == DEMO_WIDGET_ORIGINS
    assert "сайты виджета: http://127.0.0.1:8080, http://localhost:8080" in output

    client.force_login(get_user_model().objects.get(email="head@demo.local"))
    page = client.get(reverse("staff:templates")).content.decode()
    assert "Работы выполнены" in page  # the head sees them where they work
    # the officials citizens may address: the head among them, linked to her account
    page = client.get(reverse("staff:officials")).content.decode()
    assert "Смирнова Елена Викторовна" in page and "первый заместитель главы" in page
    public = client.get(reverse("organizations:detail", args=[head_org.slug])).content.decode()
    assert "Орлов Павел Андреевич" in public
    head_official = head_org.officials.get(name="Смирнова Елена Викторовна")
    assert head_official.membership.user.email == "head@demo.local"
    widget = client.get(f"/widget/{head_org.slug}/", HTTP_SEC_FETCH_DEST="iframe")
    assert (
        "frame-ancestors http://127.0.0.1:8080 http://localhost:8080"
        in widget["Content-Security-Policy"]
    )

    # Idempotent, and what the operator changed stays.
    AnswerTemplate.objects.filter(organization=head_org, title="Работы выполнены").update(
        text="Свой текст"
    )
    Organization.objects.filter(pk=head_org.pk).update(widget_origins="https://adm.example.ru")
    load_demo()
    assert AnswerTemplate.objects.filter(organization=head_org).count() == len(titles)
    assert AnswerTemplate.objects.get(organization=head_org, title="Работы выполнены").text == (
        "Свой текст"
    )
    head_org.refresh_from_db()
    assert head_org.embedding_origins == ["https://adm.example.ru"]
