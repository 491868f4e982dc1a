"""Open311 GeoReport v2: every method in XML and JSON, every error the specification names, and
no personal data in what GET returns. Error texts are checked by the argument they name (the
texts themselves are translated)."""

import io
import json
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from accounts.models import AuditEvent
from appeals import services
from appeals.attachments import store_attachment
from appeals.models import AccountHold, Appeal, Event
from core.models import Notification
from partners.services import issue_api_key, revoke_api_key
from tests.accounts.factories import UserFactory
from tests.appeals.factories import make_appeal

BASE = "/open311/v2/"
FORMATS = ["xml", "json"]


@pytest.fixture(autouse=True)
def platform_region(settings, world):
    settings.PLATFORM_REGION_CODE = world.region.code
    settings.OPEN311_JURISDICTION_ID = "kamgov.ru"


@pytest.fixture
def api_key(db):
    _row, raw = issue_api_key(actor=None, partner="Мобильное приложение «Камчатка»")
    return raw


def parse(response, fmt):
    """The body as Python data: the JSON as is, the XML mapped the same way (lists of dicts)."""
    expected = "text/xml; charset=utf-8" if fmt == "xml" else "application/json; charset=utf-8"
    assert response["Content-Type"] == expected
    if fmt == "json":
        return json.loads(response.content)
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return _element(ET.fromstring(response.content))  # noqa: S314 — our own response


def _element(element):
    children = list(element)
    if not children:
        return element.text or ""
    tags = [child.tag for child in children]
    if len(set(tags)) == 1 and (
        len(tags) > 1
        or element.tag
        in {
            "services",
            "service_requests",
            "errors",
            "attributes",
            "values",
            "endpoints",
            "formats",
        }
    ):
        return [_element(child) for child in children]
    return {child.tag: _element(child) for child in children}


def assert_error(response, fmt, status, fragment=""):
    assert response.status_code == status
    body = parse(response, fmt)
    assert isinstance(body, list) and body
    for error in body:
        assert str(error["code"]) == str(status)
        assert error["description"]
    assert fragment in " ".join(error["description"] for error in body)
    return body


def valid_post(world, key, **changes):
    data = {
        "api_key": key,
        "jurisdiction_id": "kamgov.ru",
        "service_code": world.category.slug,
        "attribute[municipality]": str(world.municipality.pk),
        "lat": "53.01667",
        "long": "158.65",
        "address_string": "г. Петропавловск-Камчатский, ул. Ленинская, 12",
        "email": "Maria.Sidorova@Example.ru",
        "first_name": "Мария",
        "last_name": "Сидорова",
        "phone": "+7 914 000-11-22",
        "description": "Во дворе не убран снег, к подъезду не пройти.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client, fmt):
    body = parse(client.get(f"{BASE}discovery.{fmt}"), fmt)
    assert body["contact"] and body["key_service"] and body["changeset"]
    endpoints = body["endpoints"]
    endpoint = endpoints[0] if isinstance(endpoints, list) else endpoints["endpoint"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["formats"] == ["text/xml", "application/json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_services_are_categories_grouped_by_section(client, world, fmt):
    body = parse(client.get(f"{BASE}services.{fmt}"), fmt)
    service = next(item for item in body if item["service_code"] == world.category.slug)
    assert service["service_name"] == "Уборка снега и наледи"
    assert service["group"] == "Дороги"
    assert str(service["metadata"]).lower() == "true"
    assert service["type"] == "realtime"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition_asks_for_the_municipality(client, world, fmt):
    body = parse(client.get(f"{BASE}services/{world.category.slug}.{fmt}"), fmt)
    assert body["service_code"] == world.category.slug
    attributes = body["attributes"]
    attribute = attributes[0]
    assert attribute["code"] == "municipality"
    assert attribute["datatype"] == "singlevaluelist"
    assert str(attribute["required"]).lower() == "true"
    assert {"key": str(world.municipality.pk), "name": world.municipality.name} in attribute[
        "values"
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_an_appeal_that_enters_moderation(client, world, api_key, fmt):
    response = client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key))
    assert response.status_code == 201, response.content
    [created] = parse(response, fmt)
    appeal = Appeal.objects.get(number=created["service_request_id"])
    assert "token" not in created
    assert "10" in created["service_notice"]
    assert appeal.status == Appeal.Status.SUBMITTED
    assert appeal.channel == Appeal.Channel.API
    assert appeal.registration_due_at == appeal.submitted_at + timedelta(days=3)
    assert str(appeal.latitude) == "53.01667"
    citizen = appeal.citizen
    assert citizen.email == "maria.sidorova@example.ru"
    assert (citizen.last_name, citizen.first_name, citizen.phone) == (
        "Сидорова",
        "Мария",
        "+7 914 000-11-22",
    )
    assert not citizen.has_usable_password()
    assert Event.objects.filter(appeal=appeal, action="submit", data__channel="api").exists()
    audit = AuditEvent.objects.get(action="appeal_filed_through_api")
    assert audit.changes["new_account"] is True and audit.changes["partner"].startswith("Мобильное")
    assert Notification.objects.filter(
        recipient=citizen, template="api_invitation", channel="email"
    ).exists()


def test_post_for_a_known_citizen_is_held_for_them_and_leaves_their_profile(client, world, api_key):
    known = UserFactory(
        email="maria.sidorova@example.ru", last_name="Иванова", first_name="Мария", phone=""
    )
    response = client.post(f"{BASE}requests.json", valid_post(world, api_key))
    assert response.status_code == 201
    appeal = Appeal.objects.get()
    assert appeal.citizen != known and not appeal.citizen.can_receive_email
    assert (appeal.citizen.last_name, appeal.citizen.phone) == ("Сидорова", "+7 914 000-11-22")
    known.refresh_from_db()
    assert known.last_name == "Иванова" and known.phone == ""
    assert appeal.account_hold.account == known and appeal.account_hold.is_pending
    assert Event.objects.filter(appeal=appeal, action="hold_for_account").exists()
    assert Notification.objects.filter(recipient=known, template="held_appeal").count() == 2
    assert not Notification.objects.filter(template="api_invitation").exists()
    client.force_login(known)
    assert client.get(appeal.get_absolute_url()).status_code == 404
    link = Notification.objects.get(recipient=known, template="held_appeal", channel="in_app")
    assert client.post(link.context["url"]).url == appeal.get_absolute_url()
    assert client.get(appeal.get_absolute_url()).status_code == 200
    assert Event.objects.get(appeal=appeal, action="confirm_for_account").actor == known


@pytest.mark.parametrize("staff", ["platform_admin", "moderator", "executor"])
def test_post_for_a_staff_or_admin_email_is_never_attached(client, world, api_key, staff, request):
    account = request.getfixturevalue(staff) if staff == "platform_admin" else getattr(world, staff)
    response = client.post(f"{BASE}requests.json", valid_post(world, api_key, email=account.email))
    assert response.status_code == 201  # the same answer as for anyone: no e-mail is revealed
    appeal = Appeal.objects.get()
    assert appeal.citizen != account and not appeal.citizen.can_receive_email
    assert not AccountHold.objects.exists()
    account.refresh_from_db()
    assert account.last_name != "Сидорова" and account.phone != "+7 914 000-11-22"
    assert not Notification.objects.filter(recipient=account).exists()
    assert AuditEvent.objects.get(action="appeal_filed_through_api").changes["staff_email_refused"]


def test_post_with_only_coordinates_uses_them_as_the_address(client, world, api_key):
    response = client.post(f"{BASE}requests.json", valid_post(world, api_key, address_string=None))
    assert response.status_code == 201
    assert Appeal.objects.get().address == "53.01667, 158.65000"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "pos_deadbeef_wrong", "nonsense"])
def test_post_without_a_valid_key_is_403(client, world, api_key, fmt, key):
    response = client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key, **{"api_key": key}))
    assert_error(response, fmt, 403, "api_key")
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_is_403(client, world, fmt):
    row, raw = issue_api_key(actor=None, partner="Сайт администрации")
    revoke_api_key(actor=None, api_key_id=row.pk)
    assert_error(client.post(f"{BASE}requests.{fmt}", valid_post(world, raw)), fmt, 403)
    assert AuditEvent.objects.filter(action="api_key_revoked").count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_unknown_service_code_is_404_and_missing_one_400(client, world, api_key, fmt):
    assert_error(
        client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key, service_code="no-such")),
        fmt,
        404,
    )
    assert_error(
        client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key, service_code="")),
        fmt,
        400,
        "service_code",
    )
    # A section is not a service.
    section = world.category.parent.slug
    assert_error(
        client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key, service_code=section)),
        fmt,
        404,
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_lists_every_problem_in_one_400(client, world, api_key, fmt):
    data = valid_post(
        world,
        api_key,
        **{
            "attribute[municipality]": "",
            "lat": "91",
            "long": None,
            "address_string": "",
            "email": "not-an-email",
            "first_name": "",
            "description": "",
            "phone": "call me",
            "media_url": "javascript:alert(1)",
        },
    )
    body = assert_error(client.post(f"{BASE}requests.{fmt}", data), fmt, 400)
    text = " ".join(error["description"] for error in body)
    for fragment in (
        "attribute[municipality]",
        "long",
        "description",
        "email",
        "first_name",
        "phone",
        "media_url",
    ):
        assert fragment in text, fragment
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_other_400s(client, world, api_key, fmt):
    cases = [
        ({"attribute[municipality]": "999999"}, "attribute[municipality]"),
        ({"lat": "abc"}, "lat"),
        ({"long": "200"}, "long"),
        ({"address_string": "", "lat": None, "long": None}, "address_string"),
        ({"address_string": "д" * 301}, "300"),
        ({"description": "x" * 4001}, "4000"),
        ({"email": "offline-1@pos.invalid"}, "email"),
        ({"last_name": "ф" * 101}, "100"),
    ]
    for changes, fragment in cases:
        assert_error(
            client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key, **changes)),
            fmt,
            400,
            fragment,
        )
    assert not Appeal.objects.exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_foreign_jurisdiction_is_404(client, world, api_key, fmt):
    assert_error(
        client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": "sfgov.org"}),
        fmt,
        404,
        "jurisdiction_id",
    )
    assert_error(
        client.post(
            f"{BASE}requests.{fmt}", valid_post(world, api_key, jurisdiction_id="sfgov.org")
        ),
        fmt,
        404,
    )
    assert client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": ""}).status_code == 200


def test_unknown_format_is_404_in_xml(client):
    response = client.get(f"{BASE}services.html")
    assert_error(response, "xml", 404, ".xml")
    assert client.get(f"{BASE}services.JSON").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_one_request_without_personal_data(client, world, fmt):
    private = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=world.organization,
        category=world.category,
        citizen=world.citizen,
        text="Секретный текст обращения",
        address="ул. Тайная, 7",
    )
    body = parse(client.get(f"{BASE}requests/{private.number}.{fmt}"), fmt)
    [item] = body
    assert item["service_request_id"] == private.number
    assert item["status"] == "open"
    assert item["status_notes"] == str(Appeal.Status.IN_PROGRESS.label)
    assert item["agency_responsible"] == str(world.organization)
    assert item["service_code"] == world.category.slug
    assert item["expected_datetime"].endswith("+12:00")
    assert "description" not in item and "address" not in item and "lat" not in item
    raw = client.get(f"{BASE}requests/{private.number}.{fmt}").content.decode()
    for secret in ("Секретный", "Тайная", world.citizen.email, world.citizen.last_name):
        assert secret not in raw


@pytest.mark.parametrize("fmt", FORMATS)
def test_public_appeal_shows_description_and_address(client, world, fmt, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    public = make_appeal(
        Appeal.Status.CLOSED,
        organization=world.organization,
        category=world.category,
        is_public=True,
        latitude="53.01667",
        longitude="158.65",
        text="Яма на дороге у остановки, звоните Петрову: +7 914 111-22-33",
    )
    [item] = parse(client.get(f"{BASE}requests/{public.number}.{fmt}"), fmt)
    assert item["status"] == "closed"
    # The place is public at once; the text only after the moderator's check.
    assert item["address"] == public.address
    assert float(item["lat"]) == 53.01667 and float(item["long"]) == 158.65
    assert "description" not in item and "media_url" not in item
    services.publish_public_text(
        moderator=world.moderator, appeal_id=public.pk, text="Яма на дороге у остановки"
    )
    photo = store_attachment(upload=_photo(), uploaded_by=world.citizen, appeal=public)
    [item] = parse(client.get(f"{BASE}requests/{public.number}.{fmt}"), fmt)
    assert item["description"] == "Яма на дороге у остановки"
    assert item["media_url"] == f"http://testserver/problems/{public.number}/photos/{photo.pk}/"
    assert client.get(item["media_url"]).status_code == 200
    assert item["updated_datetime"]
    raw = json.dumps(item, ensure_ascii=False)
    assert world.citizen.last_name not in raw and "Петрову" not in raw


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_public_appeal_on_moderation_or_rejected_shows_no_place(client, world, fmt):
    for status in (Appeal.Status.SUBMITTED, Appeal.Status.REJECTED):
        appeal = make_appeal(
            status, category=world.category, is_public=True, latitude="53.1", longitude="158.7"
        )
        [item] = parse(client.get(f"{BASE}requests/{appeal.number}.{fmt}"), fmt)
        assert "address" not in item and "lat" not in item and "media_url" not in item


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 210, 220)).save(buffer, "JPEG")
    return SimpleUploadedFile("Петров.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_unknown_request_and_token_are_404(client, fmt):
    assert_error(client.get(f"{BASE}requests/41-2026-999999.{fmt}"), fmt, 404, "41-2026-999999")
    assert_error(client.get(f"{BASE}tokens/abc123.{fmt}"), fmt, 404, "token")
    assert_error(client.get(f"{BASE}services/no-such.{fmt}"), fmt, 404, "no-such")


@pytest.fixture
def history(world):
    """Appeals over four months: 2 closed, 3 open, one of another category."""
    other = make_appeal(Appeal.Status.REGISTERED, organization=world.organization)
    now = timezone.now()
    appeals = {
        "old": make_appeal(
            Appeal.Status.CLOSED,
            organization=world.organization,
            category=world.category,
            submitted_at=now - timedelta(days=120),
        ),
        "closed": make_appeal(
            Appeal.Status.CLOSED,
            organization=world.organization,
            category=world.category,
            submitted_at=now - timedelta(days=10),
        ),
        "rejected": make_appeal(
            Appeal.Status.REJECTED, category=world.category, submitted_at=now - timedelta(days=5)
        ),
        "open": make_appeal(
            Appeal.Status.IN_PROGRESS,
            organization=world.organization,
            category=world.category,
            submitted_at=now - timedelta(days=3),
        ),
        "new": make_appeal(
            Appeal.Status.SUBMITTED, category=world.category, submitted_at=now - timedelta(hours=2)
        ),
        "other": other,
    }
    return appeals


def ids(response, fmt):
    return [item["service_request_id"] for item in parse(response, fmt)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_filters(client, world, history, fmt):
    h = {name: appeal.number for name, appeal in history.items()}
    url = f"{BASE}requests.{fmt}"
    # Default: the last 90 days, newest first.
    assert ids(client.get(url), fmt) == [
        h["new"],
        h["other"],
        h["open"],
        h["rejected"],
        h["closed"],
    ]
    assert ids(client.get(url, {"status": "closed"}), fmt) == [h["rejected"], h["closed"]]
    assert ids(client.get(url, {"status": "open", "service_code": world.category.slug}), fmt) == [
        h["new"],
        h["open"],
    ]
    assert (
        ids(client.get(url, {"status": "open,closed", "service_code": ""}), fmt)[-1] == h["closed"]
    )
    window = {
        "start_date": (timezone.now() - timedelta(days=130)).isoformat(),
        "end_date": (timezone.now() - timedelta(days=60)).isoformat(),
    }
    assert ids(client.get(url, window), fmt) == [h["old"]]
    only_start = {
        "start_date": (timezone.now() - timedelta(days=125)).strftime("%Y-%m-%dT%H:%M:%SZ")
    }
    assert ids(client.get(url, only_start), fmt) == [h["old"]]
    # service_request_id overrides every other argument.
    by_id = {
        "service_request_id": f"{h['old']},{h['open']}",
        "status": "closed",
        "start_date": "2000-01-01T00:00:00Z",
    }
    assert ids(client.get(url, by_id), fmt) == [h["open"], h["old"]]


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_pages(client, world, history, fmt):
    url = f"{BASE}requests.{fmt}"
    everything = ids(client.get(url), fmt)
    assert ids(client.get(url, {"page_size": 2}), fmt) == everything[:2]
    assert ids(client.get(url, {"page_size": 2, "page": 3}), fmt) == everything[4:]
    assert ids(client.get(url, {"page_size": 2, "page": 9}), fmt) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_400s(client, world, fmt):
    url = f"{BASE}requests.{fmt}"
    cases = [
        ({"status": "pending"}, "status"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-13-45T00:00:00Z"}, "start_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2025-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "90"),
        ({"page": "0"}, "page"),
        ({"page_size": "1001"}, "page_size"),
        ({"page_size": "-3"}, "page_size"),
        ({"service_request_id": ",".join(str(n) for n in range(101))}, "100"),
    ]
    for params, fragment in cases:
        assert_error(client.get(url, params), fmt, 400, fragment)


def test_unencoded_plus_in_a_date_is_understood(client, world):
    response = client.get(
        f"{BASE}requests.json?start_date=2026-01-01T00:00:00+12:00&end_date=2026-02-01T00:00:00+12:00"
    )
    assert response.status_code == 200


def test_get_requests_query_count_does_not_grow(
    client, world, history, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        client.get(f"{BASE}requests.xml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_method_not_allowed_is_405_in_the_format_of_the_url(client, world, fmt):
    cases = [
        ("put", "requests", "GET, HEAD, POST"),
        ("delete", "requests", "GET, HEAD, POST"),
        ("post", "services", "GET, HEAD"),
        ("post", "discovery", "GET, HEAD"),
        ("patch", f"services/{world.category.slug}", "GET, HEAD"),
        ("post", "requests/41-2026-000001", "GET, HEAD"),
        ("put", "tokens/abc", "GET, HEAD"),
    ]
    for method, resource, allowed in cases:
        response = getattr(client, method)(f"{BASE}{resource}.{fmt}")
        assert_error(response, fmt, 405, method.upper())
        assert response["Content-Type"].startswith(
            "application/json" if fmt == "json" else "text/xml"
        )
        assert response["Allow"] == allowed


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_requests_with_an_unknown_service_code_is_400(client, world, fmt):
    body = assert_error(
        client.get(
            f"{BASE}requests.{fmt}", {"service_code": f"{world.category.slug},no-such,also-not"}
        ),
        fmt,
        400,
        "no-such",
    )
    assert len(body) == 2 and "also-not" in body[1]["description"]
    # service_request_id overrides every other argument (the spec), the unknown code included.
    assert (
        client.get(
            f"{BASE}requests.{fmt}", {"service_request_id": "41-2026-000001", "service_code": "x"}
        ).status_code
        == 200
    )


@pytest.mark.parametrize("digit", ["²", "٣", "1²"])
def test_non_ascii_digits_are_a_400_not_a_500(client, world, api_key, digit):
    """'²'.isdigit() is True, and int('²') raised: an anonymous 500 on the public feed."""
    for name in ("page", "page_size"):
        assert_error(client.get(f"{BASE}requests.json", {name: digit}), "json", 400, name)
    response = client.post(
        f"{BASE}requests.json",
        valid_post(world, api_key, **{"attribute[municipality]": digit}),
    )
    assert_error(response, "json", 400, "attribute[municipality]")
    assert not Appeal.objects.exists()


def test_malformed_input_is_a_400_in_the_open311_format(client, world):
    for url in (
        f"{BASE}services.xml?jurisdiction_id=%FF%FE",
        f"{BASE}services.xml?q=a%01b",
        f"{BASE}requests.xml?status=" + "open," * 2000,
    ):
        assert_error(client.get(url), "xml", 400)
    assert_error(client.get(f"{BASE}requests/41%00.json"), "json", 400, "NUL")


def test_schema_and_docs(client):
    schema = client.get("/api/schema/").json()
    assert schema["openapi"].startswith("3.")
    assert "/open311/v2/requests.{format}" in schema["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"vendor/swagger-ui/swagger-ui-bundle.js" in docs.content
    assert b"unpkg" not in docs.content and b"cdn" not in docs.content.lower()


@time_machine.travel("2026-03-01 10:00 +12:00", tick=False)
def test_datetimes_carry_the_region_offset(client, world):
    appeal = make_appeal(
        Appeal.Status.REGISTERED, organization=world.organization, category=world.category
    )
    [item] = parse(client.get(f"{BASE}requests/{appeal.number}.json"), "json")
    assert item["requested_datetime"] == "2026-02-28T10:00:00+12:00"


def test_nul_characters_are_a_400(client, world, api_key):
    assert_error(
        client.get(f"{BASE}requests.json", {"service_request_id": "41\x00"}), "json", 400, "NUL"
    )
    assert_error(
        client.post(f"{BASE}requests.xml", valid_post(world, api_key, description="a\x00b")),
        "xml",
        400,
    )


def test_dates_far_away_are_a_400(client, world):
    for value in (
        "0001-01-01T00:00:00+12:00",
        "0221-10-18T09:51:04-23:42",
        "9999-12-31T23:59:59-12:00",
    ):
        assert_error(
            client.get(f"{BASE}requests.json", {"start_date": value}), "json", 400, "start_date"
        )
        assert_error(
            client.get(f"{BASE}requests.json", {"end_date": value}), "json", 400, "end_date"
        )


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_is_rate_limited_per_api_key(client, world, api_key, fmt, settings):
    settings.OPEN311_POST_RATE = "2/h"
    for n in range(2):
        response = client.post(
            f"{BASE}requests.{fmt}", valid_post(world, api_key, address_string=f"ул. Мира, {n}")
        )
        assert response.status_code == 201
    response = client.post(f"{BASE}requests.{fmt}", valid_post(world, api_key))
    assert response.status_code == 429
    [error] = parse(response, fmt)
    assert str(error["code"]) == "429" and "api_key" in error["description"]
    assert Appeal.objects.count() == 2
