"""Every URL pattern, walked with malformed input as anonymous and as every role: no 5xx.

The URLs come from `django.urls.get_resolver()`; path converters are filled with real objects made
by the `world` fixture (its `values`). `test_every_url_pattern_is_walked` fails for a pattern the
walk cannot fill or does not reach: when you add a view, add a value for its converter there.

The corpus: non-ASCII digits ('²', '٣'), dates out of range (0001-01-01, 9999-12-31), numbers
beyond bigint, a bare-word `next`, very long values, NUL, invalid UTF-8,
duplicated fields, malformed path segments, wrong HTTP methods and broken JSON/XML bodies. The
field names are the ones the views read plus every `name="..."` of the forms the walk has seen.
"""

import itertools
import re
from dataclasses import dataclass, field

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import RegexPattern, RoutePattern

from answers.models import PublishedAnswer
from appeals.models import AnswerTemplate, Appeal, DocumentRequest, Incident, MaterialsRequest
from organizations.models import Official
from tests.appeals.factories import make_appeal
from tests.citizen_api.tokens import demo_app_token
from tests.organizations.factories import (
    CategoryFactory,
    MunicipalityFactory,
    RoutingRuleFactory,
)
from tests.outages.factories import OutageFactory
from tests.surveys.factories import CommentFactory, DiscussionFactory, SectionFactory, make_survey

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

ROLES = ["anonymous", "citizen", "executor", "head", "moderator", "analyst", "platform_admin"]

# What the views read from GET and POST (grep request.GET / request.POST and the forms): every one
# gets every malformed value at once; the names of the forms on the pages are added as seen.
KEYS = [
    *("page", "page_size", "q", "tab", "sort", "category", "municipality", "executor"),
    *("received_from", "received_to", "template", "org_q", "section", "text", "done", "next"),
    *("embed", "preset", "start", "end", "organization", "series", "all_organizations", "mode"),
    *("sort_m", "sort_c", "sort_o", "status", "service_code", "service_request_id"),
    *("start_date", "end_date", "jurisdiction_id", "appeal", "notification", "remove_draft"),
    *("idempotency_key", "all", "comment", "reason", "days", "rating", "solved", "language"),
    *("documents", "body_name", "organization_inn", "question", "file"),
    *("addressee", "show_addressees", "copies", "official", "membership", "order", "list"),
]


def _period(first: str, last: str, offset: str) -> dict:
    """A period of every date filter of the platform: the forms' dates and Open311's datetimes."""
    return {
        "preset": "custom",
        **{"received_from": first, "received_to": last, "start": first, "end": last},
        **{"start_date": f"{first}T00:00:00{offset}", "end_date": f"{last}T23:59:59{offset}"},
        **{"opens_at": f"{first}T00:00", "closes_at": f"{last}T23:59", "expires_at": last},
    }


FAR = "9999-12-31"
# Dates out of range, far back and far ahead, as a whole period each (so no "give both dates").
DATES = [_period("0001-01-01", "0001-01-31", "Z"), _period("9999-12-01", FAR, "+12:00")]
# '²' and '٣' are digits to str.isdigit(); 25 nines overflow a bigint; "back" is a bare-word next.
VALUES = ("²", "9" * 25)
POST_VALUES = ("²", "9" * 25, "x" * 5000)
PATH_VALUES = ("9" * 25, "x" * 300)
NAME = re.compile(r'\bname="([^"]{1,80})"')


@dataclass
class World:
    appeal: Appeal
    submitted: Appeal
    users: dict
    values: dict
    seen_names: set = field(default_factory=set)


@pytest.fixture
def world(region, organization, citizen, executor, head, moderator, analyst, platform_admin):
    municipality = MunicipalityFactory(region=region)
    category = CategoryFactory(parent__name="Дороги", name="Ямы на дорогах")
    RoutingRuleFactory(
        category=category, municipality=municipality, organization=organization, region=region
    )
    citizen.municipality = municipality
    citizen.postal_address = "г. Петропавловск-Камчатский, ул. Ленинская, д. 1"
    citizen.save()
    common = {"category": category, "municipality": municipality, "region": region}
    appeal = make_appeal(
        Appeal.Status.IN_PROGRESS,
        organization=organization,
        executor=executor,
        citizen=citizen,
        **common,
    )
    submitted = make_appeal(Appeal.Status.SUBMITTED, citizen=citizen, **common)
    incident = Incident.objects.create(
        region=region, organization=organization, title="Прорыв теплотрассы"
    )
    Appeal.objects.filter(pk=appeal.pk).update(incident=incident)
    # A collective appeal waiting for registration: its join link leads to a real page.
    Appeal.objects.filter(pk=submitted.pk).update(collective_token="walk-collective-token")
    template = AnswerTemplate.objects.create(
        organization=organization, title="Снег", text="Уважаемый {citizen_name}!"
    )
    materials_request = MaterialsRequest.objects.create(appeal=appeal, citizen=citizen)
    document_request = DocumentRequest.objects.create(
        appeal=appeal,
        body_name="Росреестр",
        question="Выписка ЕГРН",
        sent_at=appeal.registered_at,
        due_at=appeal.due_at,
    )
    outage = OutageFactory(organization=organization, municipality=municipality)
    published = PublishedAnswer.objects.create(
        organization=organization, title="Снег", question="Когда вывезут снег?", answer="Завтра."
    )
    official = Official.objects.create(
        organization=organization, name="Иванов Иван Иванович", position="глава"
    )
    survey = make_survey(organization=organization)
    question = survey.questions.get()
    discussion = DiscussionFactory(organization=organization)
    section = SectionFactory(discussion=discussion)
    comment = CommentFactory(discussion=discussion)
    values = {
        "number": [appeal.number],
        "slug": [organization.slug],
        "template_id": [template.pk],
        "official_id": [official.pk],
        "attachment_id": [1],
        "answer_id": [1],
        "incident_id": [incident.pk],
        "request_id": [materials_request.pk],
        "document_request_id": [document_request.pk],
        "outage_id": [outage.pk],
        "published_id": [published.pk],
        "question_id": [question.pk],
        "option_id": [question.options.first().pk],
        "comment_id": [comment.pk],
        "section_id": [section.pk],
        "code": [category.slug],
        "category_id": [category.pk],
        "token": ["abc", "walk-collective-token"],
        "key": ["abc"],
        "uidb36": ["1"],
        "provider_id": ["oidc"],
        "object_id": [str(appeal.pk)],
        "content_type_id": [1],
        "id": [citizen.pk],
        "url": ["appeals/no-such/"],
        "survey": survey.pk,
        "discussion": discussion.pk,
        "submitted": submitted.number,
    }
    users = {
        "citizen": citizen,
        "executor": executor,
        "head": head,
        "moderator": moderator,
        "analyst": analyst,
        "platform_admin": platform_admin,
    }
    return World(appeal, submitted, users, values)


# --- the URL patterns --------------------------------------------------------------------------


def endpoints(resolver=None, prefix=()):
    """Every URL pattern as the tuple of patterns from the root to it."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from endpoints(pattern, (*prefix, pattern))
        elif isinstance(pattern, URLPattern):
            yield (*prefix, pattern)


def route_of(chain) -> str:
    """The route string Django's ResolverMatch.route gives for this chain of patterns."""
    route = ""
    for pattern in chain:
        part = str(pattern.pattern)
        route = part if not route else route + part.removeprefix("^")
    return route


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>(?:[^()]|\([^()]*\))*)\)")


def fill(chain, values: dict) -> list[tuple[str, dict]]:
    """Concrete URLs for the chain, each with the value it put in every converter."""
    route = route_of(chain)
    names = []
    for pattern in chain:
        if isinstance(pattern.pattern, RoutePattern):
            names += [m["name"] for m in ROUTE_PARAM.finditer(str(pattern.pattern))]
        elif isinstance(pattern.pattern, RegexPattern):
            names += [m["name"] for m in REGEX_GROUP.finditer(str(pattern.pattern))]
    choices = [_choices(name, route, values) for name in names]
    return [
        _build(chain, dict(zip(names, combo, strict=True))) for combo in itertools.product(*choices)
    ]


def _choices(name: str, route: str, values: dict) -> list:
    if name == "pk":
        return [values["discussion"] if route.startswith("discussions/") else values["survey"]]
    if name == "number" and route.startswith("moderation/"):
        return [values["submitted"]]
    if name == "fmt":
        return ["csv", "xlsx"] if route.startswith("analytics/") else ["json", "xml"]
    if name == "table":
        return ["headline", "series"]
    if name == "app_label":
        return ["appeals"]
    if name not in values:
        raise LookupError(f"no value for <{name}> in {route!r}: add one to world.values")
    return values[name]


def _build(chain, kwargs: dict) -> tuple[str, dict]:
    url = "/"
    for pattern in chain:
        text = str(pattern.pattern)
        if isinstance(pattern.pattern, RoutePattern):
            text = ROUTE_PARAM.sub(lambda m: str(kwargs[m["name"]]), text)
        else:
            text = REGEX_GROUP.sub(lambda m: str(kwargs[m["name"]]), text)
            text = text.removeprefix("^").removesuffix("$").removesuffix(r"\Z").replace("\\", "")
        url += text
    return url, kwargs


def walk_plan(world) -> list[tuple[tuple, str, dict]]:
    """(chain, url, converter values) for every pattern: the URLs the walk requests."""
    plan = []
    for chain in endpoints():
        for url, kwargs in fill(chain, world.values):
            plan.append((chain, url, kwargs))
    return plan


# --- the walk ----------------------------------------------------------------------------------


@dataclass
class Walk:
    world: World
    failures: list = field(default_factory=list)
    requests: int = 0

    def send(self, client, role, method, url, data=None, **extra):
        self.requests += 1
        response = getattr(client, method)(url, data, **extra)
        if response.status_code >= 500:
            sample = (
                sorted({str(v)[:20] for v in (data or {}).values()})
                if isinstance(data, dict)
                else data
            )
            self.failures.append(
                f"{role} {method.upper()} {url[:120]} {sample!r:.120}: {response.status_code}"
            )
        elif response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            self.world.seen_names.update(NAME.findall(response.content.decode(errors="replace")))
        return response

    @staticmethod
    def reachable(response) -> bool:
        if response.status_code in (401, 403, 404):
            return False
        location = response.get("Location", "")
        return not (
            response.status_code == 302
            and ("/accounts/login/" in location or "/login/?" in location)
        )

    def light(self, client, role, url):
        """An admin page of ours: every field and filter at once (admin pages are slow)."""
        keys = sorted({*KEYS, *self.world.seen_names})
        self.send(client, role, "get", url, dict.fromkeys(keys, "²"))
        self.send(client, role, "get", url, DATES[1])
        self.send(client, role, "post", url, {**dict.fromkeys(keys, "²"), "next": "back"})

    def full(self, client, role, chain, url, kwargs, *, get: bool):
        keys = sorted({*KEYS, *self.world.seen_names})
        post = self.send(client, role, "post", url, dict.fromkeys(keys, "²")).status_code != 405
        if get:
            for value in VALUES:
                self.send(client, role, "get", url, {**dict.fromkeys(KEYS, value), "next": "back"})
            for dates in DATES:  # alone: another field in error would hide them
                self.send(client, role, "get", url, dates)
            self.send(client, role, "get", url, {key: ["1", "²", FAR] for key in KEYS})
            # Refused by the middleware before any view: one request proves the 400 is everywhere.
            self.send(client, role, "get", url, dict.fromkeys(KEYS, "a\x00b"))
            self.send(client, role, "get", url + "?q=%FF%FE")
        if post:
            for value in POST_VALUES[1:]:
                self.send(client, role, "post", url, {**dict.fromkeys(keys, value), "next": "back"})
            self.send(client, role, "post", url, DATES[1])
            self.send(client, role, "post", url, {key: ["1", "²", FAR] for key in keys})
            self.send(client, role, "post", url, {"text": "a\x00b", "q\x01": "1"})
            self.send(client, role, "post", url, "{not json", content_type="application/json")
            if "open311/" in url:
                self.send(client, role, "post", url, "<a><b></a>", content_type="text/xml")
                self.send(
                    client,
                    role,
                    "post",
                    url,
                    "text=%FF%FE&q=1",
                    content_type="application/x-www-form-urlencoded",
                )
        self.send(client, role, "delete", url)
        method = "get" if get else "post"
        for name in kwargs:
            for value in PATH_VALUES:
                self.send(client, role, method, _build(chain, {**kwargs, name: value})[0])
        self.send(client, role, method, url.rstrip("/") + "%00/")


OUR_APPS = {
    "accounts",
    "appeals",
    "organizations",
    "surveys",
    "partners",
    "analytics",
    "reporting",
    "outages",
    "answers",
    "quality",
}


def ours(chain) -> bool:
    """Our views (the admin's and allauth's are Django's and allauth's, tested there)."""
    module = getattr(chain[-1].callback, "__module__", "") or ""
    return not module.startswith(("allauth.", "django."))


def our_admin_form(chain) -> bool:
    """A change list or form of one of our ModelAdmins (our filters, searches and widgets)."""
    pattern = chain[-1]
    model_admin = getattr(pattern.callback, "model_admin", None)
    return (
        model_admin is not None
        and model_admin.model._meta.app_label in OUR_APPS
        and (pattern.name or "").endswith(("_changelist", "_add", "_change"))
    )


def run_walk(world, roles, *, routes, full_per_url: int = 1):
    """Every URL as every role. The full corpus goes to the first `full_per_url` roles that get
    in (anonymous first: the public pages) on our views, a lighter one on our admin pages."""
    walk = Walk(world)
    plan = [step for step in walk_plan(world) if routes(route_of(step[0]))]
    fully = {}
    first_url = {}  # a pattern filled several ways (json and xml) gets the full corpus once
    for chain, url, _kwargs in plan:
        first_url.setdefault(route_of(chain), url)
    for role in roles:
        client = Client(raise_request_exception=False)
        if role != "anonymous":
            # The citizen API (/api/v1/) takes a bearer token, not the session: every signed-in
            # role carries one of the mobile app, so the corpus reaches those views too.
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {demo_app_token(world.users[role])}"
        signed_in = False
        for chain, url, kwargs in plan:
            route = route_of(chain)
            if role != "anonymous" and not signed_in:
                client.force_login(world.users[role])
            # The corpus posts to the logout and password views too: sign in again after them.
            signed_in = not route.startswith(("accounts/", "admin/logout/", "admin/password"))
            # The same malformed corpus, once for the role that gets in first: the baseline
            # request checks every role's way in (and its refusal) on every URL.
            baseline = walk.send(client, role, "get", url, {"page": "²", "next": "back"})
            if not walk.reachable(baseline) or first_url[route] != url:
                continue
            if fully.get(route, 0) >= full_per_url:
                continue
            if our_admin_form(chain):
                fully[route] = fully.get(route, 0) + 1
                walk.light(client, role, url)
            elif ours(chain):
                fully[route] = fully.get(route, 0) + 1
                walk.full(client, role, chain, url, kwargs, get=baseline.status_code != 405)
    return walk


def not_admin(route: str) -> bool:
    return not route.startswith("admin/")


def test_no_url_answers_5xx_to_malformed_input(world):
    walk = run_walk(world, ROLES, routes=not_admin)
    assert walk.failures == [], "\n".join(walk.failures)


def test_no_admin_url_answers_5xx_to_malformed_input(world):
    # Only the platform admin gets past the admin's login; the others see the login redirect.
    walk = run_walk(
        world, ["anonymous", "platform_admin"], routes=lambda route: not not_admin(route)
    )
    assert walk.failures == [], "\n".join(walk.failures)


def test_every_url_pattern_is_walked(world):
    """A new URL pattern fails here until the walk can fill its converters and reaches it."""
    missing = []
    for chain in endpoints():
        route = route_of(chain)
        try:
            urls = fill(chain, world.values)
        except LookupError as error:
            missing.append(str(error))
            continue
        for url, _kwargs in urls:
            try:
                match = resolve(url)
            except Resolver404:
                match = None
            if match is None or match.route != route:
                missing.append(f"{url} does not resolve to {route!r}")
    assert missing == [], "\n".join(missing)
    assert len(list(endpoints())) > 100  # the walk really found the project's URLs
