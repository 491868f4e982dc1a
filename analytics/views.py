"""/analytics/ (analysts, heads, platform admins) and the public /stats/ page."""

from urllib.parse import urlencode

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from analytics import exports
from analytics.forms import DashboardForm
from analytics.labels import FIGURE_LABELS, code_labels
from analytics.periods import Period, preset_period
from analytics.scope import analytics_scope, can_view_analytics
from analytics.selectors import TABLE_LIMIT, Filters, cached_dashboard, public_stats, versioned_key
from core.charts import make_chart
from core.decorators import role_required
from core.replica import reads_from_replica
from organizations.models import Category, Municipality, Organization
from organizations.selectors import request_region

STATS_CACHE_SECONDS = 300
SORT_KEYS = (
    "name",
    "received",
    "answered",
    "on_time_share",
    "overdue_end",
    "average_rating",
    "solved_share",
    "rereview_rate",
)
# The organization table also counts the quality review's returns («доля формальных ответов»).
ORGANIZATION_SORT_KEYS = (*SORT_KEYS, "returned", "formal_share")
QUERY_KEYS = ("preset", "start", "end", "municipality", "category", "organization", "series")


def _choices(scope):
    municipalities = Municipality.objects.order_by("name")
    organizations = Organization.objects.order_by("name")
    if scope.region_ids is not None:
        municipalities = municipalities.filter(region_id__in=scope.region_ids)
        organizations = organizations.filter(region_id__in=scope.region_ids)
    if scope.organization_ids is not None:
        organizations = organizations.filter(id__in=scope.organization_ids)
    categories = Category.objects.filter(parent__isnull=False).order_by(
        "parent__position", "position", "name"
    )
    return {
        "municipalities": list(municipalities.values_list("id", "name")),
        "categories": list(categories.values_list("id", "name")),
        "organizations": [
            (pk, short or name)
            for pk, name, short in organizations.values_list("id", "name", "short_name")
        ],
    }


def _resolve(query, scope):
    """(scope, form, filters, period, series) of a query string; bad input falls back to the defaults."""
    if scope is None:
        raise PermissionDenied
    form = DashboardForm(query or None, **_choices(scope))
    today = timezone.localdate()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    preset = data.get("preset") or "12m"
    if preset == "custom" and data.get("start") and data.get("end"):
        period = Period(data["start"], data["end"])
    else:
        period = preset_period(preset if preset != "custom" else "12m", today)
    filters = Filters(
        municipality=data.get("municipality"),
        category=data.get("category"),
        organization=data.get("organization"),
    )
    return scope, form, filters, period, data.get("series") or "month", today


def _query(params: dict, **overrides) -> str:
    merged = {
        key: value for key, value in {**params, **overrides}.items() if value not in (None, "")
    }
    return urlencode(merged)


def _sorted(rows: list, key: str, keys=SORT_KEYS) -> list:
    field = key.lstrip("-")
    if field not in keys:
        field, key = "received", "-received"
    present = [r for r in rows if r[field] is not None]
    missing = [r for r in rows if r[field] is None]
    present.sort(key=lambda r: r[field], reverse=key.startswith("-"))
    return present + missing


def _sortable(
    query, params, table: str, rows: list, dimension: str, limit: int | None = None
) -> dict:
    key = query.get(f"sort_{table}", "-received")
    columns = [
        ("name", _("Name")),
        ("received", _("Received")),
        ("answered", _("Answered")),
        ("on_time_share", _("On time")),
        ("overdue_end", _("Overdue at period end")),
        ("average_rating", _("Average rating")),
        ("solved_share", _("Solved")),
        ("rereview_rate", _("Re-reviews")),
    ]
    if table == "o":
        columns += [("returned", _("Returned for rework")), ("formal_share", _("Formal answers"))]
    rows = _sorted(rows, key, ORGANIZATION_SORT_KEYS if table == "o" else SORT_KEYS)
    for row in rows:
        row["drill"] = "?" + _query(params, **{dimension: row["id"]})
    headers = []
    for field, label in columns:
        current = key.lstrip("-") == field
        descending = key.startswith("-")
        next_key = field if current and descending else f"-{field}"
        if field == "name" and not current:
            next_key = "name"
        sort = "none"
        if current:
            sort = "descending" if descending else "ascending"
        headers.append(
            {
                "label": label,
                "url": "?" + _query(params, **{f"sort_{table}": next_key}),
                "sort": sort,
            }
        )
    return {
        "rows": rows[:limit] if limit else rows,
        "count": len(rows),
        "headers": headers,
        "name": table,
    }


PAGE_CACHE_SECONDS = 900


@role_required(can_view_analytics)
@require_GET
@reads_from_replica
def home(request):
    """The dashboard. Its content is cached until the next roll-up run changes the figures: the
    same question costs one small query for the version, whatever the data."""
    scope = analytics_scope(user=request.user)
    if scope is None:
        raise PermissionDenied
    content = page_content(scope=scope, query=request.GET)
    return render(request, "analytics/dashboard.html", {"content": mark_safe(content)})  # noqa: S308 — our render


def page_content(*, scope, query) -> str:
    """The dashboard's content for `scope` and a query string, in the active language and time
    zone, from the cache when this roll-up version already rendered it (the end of a roll-up run
    renders the default view: analytics.services.warm_default_dashboards). The content depends
    on nothing else: it is rendered without the request's context processors."""
    key = versioned_key(
        "page",
        scope=scope,
        question=(sorted(query.lists()), timezone.localdate(), get_language()),
    )
    content = cache.get(key)
    if content is None:
        content = render_to_string("analytics/dashboard.html#content", _context(query, scope))
        cache.set(key, content, PAGE_CACHE_SECONDS)
    return content


def _context(query, scope) -> dict:
    scope, form, filters, period, series, today = _resolve(query, scope)
    data = cached_dashboard(scope=scope, filters=filters, period=period, today=today, series=series)
    params = {key: query.get(key) for key in QUERY_KEYS if query.get(key)}
    for table in ("m", "c", "o"):
        if query.get(f"sort_{table}"):
            params[f"sort_{table}"] = query[f"sort_{table}"]
    show_all = query.get("all_organizations") == "1"
    labels = [
        row["bucket"].strftime("%d.%m.%Y" if series == "week" else "%m.%Y")
        for row in data["timeline"]
    ]
    context = {
        "form": form,
        "data": data,
        "scope": scope,
        "today": today,
        "query": _query(params),
        "filter_query": _query({key: params[key] for key in QUERY_KEYS if key in params}),
        "municipality_table": _sortable(query, params, "m", data["municipalities"], "municipality"),
        "category_table": _sortable(query, params, "c", data["categories"], "category"),
        "organization_table": _sortable(
            query,
            params,
            "o",
            data["organizations"],
            "organization",
            None if show_all else TABLE_LIMIT,
        ),
        "league": data["league"][: None if show_all else TABLE_LIMIT],
        "show_all_query": _query(params, all_organizations="1"),
        "exports": exports.TABLES,
        "figure_labels": FIGURE_LABELS,
        "ground_labels": code_labels(),
        "series_chart": make_chart(
            dom_id="series-chart",
            title=str(_("Appeals over time")),
            kind="line",
            labels=labels,
            label_header=str(_("Period")),
            series=[
                (str(_("Received")), [r["received"] for r in data["timeline"]]),
                (str(_("Answered")), [r["answered"] for r in data["timeline"]]),
                (str(_("Answered on time")), [r["on_time"] for r in data["timeline"]]),
            ],
        ),
    }
    top = sorted(data["categories"], key=lambda r: -r["received"])[:10]
    context["category_chart"] = make_chart(
        dom_id="category-chart",
        title=str(_("Most frequent categories")),
        kind="bar",
        horizontal=True,
        labels=[r["name"] for r in top],
        label_header=str(_("Category")),
        series=[(str(_("Received")), [r["received"] for r in top])],
    )
    return context


@role_required(can_view_analytics)
@require_GET
@reads_from_replica
def export(request, table: str, fmt: str):
    if table not in exports.TABLES or fmt not in exports.FORMATS:
        raise Http404
    scope, _form, filters, period, series, today = _resolve(
        request.GET, analytics_scope(user=request.user)
    )
    data = cached_dashboard(scope=scope, filters=filters, period=period, today=today, series=series)
    header, rows = exports.table_rows(table, data, {**FIGURE_LABELS, **code_labels()})
    filename = f"analytics-{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    return exports.response(table, fmt, header, rows, filename=filename)


@require_GET
@reads_from_replica
def stats(request):
    """Public headline figures of the platform's region, cached for a few minutes."""
    region = request_region(request)
    if region is None:
        raise Http404
    today = timezone.localdate()
    key = f"analytics:stats:{region.pk}:{today.isoformat()}:{request.LANGUAGE_CODE}"
    data = cache.get(key)
    if data is None:
        data = public_stats(region_id=region.pk, today=today)
        cache.set(key, data, STATS_CACHE_SECONDS)
    top = data["top_categories"]
    chart = make_chart(
        dom_id="top-categories",
        title=str(_("What people write about most")),
        kind="bar",
        horizontal=True,
        labels=[row["name"] for row in top],
        label_header=str(_("Category")),
        series=[(str(_("Appeals")), [row["received"] for row in top])],
    )
    return render(request, "analytics/stats.html", {"region": region, "data": data, "chart": chart})
