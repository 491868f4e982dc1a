"""Organizers' pages of discussions: prepare the document, publish, decide on comments, the final report."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.actions import attempt, done, report_outcome, run_form
from organizations.selectors import request_region
from surveys import selectors, services
from surveys.forms import DecisionForm, DiscussionForm, ReportSummaryForm, SectionForm
from surveys.models import Discussion, Section
from surveys.views.organizer import organizer_required

FIELDS = ("title", "description", "audience", "opens_at", "closes_at", "moderation")


@organizer_required
@require_GET
def manage_list(request):
    discussions = selectors.managed(model=Discussion, user=request.user)
    return render(request, "discussions/manage_list.html", {"discussions": discussions})


def _form(request, *, data=None, files=None, initial=None, prefix=None):
    return DiscussionForm(
        data,
        files,
        user=request.user,
        region=request_region(request),
        initial=initial,
        prefix=prefix,
    )


@organizer_required
@require_http_methods(["GET", "POST"])
def discussion_new(request):
    form = _form(request, data=request.POST or None, files=request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.create_discussion(
                actor=request.user,
                organization=data["organization"],
                municipalities=list(data["municipalities"]),
                document=data["document"] or None,
                **{key: data[key] for key in FIELDS},
            ),
            form=form,
        )
        if outcome.ok:
            messages.success(
                request, _("The draft is saved. Add the sections of the document, then publish.")
            )
            return redirect("discussions:manage", pk=outcome.value.pk)
    return render(
        request,
        "discussions/discussion_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _manage_context(request, discussion, *, settings_form=None, section_form=None) -> dict:
    if settings_form is None:
        initial = {key: getattr(discussion, key) for key in FIELDS}
        initial.update(
            organization=discussion.organization_id,
            municipalities=list(discussion.municipalities.all()),
        )
        settings_form = _form(request, initial=initial, prefix="settings")
    settings_form.fields["organization"].disabled = True
    return {
        "discussion": discussion,
        "sections": list(discussion.sections.all()),
        "frozen": discussion.comments.exists(),
        "settings_form": settings_form,
        "section_form": section_form or SectionForm(prefix="section"),
    }


@organizer_required
@require_http_methods(["GET", "POST"])
def discussion_manage(request, pk: int):
    discussion = selectors.get_discussion_for_organizer(user=request.user, pk=pk)
    if request.method == "GET":
        return render(request, "discussions/manage.html", _manage_context(request, discussion))
    form = _form(
        request,
        data=request.POST,
        files=request.FILES,
        prefix="settings",
        initial={"organization": discussion.organization_id},
    )
    form.fields["organization"].disabled = True
    return run_form(
        request,
        form,
        action=lambda data: services.update_discussion(
            actor=request.user,
            discussion_id=discussion.pk,
            municipalities=list(data["municipalities"]),
            document=data["document"] or None,
            **{key: data[key] for key in FIELDS},
        ),
        success=lambda _result: done(
            request, _("The settings are saved."), "discussions:manage", pk=discussion.pk
        ),
        template="discussions/manage.html",
        context=lambda form: _manage_context(request, discussion, settings_form=form),
    )


@organizer_required
@require_POST
def section_add(request, pk: int):
    discussion = selectors.get_discussion_for_organizer(user=request.user, pk=pk)
    return run_form(
        request,
        SectionForm(request.POST, prefix="section"),
        action=lambda data: services.add_section(
            actor=request.user, discussion_id=discussion.pk, **data
        ),
        success=lambda _result: done(
            request, _("The section is added."), "discussions:manage", pk=discussion.pk
        ),
        template="discussions/manage.html",
        context=lambda form: _manage_context(request, discussion, section_form=form),
    )


@organizer_required
@require_POST
def section_delete(request, pk: int, section_id: int):
    discussion = selectors.get_discussion_for_organizer(user=request.user, pk=pk)
    section = get_object_or_404(Section, pk=section_id, discussion=discussion)
    report_outcome(
        request,
        lambda: services.delete_section(actor=request.user, section_id=section.pk),
        success=_("The section is deleted."),
    )
    return redirect("discussions:manage", pk=discussion.pk)


@organizer_required
@require_POST
def publish(request, pk: int):
    discussion = selectors.get_discussion_for_organizer(user=request.user, pk=pk)
    if report_outcome(
        request,
        lambda: services.publish_discussion(actor=request.user, discussion_id=discussion.pk),
        success=_("Published. Residents can read the document and comment."),
    ):
        return redirect(discussion)
    return redirect("discussions:manage", pk=discussion.pk)


@organizer_required
@require_http_methods(["GET", "POST"])
def report_edit(request, pk: int):
    """Decisions on every comment, then the final report. «Save» keeps the work; «Publish» makes it public."""
    discussion = selectors.get_discussion_for_organizer(user=request.user, pk=pk)
    comments = list(selectors.report_comments(discussion=discussion))
    rows = [
        (
            comment,
            DecisionForm(
                request.POST or None,
                prefix=f"c{comment.pk}",
                initial={"decision": comment.decision, "reason": comment.decision_reason},
            ),
        )
        for comment in comments
    ]
    summary_form = ReportSummaryForm(
        request.POST or None, initial={"summary": discussion.report_summary}
    )
    errors = []
    if request.method == "POST":
        if not discussion.is_closed:
            errors.append(_("Decisions are recorded after the discussion closes."))
        for comment, form in rows if not errors else []:
            if not form.is_valid():
                continue
            decision, reason = form.cleaned_data["decision"], form.cleaned_data["reason"]
            if not decision and not reason.strip():
                continue
            if (decision, reason.strip()) == (comment.decision, comment.decision_reason):
                continue
            attempt(
                lambda comment=comment, decision=decision, reason=reason: services.decide_comment(
                    actor=request.user, comment_id=comment.pk, decision=decision, reason=reason
                ),
                form=form,
                field="reason" if decision else "decision",
            )
        if not errors and all(not form.errors for _comment, form in rows):
            if "publish" in request.POST:
                outcome = attempt(
                    lambda: services.publish_discussion_report(
                        actor=request.user,
                        discussion_id=discussion.pk,
                        summary=summary_form.data.get("summary", ""),
                    )
                )
                if not outcome.ok:
                    errors.append(outcome.message)
                else:
                    messages.success(request, _("The final report is published."))
                    return redirect("discussions:report", pk=discussion.pk)
            else:
                messages.success(request, _("The decisions are saved."))
                return redirect("discussions:report_edit", pk=discussion.pk)
    context = {
        "discussion": discussion,
        "rows": rows,
        "summary_form": summary_form,
        "errors": errors,
    }
    return render(
        request,
        "discussions/report_edit.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
