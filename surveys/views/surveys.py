"""Residents' pages of polls and votes: the lists, taking part, the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.charts import make_chart
from core.uploads import sniff_content_type
from organizations.selectors import request_region
from surveys import permissions, selectors, services
from surveys.errors import AlreadyTookPart, DomainError, InvalidAnswers
from surveys.forms import SubscriptionForm, parse_answers
from surveys.models import Question, Survey


@require_GET
def survey_list(request):
    lists = selectors.consultations_for(
        model=Survey, user=request.user, region=request_region(request)
    )
    return render(
        request,
        "surveys/list.html",
        {**lists, "is_organizer": permissions.is_organizer(request.user)},
    )


def _detail_context(request, survey: Survey, *, errors=None, answers=None) -> dict:
    user = request.user
    refusal = selectors.participation_refusal(user=user, survey=survey)
    return {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "refusal": refusal,
        "responded": selectors.has_responded(user=user, survey=survey),
        "errors": errors or {},
        "answers": answers or {},
        "results_visible": selectors.results_visible(user=user, survey=survey),
        "can_manage": permissions.can_manage(user, survey) if user.is_authenticated else False,
    }


@require_GET
def survey_detail(request, pk: int):
    survey = selectors.get_survey(user=request.user, pk=pk)
    return render(request, "surveys/detail.html", _detail_context(request, survey))


@login_required
@require_POST
def respond(request, pk: int):
    survey = selectors.get_survey(user=request.user, pk=pk)
    answers = parse_answers(survey, request.POST)
    try:
        services.submit_response(citizen=request.user, survey_id=survey.pk, answers=answers)
    except AlreadyTookPart as error:
        messages.info(request, str(error.message))
        return redirect(survey)
    except InvalidAnswers as error:
        context = _detail_context(request, survey, errors=error.errors, answers=answers)
        return render(request, "surveys/detail.html", context, status=400)
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect(survey)
    if survey.kind == Survey.Kind.VOTE:
        messages.success(
            request, _("Your vote is counted. The results will be published after the vote closes.")
        )
    else:
        messages.success(request, _("Thank you: your answers are recorded."))
    return redirect(survey)


def results_context(*, user, survey: Survey) -> dict:
    """Charts with data tables, or why the results are not shown yet."""
    if not selectors.results_visible(user=user, survey=survey):
        return {"survey": survey, "hidden": True}
    data = selectors.tally(survey=survey)
    blocks = []
    for row in data["questions"]:
        question = row["question"]
        chart = None
        if row["counts"]:
            chart = make_chart(
                dom_id=f"question-{question.pk}",
                title=question.text,
                kind="bar",
                labels=[label for label, _count in row["counts"]],
                series=[(_("Answers"), [count for _label, count in row["counts"]])],
                label_header=_("Scale value")
                if question.kind == Question.Kind.SCALE
                else _("Option"),
                horizontal=True,
            )
        blocks.append({**row, "chart": chart})
    return {
        "survey": survey,
        "hidden": False,
        "responses": data["responses"],
        "blocks": blocks,
        "can_manage": permissions.can_manage(user, survey) if user.is_authenticated else False,
    }


@require_GET
def results(request, pk: int):
    survey = selectors.get_survey(user=request.user, pk=pk)
    return render(
        request, "surveys/results.html", results_context(user=request.user, survey=survey)
    )


def _image_response(field) -> FileResponse:
    if not field:
        raise Http404
    handle = field.open("rb")
    content_type = sniff_content_type(handle.read(16)) or "application/octet-stream"
    handle.seek(0)
    if not content_type.startswith("image/"):
        raise Http404
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def survey_image(request, pk: int):
    return _image_response(selectors.get_survey(user=request.user, pk=pk).image)


@require_GET
def option_image(request, pk: int, option_id: int):
    survey = selectors.get_survey(user=request.user, pk=pk)
    for question in survey.questions.all():
        for option in question.options.all():
            if option.pk == option_id:
                return _image_response(option.image)
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def subscription(request):
    """Opt-in notifications about new consultations and discussion reports."""
    current = selectors.subscription_of(user=request.user)
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        if form.is_valid():
            services.update_subscription(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your notification settings are saved."))
            return redirect("surveys:subscription")
    else:
        form = SubscriptionForm(
            initial={
                "new_in_municipality": current.new_in_municipality,
                "discussion_reports": current.discussion_reports,
            }
        )
    return render(
        request,
        "surveys/subscription.html",
        {"form": form, "municipality": request.user.municipality},
    )
