"""Residents' pages of public discussions, and the moderators' queue of comments."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.actions import attempt, report_outcome
from core.decorators import role_required
from organizations.selectors import request_region
from surveys import permissions, selectors, services
from surveys.errors import DomainError
from surveys.forms import CommentForm, ComplaintForm, ModerationForm, ReactionForm
from surveys.models import Comment, Discussion


@require_GET
def discussion_list(request):
    lists = selectors.consultations_for(
        model=Discussion, user=request.user, region=request_region(request)
    )
    return render(
        request,
        "discussions/list.html",
        {
            **lists,
            "is_organizer": permissions.is_organizer(request.user),
            "is_moderator": permissions.is_comment_moderator(request.user),
        },
    )


def _detail_context(request, discussion: Discussion, *, comment_form=None) -> dict:
    sections, general = selectors.sections_with_comments(user=request.user, discussion=discussion)
    user = request.user
    return {
        "discussion": discussion,
        "sections": sections,
        "general_comments": general,
        "comment_form": comment_form,
        # Where the form that came back with an error sits: a reply, a section or the whole document.
        "error_parent": comment_form and comment_form.cleaned_data.get("parent"),
        "error_section": comment_form and (comment_form.cleaned_data.get("section") or "general"),
        "can_comment": discussion.is_open and user.is_authenticated,
        "can_manage": user.is_authenticated and permissions.can_manage(user, discussion),
    }


@require_GET
def discussion_detail(request, pk: int):
    discussion = selectors.get_discussion(user=request.user, pk=pk)
    return render(request, "discussions/detail.html", _detail_context(request, discussion))


def _anchor(discussion, comment=None, section_id=None) -> str:
    url = reverse("discussions:detail", args=[discussion.pk])
    if comment is not None:
        return f"{url}#comment-{comment.pk}"
    return f"{url}#section-{section_id}" if section_id else f"{url}#general"


@login_required
@require_POST
def comment(request, pk: int):
    discussion = selectors.get_discussion(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: services.post_comment(
                author=request.user,
                discussion_id=discussion.pk,
                text=data["text"],
                section_id=data["section"],
                parent_id=data["parent"],
            ),
            form=form,
            field="text",
        )
        if outcome.ok:
            created = outcome.value
            if created.status == Comment.Status.PENDING:
                messages.info(
                    request, _("Thank you. Your comment will appear after a moderator checks it.")
                )
            else:
                messages.success(request, _("Your comment is published."))
            return redirect(_anchor(discussion, created))
    context = _detail_context(request, discussion, comment_form=form)
    return render(request, "discussions/detail.html", context, status=400)


def _comment_of(request, pk: int, comment_id: int) -> tuple[Discussion, Comment]:
    discussion = selectors.get_discussion(user=request.user, pk=pk)
    return discussion, get_object_or_404(
        Comment, pk=comment_id, discussion=discussion, status=Comment.Status.PUBLISHED
    )


@login_required
@require_POST
def react(request, pk: int, comment_id: int):
    discussion, target = _comment_of(request, pk, comment_id)
    form = ReactionForm(request.POST)

    def react_once():
        if not form.is_valid():
            raise DomainError(_("Choose to support or to oppose."))
        services.react_to_comment(
            user=request.user, comment_id=target.pk, kind=form.cleaned_data["kind"]
        )

    report_outcome(request, react_once, success=_("Your opinion is counted."))
    return redirect(_anchor(discussion, target))


@login_required
@require_POST
def complain(request, pk: int, comment_id: int):
    discussion, target = _comment_of(request, pk, comment_id)
    form = ComplaintForm(request.POST)

    def report_once():
        if not form.is_valid():
            raise DomainError(_("Say what is wrong with the comment."))
        services.report_comment(
            user=request.user, comment_id=target.pk, reason=form.cleaned_data["reason"]
        )

    report_outcome(
        request, report_once, success=_("Thank you. The moderators will look at this comment.")
    )
    return redirect(_anchor(discussion, target))


@require_GET
def document(request, pk: int):
    discussion = selectors.get_discussion(user=request.user, pk=pk)
    if not discussion.document:
        raise Http404
    response = FileResponse(
        discussion.document.open("rb"),
        as_attachment=True,
        filename=discussion.document_name or "document",
        content_type=discussion.document_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_GET
def report(request, pk: int):
    """The public final report: every comment with the organization's decision and its reason."""
    discussion = selectors.get_discussion(user=request.user, pk=pk)
    if discussion.report_published_at is None:
        raise Http404
    comments = selectors.report_comments(discussion=discussion)
    return render(
        request, "discussions/report.html", {"discussion": discussion, "comments": comments}
    )


@role_required(permissions.is_comment_moderator)
@require_GET
def moderation_queue(request):
    page = Paginator(selectors.moderation_queue(user=request.user), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "discussions/moderation.html", {"page": page})


@role_required(permissions.is_comment_moderator)
@require_POST
def moderate(request, comment_id: int):
    target = selectors.moderation_queue(user=request.user).filter(pk=comment_id).first()
    if target is None:
        raise Http404
    form = ModerationForm(request.POST)

    def decide():
        if not form.is_valid():
            raise DomainError(_("Choose to publish or to remove."))
        services.moderate_comment(
            moderator=request.user,
            comment_id=target.pk,
            publish=form.cleaned_data["decision"] == "publish",
            reason=form.cleaned_data["reason"],
        )

    report_outcome(request, decide, success=_("The decision is saved."))
    return redirect("discussions:moderation")
