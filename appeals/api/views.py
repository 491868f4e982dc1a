"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): thin views over selectors and the
partner filing service. GET methods are public and anonymous; POST needs a partner's API key."""

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django_ratelimit.core import is_ratelimited

from accounts.models import phone_validator
from appeals.api.formats import FORMATS, errors, render
from appeals.selectors import open311 as selectors
from appeals.services.on_behalf import is_offline_email
from appeals.services.partner import submit_partner_request
from core.actions import attempt
from core.input import parse_int, parse_pk
from organizations.selectors import request_region, request_region_id
from partners.services import authenticate_api_key

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-28T00:00:00Z"
MAX_RANGE = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_IDS = 100
# Dates outside these years are typing errors, and would overflow the 90-day arithmetic.
EARLIEST_YEAR, LATEST_YEAR = 1900, 9000
DESCRIPTION_MAX_LENGTH = 4000
MUNICIPALITY_ATTRIBUTE = "municipality"


class BadRequest(Exception):
    def __init__(self, *descriptions):
        self.descriptions = descriptions


def open311(*, methods: tuple[str, ...] = ("GET",)):
    """Lower-cases the format, refuses an unknown one (404 in XML, the required format), another
    method (405), a foreign `jurisdiction_id` (404); turns BadRequest into a 400 listing every
    problem. Every error is in the spec's error format, in the format the URL asks for."""
    allowed = {*methods, "HEAD"} if "GET" in methods else set(methods)

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, fmt: str, **kwargs):
            fmt = fmt.lower()
            if fmt not in FORMATS:
                return errors("xml", 404, _("Unknown format: use .xml or .json."))
            if request.method not in allowed:
                response = errors(
                    fmt,
                    405,
                    _("Method %(method)s is not allowed here: use %(allowed)s.")
                    % {"method": request.method, "allowed": ", ".join(methods)},
                )
                response["Allow"] = ", ".join(sorted(allowed))
                return response
            params = request.POST if request.method == "POST" else request.GET
            jurisdiction = params.get("jurisdiction_id", "").strip()
            if jurisdiction and jurisdiction != settings.OPEN311_JURISDICTION_ID:
                return errors(
                    fmt,
                    404,
                    _("Unknown jurisdiction_id: this endpoint serves %(jurisdiction)s.")
                    % {"jurisdiction": settings.OPEN311_JURISDICTION_ID},
                )
            if _has_nul(params, kwargs):
                return errors(fmt, 400, _("Arguments must not contain NUL characters."))
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except BadRequest as problem:
                return errors(fmt, 400, *problem.descriptions)

        wrapped.malformed_input_response = _malformed_input
        return wrapped

    return decorator


def _malformed_input(request, *args, fmt: str = "xml", **kwargs):
    """What core.middleware.MalformedInputMiddleware answers on these URLs: the spec's 400."""
    return errors(
        fmt.lower(),
        400,
        _(
            "Arguments must be UTF-8 text without NUL or other control characters, "
            "and no longer than a few thousand characters."
        ),
    )


def _has_nul(params, kwargs) -> bool:
    # PostgreSQL text cannot hold NUL: refuse it here rather than fail in the database.
    for key, values in params.lists():
        if "\x00" in key or any("\x00" in value for value in values):
            return True
    return any("\x00" in str(value) for value in kwargs.values())


def _iso(moment: datetime | None, zone: ZoneInfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None


def _notice(category) -> str:
    return ngettext(
        "Review term: %(days)s day", "Review term: %(days)s days", category.term_days
    ) % {"days": category.term_days}


@open311()
def discovery(request, *, fmt: str):
    base = request.build_absolute_uri("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": settings.OPEN311_CONTACT,
            "key_service": _(
                "API keys for filing requests are issued by the platform operator: %(contact)s"
            )
            % {"contact": settings.OPEN311_CONTACT},
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "test" if settings.DEBUG else "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311()
def service_list(request, *, fmt: str):
    services = [
        {
            "service_code": category.slug,
            "service_name": category.name,
            "description": category.description or category.name,
            "metadata": True,
            "type": "realtime",
            "keywords": category.keywords,
            "group": category.parent.name,
        }
        for category in selectors.open311_services()
    ]
    return render(fmt, "services", services)


@open311()
def service_definition(request, code: str, *, fmt: str):
    category = selectors.get_open311_service(code=code)
    if category is None:
        return errors(fmt, 404, _("Unknown service_code: %(code)s.") % {"code": code})
    municipalities = selectors.open311_municipalities(region=request_region(request))
    return render(
        fmt,
        "service_definition",
        {
            "service_code": category.slug,
            "attributes": [
                {
                    "variable": True,
                    "code": MUNICIPALITY_ATTRIBUTE,
                    "datatype": "singlevaluelist",
                    "required": True,
                    "datatype_description": _("The municipality where the problem is."),
                    "order": 1,
                    "description": _("Municipality"),
                    "values": [{"key": str(m.pk), "name": m.name} for m in municipalities],
                }
            ],
        },
    )


@csrf_exempt
@open311(methods=("GET", "POST"))
def requests(request, *, fmt: str):
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


@open311()
def request_detail(request, number: str, *, fmt: str):
    appeal = selectors.get_open311_request(region_id=request_region_id(request), number=number)
    if appeal is None:
        return errors(fmt, 404, _("Unknown service_request_id: %(id)s.") % {"id": number})
    return render(fmt, "service_requests", [_request_item(appeal, request)])


@open311()
def token(request, token: str, *, fmt: str):
    # Every service is realtime (the id is returned at once), so no token is ever issued.
    return errors(fmt, 404, _("Unknown token: every service of this endpoint is realtime."))


def _request_item(appeal, request) -> dict:
    zone = ZoneInfo(appeal.region.timezone)
    closed = appeal.status in selectors.CLOSED_STATUSES
    # Place, point and photo of a public problem; its text only once a moderator checked it.
    public = appeal.is_public_problem
    checked_text = appeal.public_text if public and appeal.public_text_checked_at else ""
    media_url = (
        request.build_absolute_uri(
            reverse("problems:photo", args=[appeal.number, appeal.first_photo_id])
        )
        if public and appeal.first_photo_id
        else None
    )
    return {
        "service_request_id": appeal.number,
        "status": "closed" if closed else "open",
        "status_notes": str(appeal.get_status_display()),
        "service_name": appeal.category.name,
        "service_code": appeal.category.slug,
        "description": checked_text or None,
        "agency_responsible": str(appeal.organization) if appeal.organization_id else None,
        "service_notice": _notice(appeal.category),
        "requested_datetime": _iso(appeal.submitted_at, zone),
        "updated_datetime": _iso(
            appeal.closed_at if closed and appeal.closed_at else appeal.updated_at, zone
        ),
        "expected_datetime": _iso(appeal.due_at, zone),
        "address": appeal.address if public else None,
        "lat": float(appeal.latitude) if public and appeal.latitude is not None else None,
        "long": float(appeal.longitude) if public and appeal.longitude is not None else None,
        "media_url": media_url,
    }


def _param(params, name: str) -> str:
    # The spec: an empty optional argument is treated exactly like a missing one.
    return params.get(name, "").strip()


def _moment(raw: str, name: str) -> datetime:
    raw = raw.replace(" ", "+")  # an unencoded "+02:00" arrives as " 02:00"
    try:
        value = parse_datetime(raw)
        if value is None and (day := parse_date(raw)) is not None:
            value = datetime.combine(day, time.min)
    except ValueError:
        value = None
    if value is None:
        raise BadRequest(
            _("%(name)s is not a W3C datetime such as 2026-01-31T00:00:00+12:00.") % {"name": name}
        )
    try:
        if timezone.is_naive(value):
            value = timezone.make_aware(value, timezone.get_default_timezone())
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):
        value = None
    if value is None or not (EARLIEST_YEAR <= value.year <= LATEST_YEAR):
        raise BadRequest(
            _("%(name)s must be between the years %(first)s and %(last)s.")
            % {"name": name, "first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )
    return value


def _positive(params, name: str, default: int, maximum: int | None = None) -> int:
    raw = _param(params, name)
    if not raw:
        return default
    value = parse_int(raw, minimum=1, maximum=maximum)
    if value is None:
        limit = _(" up to %(max)s") % {"max": maximum} if maximum else ""
        raise BadRequest(
            _("%(name)s must be a positive whole number%(limit)s.") % {"name": name, "limit": limit}
        )
    return value


def _list_requests(request, fmt: str):
    params = request.GET
    page = _positive(params, "page", 1, maximum=1_000_000)
    page_size = _positive(params, "page_size", MAX_PAGE_SIZE, maximum=MAX_PAGE_SIZE)
    numbers = [n.strip() for n in _param(params, "service_request_id").split(",") if n.strip()]
    if len(numbers) > MAX_IDS:
        raise BadRequest(
            _("Ask for at most %(max)s service_request_id values at once.") % {"max": MAX_IDS}
        )
    codes = [c.strip() for c in _param(params, "service_code").split(",") if c.strip()]
    if len(codes) > MAX_IDS:
        raise BadRequest(
            _("Ask for at most %(max)s service_code values at once.") % {"max": MAX_IDS}
        )
    unknown = [] if numbers else selectors.unknown_open311_codes(codes=codes)
    if unknown:
        # Not a resource of the URL, so not a 404: the spec's "400 - anything else".
        raise BadRequest(
            *(_("Unknown service_code: %(code)s.") % {"code": code} for code in unknown)
        )
    statuses = [s.strip().lower() for s in _param(params, "status").split(",") if s.strip()]
    if any(status not in ("open", "closed") for status in statuses):
        raise BadRequest(_("status must be open, closed or both, separated by a comma."))
    start_raw, end_raw = _param(params, "start_date"), _param(params, "end_date")
    start = _moment(start_raw, "start_date") if start_raw else None
    end = _moment(end_raw, "end_date") if end_raw else None
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_RANGE
    if end is None:
        end = start + MAX_RANGE
    if end < start:
        raise BadRequest(_("end_date is before start_date."))
    if end - start > MAX_RANGE:
        raise BadRequest(_("The range from start_date to end_date is at most 90 days."))
    appeals = selectors.open311_requests(
        region_id=request_region_id(request),
        numbers=numbers,
        codes=codes,
        start=start,
        end=end,
        statuses=statuses,
    )
    offset = (page - 1) * page_size
    return render(
        fmt,
        "service_requests",
        [_request_item(appeal, request) for appeal in appeals[offset : offset + page_size]],
    )


def _coordinate(raw: str, name: str, limit: int, problems: list) -> Decimal | None:
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or abs(value) > limit:
        problems.append(
            _("%(name)s must be a number from -%(limit)s to %(limit)s (WGS84).")
            % {"name": name, "limit": limit}
        )
        return None
    return value.quantize(Decimal("0.00001"))


def _create_request(request, fmt: str):
    params = request.POST
    api_key = authenticate_api_key(_param(params, "api_key"))
    if api_key is None:
        return errors(
            fmt, 403, _("Missing or invalid api_key: ask the platform operator for a key.")
        )
    if is_ratelimited(
        request,
        group="open311-post",
        key=lambda _group, _request: str(api_key.pk),
        rate=settings.OPEN311_POST_RATE,
        increment=True,
    ):
        # Not in GeoReport v2, which has no rate limits; 429 in its error shape is what clients expect.
        return errors(
            fmt, 429, _("Too many requests with this api_key: try again in a few minutes.")
        )
    code = _param(params, "service_code")
    if not code:
        raise BadRequest(_("service_code is required."))
    category = selectors.get_open311_service(code=code)
    if category is None:
        return errors(fmt, 404, _("Unknown service_code: %(code)s.") % {"code": code})

    problems: list[str] = []
    region = request_region(request)
    municipality = None
    raw_municipality = _param(params, f"attribute[{MUNICIPALITY_ATTRIBUTE}]")
    if not raw_municipality:
        problems.append(
            _("attribute[municipality] is required: see the service definition for its values.")
        )
    elif (municipality_id := parse_pk(raw_municipality)) is not None:
        municipality = (
            selectors.open311_municipalities(region=region).filter(pk=municipality_id).first()
        )
    if raw_municipality and municipality is None:
        problems.append(
            _("attribute[municipality] is not one of the values of the service definition.")
        )

    raw_lat, raw_long = _param(params, "lat"), _param(params, "long")
    latitude = longitude = None
    if raw_lat or raw_long:
        if not (raw_lat and raw_long):
            problems.append(_("Send both lat and long, or neither."))
        else:
            latitude = _coordinate(raw_lat, "lat", 90, problems)
            longitude = _coordinate(raw_long, "long", 180, problems)
    address = _param(params, "address_string")
    if not address and latitude is not None and longitude is not None:
        address = f"{latitude}, {longitude}"
    if not address and not (raw_lat or raw_long):
        problems.append(_("A location is required: address_string, or lat and long."))
    if len(address) > 300:
        problems.append(_("address_string is longer than 300 characters."))

    text = _param(params, "description")
    if not text:
        problems.append(_("description is required: what happened and what the citizen expects."))
    elif len(text) > DESCRIPTION_MAX_LENGTH:
        problems.append(_("description is longer than 4000 characters."))
    media_url = _param(params, "media_url")
    if media_url:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            problems.append(_("media_url is not a web address."))
        else:
            text = f"{text}\n\n{media_url}"

    email = _param(params, "email").lower()
    try:
        validate_email(email)
        if is_offline_email(email):
            raise ValidationError("offline")
    except ValidationError:
        problems.append(_("email is required: the citizen's address for the answer."))
    first_name, last_name = _param(params, "first_name"), _param(params, "last_name")
    if not first_name or not last_name:
        problems.append(
            _("first_name and last_name are required: an appeal needs its author's name (59-FZ).")
        )
    if len(first_name) > 100 or len(last_name) > 100:
        problems.append(_("first_name and last_name are at most 100 characters each."))
    phone = _param(params, "phone")
    if phone:
        try:
            phone_validator(phone)
        except ValidationError:
            problems.append(_("phone is not a phone number such as +7 914 123-45-67."))
    if problems:
        raise BadRequest(*problems)

    outcome = attempt(
        lambda: submit_partner_request(
            partner_key_id=api_key.pk,
            partner=api_key.partner,
            citizen_data={
                "email": email,
                "first_name": first_name,
                "last_name": last_name,
                "phone": phone,
            },
            category=category,
            municipality=municipality,
            address=address,
            text=text,
            latitude=latitude,
            longitude=longitude,
        )
    )
    if not outcome.ok:
        raise BadRequest(outcome.message) from outcome.error
    appeal = outcome.value
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": appeal.number,
                "service_notice": _(
                    "On moderation: registered within 3 days. %(term)s from registration."
                )
                % {"term": _notice(category)},
            }
        ],
        status=201,
    )
