"""Reads of published answers: the public list and search, the filing form's suggestions, the
staff's own list, and the link an answer to an appeal carries.

Search is PostgreSQL full-text search with the `russian` configuration (as for appeals) over the
generated `search` column of title, question and answer (GIN index).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, QuerySet, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from answers import permissions
from answers.models import PublishedAnswer
from core.regions import site_url
from organizations.selectors import region_code_of

SUGGESTIONS = 3
WORDS = 40
# The link an answer to an appeal carries: /answers/<id>/ (relative or on the site's address).
LINK = re.compile(r"/answers/(\d{1,12})/")


def current() -> QuerySet[PublishedAnswer]:
    return PublishedAnswer.objects.filter(withdrawn_at__isnull=True)


def search_query(text: str) -> SearchQuery | None:
    """Any of the words typed (stemmed, stop words dropped): a person describes a problem in
    their own words, so one shared notion is a match and the rank orders them. None: too little."""
    words = re.sub(r"[^\w]+", " ", text or "").split()[:WORDS]
    words = [word for word in words if len(word) > 1]
    if not words:
        return None
    return SearchQuery(" OR ".join(words), config="russian", search_type="websearch")


def _searched(rows: QuerySet[PublishedAnswer], text: str) -> QuerySet[PublishedAnswer]:
    query = search_query(text)
    if query is None:
        return rows.none()
    return (
        rows.filter(search=query)
        .annotate(rank=SearchRank(F("search"), query))
        .order_by("-rank", "-published_at", "-pk")
    )


def public_answers(
    *, region_id: int | None, text: str = "", organization_id: int | None = None
) -> QuerySet[PublishedAnswer]:
    """Published (not withdrawn) answers of the region's organizations, newest first, or the best
    matches of `text` first."""
    rows = current().filter(organization__region_id=region_id)
    if organization_id is not None:
        rows = rows.filter(organization_id=organization_id)
    rows = rows.select_related("organization", "category")
    return _searched(rows, text[:1000]) if text.strip() else rows.order_by("-published_at", "-pk")


def matching_answers(*, text: str, region_id: int | None, limit: int = SUGGESTIONS) -> list:
    """The published answers the filing form suggests for the text being typed (one query)."""
    if len((text or "").strip()) < 3 or region_id is None:
        return []
    return list(public_answers(region_id=region_id, text=text)[:limit])


def get_public_answer(*, answer_id: int) -> PublishedAnswer:
    """One published answer; a withdrawn one is still shown (appeals link to it), marked so."""
    published = (
        PublishedAnswer.objects.select_related("organization", "category")
        .filter(pk=answer_id)
        .first()
    )
    if published is None:
        raise Http404
    return published


def staff_answers(*, user) -> QuerySet[PublishedAnswer]:
    return (
        PublishedAnswer.objects.filter(
            organization_id__in=permissions.publisher_organization_ids(user)
        )
        .select_related("organization")
        .order_by("-published_at", "-pk")
    )


def get_answer_for_staff(*, user, answer_id: int) -> PublishedAnswer:
    """An answer of one of the user's organizations, with its history; another one is a 404."""
    published = (
        staff_answers(user=user)
        .select_related("source_appeal", "category")
        .prefetch_related("events__actor")
        .filter(pk=answer_id)
        .first()
    )
    if published is None:
        raise Http404
    return published


def for_appeal(*, appeal, limit: int = 20) -> list[PublishedAnswer]:
    """The organization's published answers a staff member may link an answer to: those matching
    the appeal's text first, then the newest others."""
    rows = current().filter(organization_id=appeal.organization_id)
    matching = list(_searched(rows, appeal.text[:1000])[:limit])
    for row in matching:
        row.matches = True
    others = list(
        rows.exclude(pk__in=[row.pk for row in matching]).order_by("-published_at", "-pk")[
            : max(limit - len(matching), 0)
        ]
    )
    return matching + others


def absolute_url(published: PublishedAnswer) -> str:
    code = region_code_of(region_id=published.organization.region_id)
    return f"{site_url(region_code=code)}{published.get_absolute_url()}"


def link_text(*, published: PublishedAnswer) -> str:
    """What an answer to an appeal on the same question says: the published answer and its link."""
    return _(
        "Your question concerns many residents: the organization has published an answer to it, "
        "«%(title)s»: %(url)s\n\n%(answer)s"
    ) % {"title": published.title, "url": absolute_url(published), "answer": published.answer}


def linked_answer_data(*, text: str, appeal_id: int) -> dict:
    """{"published_answer": id} when the text of an answer to the appeal links to a published
    answer of the appeal's organization (recorded in the answer's Event); {} otherwise, and then
    without a query."""
    from appeals.models import Appeal

    ids = [int(pk) for pk in LINK.findall(text or "")]
    if not ids:
        return {}
    organization = Appeal.objects.filter(pk=appeal_id).values("organization_id")
    found = (
        PublishedAnswer.objects.filter(pk__in=ids, organization_id=Subquery(organization))
        .values_list("pk", flat=True)
        .first()
    )
    return {"published_answer": found} if found is not None else {}
