"""No 5xx on any input: each case an outside run reproduced (non-ASCII digits, dates out of range,
NUL bytes, a bare-word `next`), and the 400 page that malformed input gets instead.

The walk over every URL pattern is in test_url_walk.py."""

import uuid

import pytest
from django.core.exceptions import ValidationError

from appeals.models import Appeal
from core.input import BoundedDateField, parse_int, parse_pk, parse_pks, safe_next
from organizations.validators import is_valid_inn, is_valid_ogrn, validate_inn, validate_ogrn
from tests.appeals.factories import make_appeal
from tests.organizations.factories import CategoryFactory, MunicipalityFactory, _inn, _ogrn
from tests.surveys.factories import make_survey

BAD_REQUEST_RU = "Неверный запрос"
DATE_RANGE_RU = "Укажите дату с 01.01.2000 по 31.12.2100."


@pytest.fixture
def appeal(organization, executor):
    return make_appeal(Appeal.Status.IN_PROGRESS, organization=organization, executor=executor)


@pytest.fixture
def category(db):
    return CategoryFactory(parent__name="Дороги", name="Ямы на дорогах")


@pytest.fixture
def municipality(region):
    return MunicipalityFactory(region=region)


# --- the helper --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("42", 42),
        (" 42 ", 42),
        ("²", None),
        ("٣", None),
        ("1²", None),
        ("-1", None),
        ("1e3", None),
        ("", None),
        (None, None),
        ("9" * 40, None),
    ],
)
def test_parse_int_accepts_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


def test_parse_int_bounds_and_default():
    assert parse_int("0", minimum=1, default=7) == 7
    assert parse_int("11", maximum=10) is None
    assert parse_int("10", minimum=1, maximum=10) == 10
    assert parse_pk(str(2**63)) is None
    assert parse_pks(["3", "²", "3", "x", "5"]) == [3, 5]


def test_safe_next_takes_only_paths_of_this_site(rf):
    request = rf.get("/")
    for raw in ("back", "https://evil.example/", "//evil.example/", "javascript:alert(1)", ""):
        assert safe_next(request, raw, "/fallback/") == "/fallback/"
    assert safe_next(request, "/appeals/?page=2", "/fallback/") == "/appeals/?page=2"
    assert safe_next(request, None, "staff:home") == "/staff/"


def test_bounded_date_field_refuses_far_dates_in_russian():
    field = BoundedDateField()
    for raw in ("0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01"):
        with pytest.raises(ValidationError) as refused:
            field.clean(raw)
        assert refused.value.messages == [DATE_RANGE_RU]
    assert str(field.clean("2026-12-12")) == "2026-12-12"


# --- non-ASCII digits: '²'.isdigit() is True and int('²') raised ---------------------------------


def test_citizen_form_helpers_take_non_ascii_digits(client, citizen, category, municipality):
    client.force_login(citizen)
    for url in (
        "/appeals/new/categories/?section=²",
        "/appeals/new/term/?category=²",
        f"/appeals/new/similar/?category=²&municipality={municipality.pk}",
        f"/appeals/new/similar/?category={category.pk}&municipality=²",
    ):
        assert client.get(url).status_code == 200, url


def test_filing_form_with_a_non_ascii_draft_id_keeps_the_text(client, citizen):
    client.force_login(citizen)
    response = client.post(
        "/appeals/new/",
        {"remove_draft": "²", "idempotency_key": str(uuid.uuid4()), "text": "Яма у дома 5"},
    )
    assert response.status_code == 400
    assert "Яма у дома 5" in response.content.decode()


def test_staff_page_with_a_non_ascii_template_id(client, executor, appeal):
    client.force_login(executor)
    assert client.get(f"/staff/appeals/{appeal.number}/?template=²").status_code == 200


def test_bulk_assign_with_non_ascii_appeal_ids(client, head, executor, appeal):
    client.force_login(head)
    response = client.post(
        "/staff/bulk-assign/", {"executor": executor.pk, "appeal": ["²", "٣"]}, follow=True
    )
    assert response.status_code == 200
    assert "Не выбрано ни одного обращения ваших организаций." in response.content.decode()


def test_background_retry_with_non_ascii_ids(client, platform_admin):
    client.force_login(platform_admin)
    response = client.post("/health/background/retry/", {"notification": "²"})
    assert response.status_code == 302


def test_survey_answer_with_a_non_ascii_option(client, citizen):
    survey = make_survey()
    question = survey.questions.get()
    client.force_login(citizen)
    response = client.post(f"/surveys/{survey.pk}/respond/", {f"q{question.pk}": "²"})
    assert response.status_code < 500
    assert not survey.responses.exists()


def test_inn_and_ogrn_checks_accept_ascii_digits_only():
    valid_inn, valid_ogrn = _inn(5), _ogrn(5)
    assert is_valid_inn(valid_inn) and is_valid_ogrn(valid_ogrn)
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    for inn in ("²" * 10, valid_inn.translate(arabic), valid_inn[:-1] + "²"):
        assert not is_valid_inn(inn)
        with pytest.raises(ValidationError):
            validate_inn(inn)
    for ogrn in ("²" * 13, valid_ogrn.translate(arabic)):
        assert not is_valid_ogrn(ogrn)
        with pytest.raises(ValidationError):
            validate_ogrn(ogrn)


# --- dates out of range ------------------------------------------------------------------------


@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_staff_queue_with_a_far_date_shows_the_error_and_keeps_the_rest(
    client, executor, appeal, far
):
    client.force_login(executor)
    other = make_appeal(Appeal.Status.IN_PROGRESS, organization=appeal.organization)
    response = client.get("/staff/", {"received_to": far, "q": appeal.number})
    assert response.status_code == 200
    page = response.content.decode()
    assert DATE_RANGE_RU in page
    assert appeal.number in page and other.number not in page  # the search still applies
    response = client.get("/staff/", {"received_from": far})
    assert response.status_code == 200 and DATE_RANGE_RU in response.content.decode()


@pytest.mark.parametrize("export", ["export.csv", "export.xlsx"])
@pytest.mark.parametrize("far", ["9999-12-31", "0001-01-01"])
def test_staff_exports_with_a_far_date(client, executor, appeal, export, far):
    client.force_login(executor)
    for name in ("received_from", "received_to"):
        assert client.get(f"/staff/{export}", {name: far}).status_code == 200


@pytest.mark.parametrize(
    ("start", "end"), [("0001-01-01", "0001-01-31"), ("9999-12-01", "9999-12-31")]
)
def test_analytics_custom_period_in_year_1_or_9999(client, analyst, start, end):
    client.force_login(analyst)
    response = client.get("/analytics/", {"preset": "custom", "start": start, "end": end})
    assert response.status_code == 200
    assert DATE_RANGE_RU in response.content.decode()


# --- NUL bytes and other malformed input: a translated 400 page ----------------------------------


def assert_bad_request_page(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<h1>{BAD_REQUEST_RU}</h1>" in page
    assert "управляющие символы" in page
    assert 'lang="ru"' in page


def test_nul_in_the_widget_done_parameter(client, citizen, organization):
    client.force_login(citizen)
    assert_bad_request_page(client.get(f"/widget/{organization.slug}/", {"done": "41\x00"}))


def test_nul_in_the_similar_appeals_text(client, citizen, category, municipality):
    client.force_login(citizen)
    response = client.get(
        "/appeals/new/similar/",
        {"category": category.pk, "municipality": municipality.pk, "text": "яма\x00"},
    )
    assert_bad_request_page(response)


def test_nul_in_the_organization_search_of_the_staff_page(client, head, appeal):
    client.force_login(head)
    assert_bad_request_page(client.get(f"/staff/appeals/{appeal.number}/", {"org_q": "мин\x00"}))


def test_nul_in_a_form_field_name_or_a_posted_value(client, citizen):
    client.force_login(citizen)
    assert_bad_request_page(client.post("/accounts/profile/", {"last\x00name": "Иванова"}))
    assert_bad_request_page(client.post("/accounts/profile/", {"last_name": "Ива\x00нова"}))


def test_nul_in_the_path(client, citizen):
    client.force_login(citizen)
    assert_bad_request_page(client.get("/appeals/41-2026%00/"))


def test_invalid_utf8_and_absurdly_long_values(client, db):
    assert_bad_request_page(client.get("/stats/?q=%FF%FE"))
    assert_bad_request_page(client.get("/stats/", {"q": "я" * 5000}))
    assert_bad_request_page(client.get("/stats/", {"q" * 300: "1"}))


def test_a_session_cookie_with_nul_never_reaches_the_database(client, db):
    client.cookies["sessionid"] = "abcdefgh\x00ijklmnop"
    assert_bad_request_page(client.get("/"))


def test_a_pasted_vertical_tab_in_a_text_is_not_refused(client, citizen):
    """Word processors paste \\v and \\f: the person's text is kept, not refused with a 400."""
    client.force_login(citizen)
    response = client.post(
        "/accounts/profile/",
        {"last_name": "Иванова", "first_name": "Анна", "postal_address": "ул. Ленина,\x0bд. 1"},
    )
    assert response.status_code == 302


def test_the_400_page_follows_the_chosen_language(client, db, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/stats/", {"q": "\x00"})
    assert response.status_code == 400
    assert "<h1>Bad request</h1>" in response.content.decode()


# --- a bare-word `next` ------------------------------------------------------------------------


def test_bulk_assign_with_a_bare_word_next_goes_to_the_queue(client, head, executor, appeal):
    client.force_login(head)
    for target in ("back", "https://evil.example/staff/", "//evil.example/"):
        response = client.post(
            "/staff/bulk-assign/",
            {"executor": executor.pk, "appeal": [appeal.number], "next": target},
        )
        assert response.status_code == 302
        assert response["Location"] == "/staff/"
    response = client.post(
        "/staff/bulk-assign/",
        {"executor": executor.pk, "appeal": [appeal.number], "next": "/staff/?tab=all"},
    )
    assert response["Location"] == "/staff/?tab=all"


def test_profile_with_a_bare_word_next_stays_on_the_profile(client, citizen):
    client.force_login(citizen)
    data = {"last_name": "Иванова", "first_name": "Анна", "postal_address": "ул. Ленина, 1"}
    response = client.post("/accounts/profile/?next=back", data)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/profile/"
    response = client.post("/accounts/profile/?next=/appeals/new/", data)
    assert response["Location"] == "/appeals/new/"


def test_too_many_fields_is_the_translated_400_page(client, db, settings):
    """Django's own 400s (here TooManyFieldsSent) use the same page, in Russian."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client.post("/accounts/login/", {f"f{n}": "1" for n in range(20)})
    assert response.status_code == 400
    page = response.content.decode()
    assert f"<h1>{BAD_REQUEST_RU}</h1>" in page
    assert "Запрос не удалось разобрать." in page


@pytest.mark.parametrize("far", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_survey_period_far_away_is_a_form_error(client, head, organization, far):
    client.force_login(head)
    response = client.post(
        "/surveys/manage/new/",
        {
            "organization": organization.pk,
            "title": "Благоустройство сквера",
            "audience": "region",
            "kind": "poll",
            "opens_at": far,
            "closes_at": far,
        },
    )
    assert response.status_code in (200, 400)
    assert DATE_RANGE_RU in response.content.decode()


def test_admin_forms_take_a_bad_id_or_date_from_the_address(client, platform_admin):
    """Found by the URL walk: Django's autocomplete and split date-time widgets raised on them."""
    client.force_login(platform_admin)
    for url in (
        "/admin/organizations/routingrule/add/?organization=²&category=x",
        "/admin/organizations/membership/add/?user=99999999999999999999",
        "/admin/surveys/survey/add/?opens_at=9999-12-31T23:59&organization=²",
        "/admin/partners/apikey/add/?expires_at=завтра",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post("/admin/organizations/routingrule/add/", {"organization": "²"})
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
