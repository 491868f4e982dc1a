"""Organizers' pages of polls and votes: prepare, preview, publish, export the results."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import attempt, done, report_outcome, run_form
from core.decorators import role_required
from organizations.selectors import request_region
from surveys import exports, permissions, selectors, services
from surveys.forms import OptionForm, QuestionForm, SurveyForm
from surveys.models import Option, Question, Survey

organizer_required = role_required(permissions.is_organizer)


@organizer_required
@require_GET
def manage_list(request):
    return render(
        request,
        "surveys/manage_list.html",
        {"surveys": selectors.managed(model=Survey, user=request.user)},
    )


def _survey_form(request, *, data=None, files=None, initial=None, prefix=None):
    return SurveyForm(
        data,
        files,
        user=request.user,
        region=request_region(request),
        initial=initial,
        prefix=prefix,
    )


def _settings(form) -> dict:
    data = form.cleaned_data
    return {
        key: data[key]
        for key in (
            "title",
            "description",
            "audience",
            "opens_at",
            "closes_at",
            "eligibility",
            "is_anonymous",
            "results_visibility",
        )
    }


@organizer_required
@require_http_methods(["GET", "POST"])
def survey_new(request):
    form = _survey_form(request, data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.create_survey(
                actor=request.user,
                organization=data["organization"],
                kind=data["kind"],
                municipalities=list(data["municipalities"]),
                image=data["image"] or None,
                **_settings(form),
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(request, _("The draft is saved. Add the questions, then publish."))
            return redirect("surveys:manage", pk=outcome.value.pk)
    return render(
        request, "surveys/survey_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _edit_context(request, survey, **forms) -> dict:
    initial = {
        field: getattr(survey, field)
        for field in (
            "title",
            "description",
            "audience",
            "opens_at",
            "closes_at",
            "eligibility",
            "is_anonymous",
            "results_visibility",
            "kind",
        )
    }
    initial.update(
        organization=survey.organization_id, municipalities=list(survey.municipalities.all())
    )
    settings_form = forms.get("settings_form") or _survey_form(
        request, initial=initial, prefix="settings"
    )
    settings_form.fields["organization"].disabled = True
    settings_form.fields["kind"].disabled = True
    return {
        "survey": survey,
        "questions": list(survey.questions.all()),
        "frozen": survey.responses.exists(),
        "settings_form": settings_form,
        "question_form": forms.get("question_form") or QuestionForm(prefix="question"),
        "option_form": forms.get("option_form"),
        "option_question": forms.get("option_question"),
        "responses": survey.responses.count(),
        "results_visible": selectors.results_visible(user=request.user, survey=survey),
    }


@organizer_required
@require_http_methods(["GET", "POST"])
def survey_manage(request, pk: int):
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "surveys/manage.html", _edit_context(request, survey))
    form = _survey_form(
        request,
        data=request.POST,
        files=request.FILES,
        prefix="settings",
        initial={"organization": survey.organization_id, "kind": survey.kind},
    )
    form.fields["organization"].disabled = True
    form.fields["kind"].disabled = True
    return run_form(
        request,
        form,
        action=lambda data: services.update_survey(
            actor=request.user,
            survey_id=survey.pk,
            municipalities=list(data["municipalities"]),
            image=data["image"] or None,
            **_settings(form),
        ),
        success=lambda _result: done(
            request, _("The settings are saved."), "surveys:manage", pk=survey.pk
        ),
        template="surveys/manage.html",
        context=lambda form: _edit_context(request, survey, settings_form=form),
    )


@organizer_required
@require_POST
def question_add(request, pk: int):
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    return run_form(
        request,
        QuestionForm(request.POST, prefix="question"),
        action=lambda data: services.add_question(
            actor=request.user,
            survey_id=survey.pk,
            text=data["text"],
            kind=data["kind"],
            help_text=data["help_text"],
            is_required=data["is_required"],
            max_choices=data["max_choices"],
            scale_min=data["scale_min"],
            scale_max=data["scale_max"],
            options=data.get("option_lines", []),
        ),
        success=lambda _result: done(
            request, _("The question is added."), "surveys:manage", pk=survey.pk
        ),
        template="surveys/manage.html",
        context=lambda form: _edit_context(request, survey, question_form=form),
    )


def _question_of(request, pk: int, question_id: int) -> tuple[Survey, Question]:
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    return survey, get_object_or_404(Question, pk=question_id, survey=survey)


@organizer_required
@require_POST
def question_delete(request, pk: int, question_id: int):
    survey, question = _question_of(request, pk, question_id)
    report_outcome(
        request,
        lambda: services.delete_question(actor=request.user, question_id=question.pk),
        success=_("The question is deleted."),
    )
    return redirect("surveys:manage", pk=survey.pk)


@organizer_required
@require_POST
def option_add(request, pk: int, question_id: int):
    survey, question = _question_of(request, pk, question_id)
    return run_form(
        request,
        OptionForm(request.POST, request.FILES),
        action=lambda data: services.add_option(
            actor=request.user,
            question_id=question.pk,
            text=data["text"],
            description=data["description"],
            image=data["image"] or None,
            image_alt=data["image_alt"],
        ),
        success=lambda _result: done(
            request, _("The option is added."), "surveys:manage", pk=survey.pk
        ),
        template="surveys/manage.html",
        context=lambda form: _edit_context(
            request, survey, option_form=form, option_question=question.pk
        ),
    )


@organizer_required
@require_POST
def option_delete(request, pk: int, option_id: int):
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    option = get_object_or_404(Option, pk=option_id, question__survey=survey)
    report_outcome(
        request,
        lambda: services.delete_option(actor=request.user, option_id=option.pk),
        success=_("The option is deleted."),
    )
    return redirect("surveys:manage", pk=survey.pk)


@organizer_required
@require_POST
def publish(request, pk: int):
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    if report_outcome(
        request,
        lambda: services.publish_survey(actor=request.user, survey_id=survey.pk),
        success=_("Published. Residents of the audience can see it now."),
    ):
        return redirect(survey)
    return redirect("surveys:manage", pk=survey.pk)


def _export(request, pk: int, fmt: str):
    survey = selectors.get_survey_for_organizer(user=request.user, pk=pk)
    if not selectors.results_visible(user=request.user, survey=survey):
        messages.error(
            request, _("The results of a vote are sealed until it closes, for organizers too.")
        )
        return redirect("surveys:manage", pk=survey.pk)
    rows = [selectors.export_header(survey=survey), *selectors.export_rows(survey=survey)]
    return (
        exports.to_csv(rows, survey=survey)
        if fmt == "csv"
        else exports.to_xlsx(rows, survey=survey)
    )


@organizer_required
@require_GET
def export_csv(request, pk: int):
    return _export(request, pk, "csv")


@organizer_required
@require_GET
def export_xlsx(request, pk: int):
    return _export(request, pk, "xlsx")
