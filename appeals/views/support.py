"""«Присоединиться»: join or leave a public problem, rate its answer as a supporter, and the filing
form's suggestion of known problems nearby."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_ratelimit.decorators import ratelimit

from appeals.limits import SUPPORT_RATE_GROUP, support_rate
from appeals.selectors import support as support_selectors
from appeals.services import support as support_services
from core.actions import attempt
from core.input import parse_pk, safe_next
from organizations.models import Category

CABINET_SUPPORTED = "appeals:list"


def _next(request) -> str:
    return safe_next(request, request.POST.get("next"), reverse(CABINET_SUPPORTED))


def _answer(request, number: str, *, ok: bool, message: str):
    """htmx: the refreshed count and button in place; a plain POST: back to `next`."""
    if request.htmx:
        problem = support_selectors.get_public_problem(number=number, user=request.user)
        return render(
            request,
            "appeals/includes/support.html",
            {"problem": problem, "next": _next(request), "message": message, "failed": not ok},
            status=200 if ok else 400,
        )
    (messages.success if ok else messages.error)(request, message)
    return redirect(_next(request))


def _change(request, number: str, call, success: str):
    if not request.user.is_authenticated:
        return redirect_to_login(_next(request))
    problem = support_selectors.get_public_problem(number=number)
    if getattr(request, "limited", False):
        message = _("Too many joins in a short time. Please try again later.")
        response = _answer(request, number, ok=False, message=message)
        if request.htmx:  # a plain POST is redirected back, with the message
            response.status_code = 429
        return response
    outcome = attempt(lambda: call(problem))
    return _answer(
        request, number, ok=outcome.ok, message=success if outcome.ok else outcome.message
    )


@require_POST
@ratelimit(
    group=SUPPORT_RATE_GROUP, key="user_or_ip", rate=support_rate, method="POST", block=False
)
@vary_on_headers("HX-Request")
def join(request, number: str):
    return _change(
        request,
        number,
        lambda problem: support_services.join_problem(citizen=request.user, appeal_id=problem.pk),
        _("You have joined the problem %(number)s. You will be told when it is answered.")
        % {"number": number},
    )


@require_POST
@ratelimit(
    group=SUPPORT_RATE_GROUP, key="user_or_ip", rate=support_rate, method="POST", block=False
)
@vary_on_headers("HX-Request")
def leave(request, number: str):
    return _change(
        request,
        number,
        lambda problem: support_services.leave_problem(citizen=request.user, appeal_id=problem.pk),
        _("You no longer support the problem %(number)s.") % {"number": number},
    )


@login_required
@require_POST
def rate(request, number: str):
    """A supporter's rating of the answer (from the cabinet)."""
    score = parse_pk(request.POST.get("score"))
    outcome = attempt(
        lambda: support_services.rate_as_supporter(
            citizen=request.user, appeal_id=_supported_appeal_id(request, number), score=score or 0
        )
    )
    if outcome.ok:
        messages.success(request, _("Thank you for your rating."))
    else:
        messages.error(request, outcome.message)
    return redirect(reverse(CABINET_SUPPORTED) + "#supported")


def _supported_appeal_id(request, number: str) -> int:
    support = support_selectors.supported_problems(user=request.user).filter(appeal__number=number)
    appeal_id = support.values_list("appeal_id", flat=True).first()
    if appeal_id is None:
        raise Http404
    return appeal_id


def _decimal(raw) -> Decimal | None:
    try:
        value = Decimal((raw or "").strip().replace(",", "."))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def nearby_for(request, *, category, municipality_id, latitude=None, longitude=None) -> list:
    """The known public problems to offer on the filing form (also used after a failed submit)."""
    if category is None:
        return []
    return support_selectors.nearby_public_problems(
        category=category,
        latitude=latitude,
        longitude=longitude,
        municipality_id=municipality_id,
        user=request.user,
    )


@login_required
@require_GET
def nearby(request):
    """htmx: «Эта проблема уже известна — присоединиться?» for the category and place chosen."""
    category_id = parse_pk(request.GET.get("category"))
    category = (
        Category.objects.filter(pk=category_id, parent__isnull=False).first()
        if category_id is not None
        else None
    )
    rows = nearby_for(
        request,
        category=category,
        municipality_id=parse_pk(request.GET.get("municipality")),
        latitude=_decimal(request.GET.get("latitude")),
        longitude=_decimal(request.GET.get("longitude")),
    )
    return render(
        request,
        "appeals/includes/nearby.html",
        {"nearby": rows, "next": reverse("appeals:new")},
    )
