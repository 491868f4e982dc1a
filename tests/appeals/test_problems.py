"""Public problems: /problems/, one problem, its photos, the GeoJSON feed, the moderator's check of
the public text and the author's way back to private. Nothing public shows a name or a contact."""

import io
import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from appeals import services
from appeals.attachments import store_attachment
from appeals.models import Answer, Appeal, Event
from appeals.selectors import public as public_selectors
from core.errors import DomainError, NotAllowed
from tests.accounts.factories import UserFactory
from tests.appeals.factories import world_appeal

pytestmark = pytest.mark.django_db
S = Appeal.Status
SECRET_TEXT = "Сосед Пётр Кузнецов из кв. 5, тел. +7 914 555-66-77, сваливает мусор у подъезда."


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def author(world):
    author = world.citizen
    author.last_name, author.first_name, author.patronymic = "Сидорова", "Мария", "Ивановна"
    author.phone = "+7 914 000-11-22"
    author.save()
    return author


def _photo(name="Сидорова_двор.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _problem(world, status=S.IN_PROGRESS, **fields):
    fields.setdefault("is_public", True)
    fields.setdefault("text", SECRET_TEXT)
    fields.setdefault("latitude", "53.01667")
    fields.setdefault("longitude", "158.65000")
    return world_appeal(world, status, **fields)


def _page(client, appeal):
    return client.get(reverse("problems:detail", args=[appeal.number]))


def test_public_page_never_shows_the_name_contacts_or_the_unchecked_text(client, world, author):
    problem = _problem(world, S.ANSWERED)
    Answer.objects.filter(appeal=problem).update(
        text="Уважаемая Мария Ивановна! Ответ Сидоровой М. И. направлен на citizen@example.ru. "
        "Мусор вывезен, контейнерная площадка убрана."
    )
    response = _page(client, problem)
    assert response.status_code == 200
    page = response.content.decode()
    assert world.category.name in page and problem.address in page
    assert "Мусор вывезен, контейнерная площадка убрана." in page
    for secret in ("Сидоров", "Мария", "Ивановна", author.email, author.phone, "Кузнецов"):
        assert secret not in page
    assert "после проверки модератором" in page or "after a moderator has checked" in page
    assert "{# support: joins (issue 14) #}" not in page


def test_the_checked_text_is_shown_and_the_check_is_an_audit_event(client, world, author):
    problem = _problem(world)
    redacted = "Сосед […] из кв. […] сваливает мусор у подъезда."
    services.publish_public_text(moderator=world.moderator, appeal_id=problem.pk, text=redacted)
    page = _page(client, problem).content.decode()
    assert "сваливает мусор у подъезда" in page and "Кузнецов" not in page
    event = Event.objects.get(appeal=problem, action=Event.Action.PUBLISH_PUBLIC_TEXT)
    assert event.actor == world.moderator and event.data["public_text"] == redacted
    assert event.from_status == event.to_status == S.IN_PROGRESS and not event.is_public
    problem.refresh_from_db()
    assert problem.public_text_checked_by == world.moderator and problem.status == S.IN_PROGRESS


def test_withheld_text_says_so(client, world):
    problem = _problem(world)
    services.withhold_public_text(
        moderator=world.moderator, appeal_id=problem.pk, reason="Сплошь личные данные"
    )
    page = _page(client, problem).content.decode()
    assert "Кузнецов" not in page
    assert "решил не публиковать" in page or "decided not to publish" in page
    assert Event.objects.filter(
        appeal=problem, action=Event.Action.WITHHOLD_PUBLIC_TEXT, comment="Сплошь личные данные"
    ).exists()


def test_only_a_moderator_of_the_region_checks_a_public_appeal(world):
    problem = _problem(world)
    with pytest.raises(NotAllowed):
        services.publish_public_text(moderator=world.executor, appeal_id=problem.pk, text="Текст")
    private = _problem(world, is_public=False)
    with pytest.raises(DomainError):
        services.publish_public_text(moderator=world.moderator, appeal_id=private.pk, text="Т")
    with pytest.raises(DomainError):
        services.publish_public_text(moderator=world.moderator, appeal_id=problem.pk, text="  ")
    assert not Event.objects.filter(action=Event.Action.PUBLISH_PUBLIC_TEXT).exists()


def test_moderation_page_publishes_the_redacted_text(client, world):
    problem = _problem(world)
    client.force_login(world.moderator)
    review = client.get(reverse("moderation:review", args=[problem.number])).content.decode()
    assert "Кузнецов" in review and 'name="text"' in review  # prefilled for redaction
    response = client.post(
        reverse("moderation:public_text", args=[problem.number]), {"text": "Мусор у подъезда."}
    )
    assert response.status_code == 302
    assert "Мусор у подъезда." in _page(client, problem).content.decode()
    empty = client.post(reverse("moderation:public_text", args=[problem.number]), {"text": ""})
    assert empty.status_code == 400
    response = client.post(reverse("moderation:withhold_text", args=[problem.number]), {})
    assert response.status_code == 302
    assert "Мусор у подъезда." not in _page(client, problem).content.decode()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.REJECTED])
def test_unmoderated_and_rejected_public_appeals_are_404(client, world, status):
    assert _page(client, _problem(world, status)).status_code == 404


def test_private_and_unknown_appeals_are_404(client, world):
    assert _page(client, _problem(world, is_public=False)).status_code == 404
    assert client.get("/problems/41-2026-999999/").status_code == 404


def test_the_author_makes_the_appeal_private_again(client, world):
    problem = _problem(world)
    services.publish_public_text(moderator=world.moderator, appeal_id=problem.pk, text="Мусор.")
    client.force_login(world.citizen)
    page = client.get(problem.get_absolute_url()).content.decode()
    assert reverse("appeals:make_private", args=[problem.number]) in page
    response = client.post(reverse("appeals:make_private", args=[problem.number]))
    assert response.status_code == 302
    problem.refresh_from_db()
    assert not problem.is_public and problem.public_text == ""
    assert problem.public_text_checked_at is None
    assert Event.objects.filter(appeal=problem, action=Event.Action.MAKE_PRIVATE).count() == 1
    assert _page(client, problem).status_code == 404
    client.force_login(UserFactory(email="stranger@example.ru"))
    other = _problem(world)
    assert client.post(reverse("appeals:make_private", args=[other.number])).status_code == 404
    other.refresh_from_db()
    assert other.is_public


def test_photos_are_served_only_for_public_problems(client, world):
    problem = _problem(world)
    photo = store_attachment(upload=_photo(), uploaded_by=world.citizen, appeal=problem)
    page = _page(client, problem).content.decode()
    thumbnail = reverse("problems:photo_thumbnail", args=[problem.number, photo.pk])
    assert thumbnail in page and "Сидорова_двор" not in page
    response = client.get(thumbnail)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    full = client.get(reverse("problems:photo", args=[problem.number, photo.pk]))
    assert full.status_code == 200 and "Сидорова" not in full["Content-Disposition"]
    assert full["X-Content-Type-Options"] == "nosniff"
    private = _problem(world, is_public=False)
    hidden = store_attachment(upload=_photo(), uploaded_by=world.citizen, appeal=private)
    for name in ("problems:photo", "problems:photo_thumbnail"):
        assert client.get(reverse(name, args=[private.number, hidden.pk])).status_code == 404
        # The number of a public problem with the file of a private one: still 404.
        assert client.get(reverse(name, args=[problem.number, hidden.pk])).status_code == 404


def test_list_filters_and_never_shows_private_ones(client, world):
    shown = _problem(world, address="ул. Видимая, 1")
    _problem(world, is_public=False, address="ул. Скрытая, 2")
    _problem(world, S.SUBMITTED, address="ул. Непроверенная, 3")
    closed = _problem(world, S.CLOSED, address="ул. Закрытая, 4")
    page = client.get(reverse("problems:list")).content.decode()
    assert shown.number in page and closed.number in page
    assert "Скрытая" not in page and "Непроверенная" not in page
    only_closed = client.get(reverse("problems:list"), {"status": "closed"}).content.decode()
    assert closed.number in only_closed and shown.number not in only_closed
    by_section = client.get(reverse("problems:list"), {"category": world.category.parent_id})
    assert shown.number in by_section.content.decode()
    future = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert (
        shown.number
        not in client.get(reverse("problems:list"), {"date_from": future}).content.decode()
    )


@pytest.mark.parametrize(
    "params",
    [
        {"category": "abc"},
        {"category": "99999999999999999999999"},
        {"municipality": "-1"},
        {"status": "rejected"},
        {"date_from": "31.02.2026"},
        {"date_from": "9999-01-01"},
        {"date_from": "2026-05-01", "date_to": "2026-04-01"},
        {"page": "x"},
    ],
)
def test_bad_filters_are_a_clear_message_not_a_500(client, world, params):
    shown = _problem(world)
    response = client.get(reverse("problems:list"), params)
    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert shown.number in page
    if response.status_code == 400:
        assert 'class="error-summary"' in page


def test_list_query_count_does_not_grow_with_rows(client, world):
    _problem(world)
    client.get(reverse("problems:list"))  # reference data (categories, places) kept in memory
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("problems:list"))
    for index in range(15):
        _problem(world, latitude=f"53.0{index:02d}")
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("problems:list"))
    assert len(many) == len(few)


def _geojson(client, **params):
    return client.get(reverse("problems_geojson"), params)


def test_geojson_returns_the_points_in_the_box(client, world):
    inside = _problem(world, latitude="53.02000", longitude="158.64000")
    _problem(world, latitude="56.00000", longitude="160.00000")  # outside the box
    _problem(world, is_public=False, latitude="53.02100", longitude="158.64100")
    _problem(world, S.SUBMITTED, latitude="53.02200", longitude="158.64200")
    response = _geojson(client, bbox="158.5,52.9,158.8,53.1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "public" in response["Cache-Control"]
    body = json.loads(response.content)
    assert body["type"] == "FeatureCollection" and not body["clustered"]
    [feature] = body["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [158.64, 53.02]}
    assert feature["properties"]["number"] == inside.number
    assert feature["properties"]["category"] == world.category.name
    assert feature["properties"]["url"].endswith(f"/problems/{inside.number}/")
    assert "Кузнецов" not in response.content.decode()


def test_geojson_clusters_many_points_into_a_small_response(client, world, monkeypatch):
    monkeypatch.setattr(public_selectors, "MAX_POINTS", 10)
    for index in range(40):
        _problem(world, latitude=f"53.{index:05d}", longitude=f"158.{index:05d}")
    _problem(world, latitude="55.00000", longitude="160.00000")
    response = _geojson(client, bbox="150,50,165,60", zoom="5")
    body = json.loads(response.content)
    assert body["clustered"]
    assert sum(f["properties"]["count"] for f in body["features"]) == 41
    assert len(body["features"]) <= 3
    assert all(f["properties"]["cluster"] for f in body["features"])


def test_geojson_query_count_does_not_grow_with_rows(client, world, monkeypatch):
    monkeypatch.setattr(public_selectors, "MAX_POINTS", 5)
    _problem(world)
    _geojson(client, bbox="150,50,165,60", zoom="8")  # reference data kept in memory
    with CaptureQueriesContext(connection) as few:
        _geojson(client, bbox="150,50,165,60", zoom="8")
    for index in range(20):
        _problem(world, latitude=f"53.0{index:02d}")
    with CaptureQueriesContext(connection) as many:
        response = _geojson(client, bbox="150,50,165,60", zoom="8")
    assert json.loads(response.content)["clustered"]
    assert len(few) <= 2 and len(many) <= 2


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"bbox": ""},
        {"bbox": "1,2,3"},
        {"bbox": "a,b,c,d"},
        {"bbox": "158,53,157,54"},
        {"bbox": "158,53,159,53"},
        {"bbox": "-181,0,10,10"},
        {"bbox": "0,-91,10,10"},
        {"bbox": "NaN,0,10,10"},
        {"bbox": "Infinity,0,10,10"},
        {"bbox": "1e999,0,10,10"},
        {"bbox": "158,53,159,54", "zoom": "99"},
        {"bbox": "158,53,159,54", "zoom": "x"},
        {"bbox": "158,53,159,54", "status": "rejected"},
        {"bbox": "158,53,159,54", "date_from": "yesterday"},
    ],
)
def test_bad_geojson_input_is_a_400_with_a_json_error(client, world, params):
    response = _geojson(client, **params)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]
    assert response["Access-Control-Allow-Origin"] == "*"


def test_filing_with_a_point_and_public(client, world):
    from tests.appeals.factories import filing_form

    client.force_login(world.citizen)
    response = client.post(
        reverse("appeals:new"),
        filing_form(world, latitude="53.01667", longitude="158.65", is_public="on"),
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.is_public and str(appeal.latitude) == "53.01667"
    assert str(appeal.longitude) == "158.65000"
    submit = appeal.events.get(action=Event.Action.SUBMIT)
    assert submit.data["is_public"] is True


def test_filing_is_private_by_default(client, world):
    from tests.appeals.factories import filing_form

    client.force_login(world.citizen)
    page = client.get(reverse("appeals:new")).content.decode()
    assert 'name="is_public"' in page and "checked" not in page.split('name="is_public"')[1][:40]
    assert 'data-map="picker"' in page and "data-map-picker hidden" in page
    client.post(reverse("appeals:new"), filing_form(world))
    appeal = Appeal.objects.get()
    assert not appeal.is_public and appeal.latitude is None


@pytest.mark.parametrize(
    "point",
    [
        {"latitude": "91", "longitude": "158"},
        {"latitude": "53", "longitude": "-181"},
        {"latitude": "abc", "longitude": "158"},
        {"latitude": "53.01667"},
        {"latitude": "NaN", "longitude": "158"},
        {"latitude": "1e5", "longitude": "1e5"},
    ],
)
def test_a_bad_point_is_a_clear_error_and_the_text_is_kept(client, world, point):
    from tests.appeals.factories import filing_form

    client.force_login(world.citizen)
    response = client.post(reverse("appeals:new"), filing_form(world, **point))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Во дворе не убран снег" in page
    assert "прочитать точку на карте" in page
    assert 'name="latitude" value' not in page or 'name="latitude" value=""' in page
    assert not Appeal.objects.exists()


def test_staff_page_shows_the_point(client, world):
    appeal = _problem(world, is_public=False)
    client.force_login(world.executor)
    page = client.get(reverse("staff:appeal", args=[appeal.number])).content.decode()
    assert "53.01667, 158.65000" in page and 'data-map="point"' in page
    assert "leaflet.js" in page
    plain = world_appeal(world, S.IN_PROGRESS)
    page = client.get(reverse("staff:appeal", args=[plain.number])).content.decode()
    assert 'data-map="point"' not in page and "leaflet.js" not in page


def test_the_navigation_and_the_home_page_link_to_the_problems(client, world):
    page = client.get("/").content.decode()
    assert page.count('href="/problems/"') >= 2


def test_csp_allows_the_tile_server(client, world):
    response = client.get(reverse("problems:list"))
    assert "https://tile.openstreetmap.org" in response["Content-Security-Policy"]


def test_moderators_list_the_public_texts_to_check(client, world):
    waiting = _problem(world, S.SUBMITTED, address="ул. Ждущая, 1")
    checked = _problem(world, address="ул. Проверенная, 2")
    services.withhold_public_text(moderator=world.moderator, appeal_id=checked.pk)
    _problem(world, is_public=False, address="ул. Личная, 3")
    _problem(world, S.REJECTED, address="ул. Отклонённая, 4")
    client.force_login(world.moderator)
    assert (
        reverse("moderation:public_texts")
        in client.get(reverse("moderation:home")).content.decode()
    )
    page = client.get(reverse("moderation:public_texts")).content.decode()
    assert waiting.number in page
    for other in ("Проверенная", "Личная", "Отклонённая"):
        assert other not in page
    client.force_login(world.executor)
    assert client.get(reverse("moderation:public_texts")).status_code in (403, 404)


def test_geojson_applies_the_filters_of_the_list(client, world):
    open_one = _problem(world, S.IN_PROGRESS, latitude="53.02000", longitude="158.64000")
    closed = _problem(world, S.CLOSED, latitude="53.02100", longitude="158.64100")
    body = json.loads(_geojson(client, bbox="158.5,52.9,158.8,53.1", status="closed").content)
    assert [f["properties"]["number"] for f in body["features"]] == [closed.number]
    body = json.loads(_geojson(client, bbox="158.5,52.9,158.8,53.1").content)
    assert {f["properties"]["number"] for f in body["features"]} == {open_one.number, closed.number}
