"""The embeddable widget: the loader script, the framed form (only the organization's categories,
channel widget), the frame policy per organization, and the admin snippet."""

import pytest
from django.core.exceptions import ValidationError

from appeals.models import Appeal
from tests.appeals.factories import filing_form
from tests.organizations.factories import CategoryFactory, OrganizationFactory, RoutingRuleFactory


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code
    world.organization.widget_origins = "https://pkgo.ru\nhttp://localhost:8001/"
    world.organization.save()


def url(world):
    return f"/widget/{world.organization.slug}/"


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(
        part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors")
    )


def test_loader_is_small_cacheable_javascript(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert "max-age=3600" in response["Cache-Control"] and "public" in response["Cache-Control"]
    assert len(response.content) < 5000
    body = response.content.decode()
    assert "data-organization" in body and "showModal" in body and "window.open" in body


def test_framed_form_without_a_session_offers_a_new_window(client, world):
    response = client.get(url(world), {"embed": "1"})
    assert response.status_code == 200
    assert frame_ancestors(response) == "frame-ancestors https://pkgo.ru http://localhost:8001"
    assert "X-Frame-Options" not in response
    assert f'href="{url(world)}" target="_blank"'.encode() in response.content


def test_sec_fetch_dest_iframe_counts_as_framed(client, world):
    response = client.get(url(world), headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200


def test_top_level_without_a_session_goes_to_login(client, world):
    response = client.get(url(world))
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/widget/")


def test_framed_citizen_without_profile_is_asked_to_open_a_window(client, world):
    world.citizen.last_name = ""
    world.citizen.save()
    client.force_login(world.citizen)
    response = client.get(url(world), {"embed": "1"})
    assert b'target="_blank"' in response.content
    assert client.get(url(world)).url.startswith("/accounts/profile/")


def test_form_lists_only_the_organizations_categories(client, world):
    foreign = CategoryFactory(name="Вывоз мусора")
    RoutingRuleFactory(category=foreign, organization=world.other_organization, region=world.region)
    client.force_login(world.citizen)
    response = client.get(url(world), {"embed": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Уборка снега и наледи" in body and "Вывоз мусора" not in body
    assert 'name="files"' not in body and 'name="section"' not in body
    assert frame_ancestors(response) == "frame-ancestors https://pkgo.ru http://localhost:8001"


def _post(client, world, **changes):
    return client.post(f"{url(world)}?embed=1", filing_form(world, **changes))


def test_citizen_files_through_the_widget(client, world):
    client.force_login(world.citizen)
    response = _post(client, world)
    appeal = Appeal.objects.get()
    assert appeal.channel == Appeal.Channel.WIDGET
    assert appeal.status == Appeal.Status.SUBMITTED and appeal.citizen == world.citizen
    assert response.status_code == 302
    assert response.url == f"{url(world)}?done={appeal.number}&embed=1"
    done = client.get(response.url)
    assert appeal.number in done.content.decode()
    assert frame_ancestors(done).endswith("http://localhost:8001")


def test_another_organizations_category_is_refused(client, world):
    foreign = CategoryFactory(name="Вывоз мусора")
    RoutingRuleFactory(category=foreign, organization=world.other_organization, region=world.region)
    client.force_login(world.citizen)
    response = _post(client, world, category=foreign.pk, text="коротко")
    assert response.status_code == 400
    assert not Appeal.objects.exists()
    assert "коротко" in response.content.decode()  # what the citizen typed is kept
    assert frame_ancestors(response).startswith("frame-ancestors https://pkgo.ru")


def test_someone_elses_done_number_shows_the_form(client, world):
    other = OrganizationFactory()
    client.force_login(world.citizen)
    response = client.get(url(world), {"embed": "1", "done": "41-2026-000001"})
    assert b'name="category"' in response.content
    assert other.slug not in response.content.decode()


def test_without_listed_origins_nobody_may_frame_it(client, world):
    world.organization.widget_origins = ""
    world.organization.save()
    response = client.get(url(world), {"embed": "1"})
    assert frame_ancestors(response) == "frame-ancestors 'none'"


def test_other_pages_keep_frame_ancestors_none(client):
    response = client.get("/")
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_unknown_or_inactive_organization_is_404(client, world):
    assert client.get("/widget/no-such-org/").status_code == 404
    world.organization.is_active = False
    world.organization.save()
    assert client.get(url(world), {"embed": "1"}).status_code == 404


@pytest.mark.parametrize(
    "value",
    [
        "example.ru",
        "https://example.ru/path",
        "https://*.example.ru",
        "http://example.ru",
        "https://user@example.ru",
        "ftp://example.ru",
        "https://example.ru?x=1",
        "https://example.ru; script-src *",
    ],
)
def test_bad_origins_are_refused(world, value):
    world.organization.widget_origins = value
    with pytest.raises(ValidationError):
        world.organization.full_clean()


def test_good_origins_pass(world):
    world.organization.widget_origins = (
        "https://pkgo.ru\n\nhttps://xn--80aswg.xn--p1ai:8443\nhttp://127.0.0.1:8001"
    )
    world.organization.full_clean()
    assert world.organization.embedding_origins == [
        "https://pkgo.ru",
        "https://xn--80aswg.xn--p1ai:8443",
        "http://127.0.0.1:8001",
    ]


def test_admin_shows_the_snippet(client, world, platform_admin, settings):
    settings.SITE_URL = "https://pos.kamgov.ru"
    client.force_login(platform_admin)
    response = client.get(f"/admin/organizations/organization/{world.organization.pk}/change/")
    assert response.status_code == 200
    snippet = (
        f"&lt;script src=&quot;https://pos.kamgov.ru/widget.js&quot; "
        f"data-organization=&quot;{world.organization.slug}&quot; async&gt;&lt;/script&gt;"
    )
    assert snippet in response.content.decode()
