"""The citizen's appeals through the app: file one (the site's form and service), list them, read
one with its timeline, reply to a clarification request, rate the answer, and join a public
problem («Присоединиться»). Another citizen's appeal is a 404, as on the site."""

from django.core.paginator import EmptyPage, Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from appeals import selectors, services
from appeals.forms import AppealForm, ClarificationReplyForm, RatingForm
from appeals.limits import (
    FILING_RATE_GROUP,
    SUPPORT_RATE_GROUP,
    filing_rate,
    support_rate,
)
from appeals.selectors import support as support_selectors
from appeals.services import support as support_services
from appeals.services.filing import submit_filing_form
from citizen_api.views.common import ApiError, endpoint, form_error, ok
from core.actions import attempt
from core.input import parse_int
from core.uploads import AttachmentError
from organizations.selectors import request_region

PAGE_SIZE = 20
MAX_PAGE = 100_000


def _iso(moment) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _summary(appeal) -> dict:
    return {
        "number": appeal.number,
        "url": reverse("citizen_api:appeal", args=[appeal.number]),
        "status": appeal.status,
        "status_label": str(appeal.get_status_display()),
        "category": {"id": appeal.category_id, "name": appeal.category.name},
        "municipality": {"id": appeal.municipality_id, "name": appeal.municipality.name},
        "address": appeal.address,
        "organization": str(appeal.organization) if appeal.organization_id else None,
        "submitted_at": _iso(appeal.submitted_at),
        "due_at": _iso(appeal.due_at),
        "is_public": appeal.is_public,
    }


def _event(event) -> dict:
    # The label of the citizen's page (one template for the page and the app).
    label = render_to_string("appeals/includes/event_label.html", {"event": event}).strip()
    comment = event.comment if event.comment and event.action != "rate" else ""
    return {
        "at": _iso(event.created_at),
        "action": event.action,
        "label": label,
        "status": event.to_status or None,
        "comment": comment or None,
    }


def _detail(appeal) -> dict:
    answers = list(appeal.answers.all())
    _awaiting, can_rate = selectors.citizen_rating_state(appeal=appeal, answers=answers)
    return {
        **_summary(appeal),
        "text": appeal.text,
        "files": [
            {"id": f.pk, "name": f.original_name, "content_type": f.content_type}
            for f in appeal.own_files
        ],
        "answers": [
            {
                "id": answer.pk,
                "organization": str(answer.organization),
                "text": answer.text,
                "answered_at": _iso(answer.created_at),
                "rated": hasattr(answer, "rating"),
            }
            for answer in answers
        ],
        "clarifications": [
            {"kind": m.kind, "text": m.text, "at": _iso(m.created_at)}
            for m in appeal.clarifications.all()
        ],
        "timeline": [_event(event) for event in appeal.public_events],
        "can_reply": appeal.status == appeal.Status.CLARIFICATION,
        "can_rate": can_rate,
    }


def _own(request, number: str):
    return selectors.get_appeal_for_citizen(user=request.user, number=number)


def _refusal(outcome) -> ApiError:
    return ApiError(409, outcome.message, code="refused")


@endpoint("GET", "POST")
def appeal_list(request):
    if request.method == "POST":
        return _file(request)
    raw = request.GET.get("page", "") or "1"
    number = parse_int(raw, minimum=1, maximum=MAX_PAGE)
    if number is None:
        raise ApiError(400, _("page must be a whole number from 1 to %(max)s.") % {"max": MAX_PAGE})
    paginator = Paginator(selectors.citizen_appeals(user=request.user), PAGE_SIZE)
    try:
        rows = list(paginator.page(number).object_list)
    except EmptyPage:
        rows = []
    return ok(
        {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "results": [_summary(appeal) for appeal in rows],
        }
    )


def _file(request):
    """multipart/form-data with the fields of the site's filing form (`files` repeated for
    photos, `idempotency_key` a UUID the app keeps for retries, `consent` true)."""
    if is_ratelimited(
        request,
        group=FILING_RATE_GROUP,
        key="user",
        rate=filing_rate,
        method="POST",
        increment=True,
    ):
        raise ApiError(
            429,
            _("You have filed many appeals in a short time. Please try again in an hour."),
        )
    if not request.user.has_answer_details:
        raise ApiError(
            409,
            _("Before filing an appeal, fill in your name and an address for the answer."),
            code="profile_incomplete",
        )
    region = request_region(request)
    form = AppealForm(request.POST, request.FILES, region=region, user=request.user)
    if not form.is_valid():
        raise form_error(form)
    outcome = attempt(
        lambda: submit_filing_form(citizen=request.user, data=form.cleaned_data),
        form=form,
        fields={AttachmentError: "files"},
    )
    if not outcome.ok:
        raise form_error(form)
    return ok(_detail(_own(request, outcome.value.number)), status=201)


@endpoint("GET")
def appeal_detail(request, number: str):
    return ok(_detail(_own(request, number)))


@endpoint("POST")
def reply(request, number: str):
    """multipart/form-data: `text` and optional `files`, as the site's reply form."""
    appeal = _own(request, number)
    form = ClarificationReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        raise form_error(form)
    outcome = attempt(
        lambda: services.reply_to_clarification(
            citizen=request.user,
            appeal_id=appeal.pk,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["files"],
        ),
        form=form,
        fields={AttachmentError: "files"},
    )
    if not outcome.ok:
        raise form_error(form) if form.errors.get("files") else _refusal(outcome)
    return ok(_detail(_own(request, number)))


@endpoint("POST")
def rate(request, number: str):
    """`score` 1–5, `solved` yes/no, optional `comment` (form fields, as on the site)."""
    appeal = _own(request, number)
    form = RatingForm(request.POST)
    if not form.is_valid():
        raise form_error(form)
    outcome = attempt(
        lambda: services.rate_appeal(
            citizen=request.user,
            appeal_id=appeal.pk,
            score=form.cleaned_data["score"],
            solved=form.cleaned_data["solved"],
            comment=form.cleaned_data["comment"],
        )
    )
    if not outcome.ok:
        raise _refusal(outcome)
    return ok(_detail(_own(request, number)))


@endpoint("POST", "DELETE")
def support(request, number: str):
    """POST joins the public problem («Присоединиться»), DELETE leaves it."""
    problem = support_selectors.get_public_problem(number=number)
    if is_ratelimited(
        request,
        group=SUPPORT_RATE_GROUP,
        key="user_or_ip",
        rate=support_rate,
        method=request.method,
        increment=True,
    ):
        raise ApiError(429, _("Too many joins in a short time. Please try again later."))
    if request.method == "POST":
        call = support_services.join_problem
    else:
        call = support_services.leave_problem
    outcome = attempt(lambda: call(citizen=request.user, appeal_id=problem.pk))
    if not outcome.ok:
        raise _refusal(outcome)
    problem = support_selectors.get_public_problem(number=number, user=request.user)
    return ok(
        {
            "number": problem.number,
            "supporters": problem.supporters_count,
            "supported": bool(problem.supported_by_me),
        }
    )
