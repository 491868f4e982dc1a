"""The citizen's pages: file an appeal, follow it, answer a clarification request, rate the answer."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.decorators import ratelimit

from answers.selectors import matching_answers
from appeals import selectors, services
from appeals.attachments import (
    MAX_FILES_PER_APPEAL,
    attachment_response,
    ensure_thumbnail,
    thumbnail_response,
)
from appeals.collective_forms import RepresentativeForm
from appeals.forms import (
    AppealForm,
    ClarificationReplyForm,
    ComplaintForm,
    DocumentsForm,
    RatingForm,
    WithdrawForm,
    term_label,
)
from appeals.identification import account_assurance
from appeals.letters import letter_response
from appeals.limits import FILING_RATE_GROUP, filing_rate
from appeals.models import Appeal
from appeals.selectors import collective as collective_selectors
from appeals.selectors.support import supported_problems
from appeals.services import collective
from appeals.services.citizen import keep_reply_uploads
from appeals.services.filing import keep_draft_uploads, submit_filing_form
from appeals.views import drafts, fix_context, materials_context
from appeals.views.support import nearby_for
from core.actions import attempt
from core.compression import compress_best
from core.input import parse_pk
from core.outbox import mark_read, with_subjects
from core.uploads import AttachmentError
from organizations.models import Category
from organizations.selectors import leaf_categories, request_region
from outages.selectors import outages_for_address
from regimes.selectors import expected_regime


@login_required
@require_http_methods(["GET", "POST"])
@compress_best
@ratelimit(group=FILING_RATE_GROUP, key="user", rate=filing_rate, method="POST", block=False)
def new_appeal(request):
    """The filing form. Profile first (59-FZ needs a name and an address for the answer)."""
    if not request.user.has_answer_details:
        messages.info(
            request, _("Before filing an appeal, fill in your name and an address for the answer.")
        )
        return redirect(
            f"{reverse('accounts:profile')}?{urlencode({'next': reverse('appeals:new')})}"
        )
    region = request_region(request)
    if request.method == "GET":
        form = AppealForm(
            region=region,
            user=request.user,
            initial={"idempotency_key": uuid.uuid4(), "municipality": request.user.municipality_id},
        )
        return render(request, "appeals/new.html", {"form": form, "drafts": []})

    form = AppealForm(request.POST, request.FILES, region=region, user=request.user)
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(
            None,
            _(
                "You have filed many appeals in a short time. Please try again in an hour; your text is kept below."
            ),
        )
        return render(request, "appeals/new.html", {"form": form, "drafts": []}, status=429)
    key = drafts.draft_key(request, "idempotency_key")
    drafts.remove_ticked(request, key)
    if "find_answers" in request.POST:
        # Without JavaScript: the published answers matching the text typed so far (answers/);
        # nothing is filed, nothing is lost.
        form.is_valid()
        form.errors.clear()
        drafts.keep_good_files(
            request,
            form,
            key,
            lambda uploads: keep_draft_uploads(
                citizen=request.user, draft_key=key, uploads=uploads
            ),
        )
        suggested = matching_answers(
            text=request.POST.get("text", "")[:5000], region_id=getattr(region, "pk", None)
        )
        return render(
            request,
            "appeals/new.html",
            {
                "form": form,
                "drafts": drafts.kept(request, key),
                "published_suggestions": suggested,
                "published_checked": True,
            },
        )
    if "show_addressees" in request.POST:
        # Without JavaScript: the form comes back with the officials of the organization its
        # category, municipality and address route to; nothing is filed, nothing is lost.
        form.is_valid()
        form.errors.clear()
        drafts.keep_good_files(
            request,
            form,
            key,
            lambda uploads: keep_draft_uploads(
                citizen=request.user, draft_key=key, uploads=uploads
            ),
        )
        return render(
            request,
            "appeals/new.html",
            {"form": form, "drafts": drafts.kept(request, key), "addressees_shown": True},
        )
    if form.is_valid():
        data = form.cleaned_data
        outcome = attempt(
            lambda: submit_filing_form(citizen=request.user, data=data),
            form=form,
            fields={AttachmentError: "files"},
        )
        if outcome.ok:
            appeal = outcome.value
            messages.success(
                request,
                _("Appeal %(number)s is sent. The moderator will register it within three days.")
                % {"number": appeal.number},
            )
            if data["is_collective"]:
                # A second transaction: the appeal is filed whatever happens to the link, and
                # its page offers the link again.
                attempt(
                    lambda: collective.collect_signatures(citizen=request.user, appeal_id=appeal.pk)
                )
            return redirect(appeal)
    # Keep the files of a form that came back, so nothing the citizen gave us is lost.
    drafts.keep_good_files(
        request,
        form,
        key,
        lambda uploads: keep_draft_uploads(citizen=request.user, draft_key=key, uploads=uploads),
    )
    # Without JavaScript the known problems nearby show on the form that came back.
    data = getattr(form, "cleaned_data", {})
    municipality = data.get("municipality")
    return render(
        request,
        "appeals/new.html",
        {
            "form": form,
            "drafts": drafts.kept(request, key),
            "nearby": nearby_for(
                request,
                category=data.get("category"),
                municipality_id=getattr(municipality, "pk", None),
            ),
            # Without JavaScript the outages at the address show on the form that came back.
            "outages": outages_for_address(
                house=data.get("house"), municipality_id=getattr(municipality, "pk", None)
            ),
            "next": reverse("appeals:new"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def category_options(request):
    """htmx: the categories of one section for the dependent select."""
    section = parse_pk(request.GET.get("section"))
    categories = leaf_categories()
    if section is not None:
        categories = categories.filter(parent_id=section)
    return render(
        request,
        "appeals/includes/category_options.html",
        {"categories": categories, "term_label": term_label},
    )


@login_required
@require_GET
def addressee_options(request):
    """htmx: the «Кому адресовано» options for the organization the chosen category,
    municipality and address route to (the same list the form validates against)."""
    form = AppealForm(request.GET, region=request_region(request), user=request.user)
    chosen = request.GET.get("addressee", "")
    return render(
        request,
        "appeals/includes/addressee_options.html",
        {"choices": form.fields["addressee"].choices, "chosen": chosen},
    )


@login_required
@require_GET
def term_hint(request):
    """htmx: "the answer is due within N days" for the chosen category."""
    category_id = parse_pk(request.GET.get("category"))
    category = (
        Category.objects.filter(pk=category_id, parent__isnull=False).first()
        if category_id is not None
        else None
    )
    resolution = category and expected_regime(
        category=category,
        municipality_id=parse_pk(request.GET.get("municipality")),
        channel=Appeal.Channel.WEB,
        assurance=account_assurance(request.user),
    )
    return render(
        request,
        "appeals/includes/term_hint.html",
        {
            "category": category,
            "term": category and term_label(category),
            "regime": resolution and resolution.version,
            "official": resolution and resolution.official,
        },
    )


@login_required
@require_GET
def similar(request):
    """htmx: open appeals like the one being typed, so the citizen sees the problem is known."""
    category_id, municipality_id = (
        parse_pk(request.GET.get("category")),
        parse_pk(request.GET.get("municipality")),
    )
    rows = []
    if category_id is not None and municipality_id is not None:
        category = Category.objects.filter(pk=category_id, parent__isnull=False).first()
        if category is not None:
            rows = selectors.similar_open_appeals(
                category=category,
                municipality_id=municipality_id,
                text=request.GET.get("text", "")[:1000],
                exclude_user=request.user,
            )
    return render(request, "appeals/includes/similar.html", {"similar": rows})


@login_required
@require_GET
def appeal_list(request):
    page = Paginator(selectors.citizen_appeals(user=request.user), 20).get_page(
        request.GET.get("page")
    )
    supported = list(supported_problems(user=request.user)[:50])
    for support in supported:
        support.appeal.supported_by_me = True  # for the leave button of the support widget
    cosigned = list(collective_selectors.cosigned_appeals(user=request.user)[:50])
    return render(
        request,
        "appeals/list.html",
        {"page": page, "supported": supported, "cosigned": cosigned},
    )


@login_required
@require_GET
def appeal_detail(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    return render(request, "appeals/detail.html", _detail_context(appeal))


def _files_left(appeal) -> int:
    return max(MAX_FILES_PER_APPEAL - len(appeal.own_files), 0)


def _detail_context(appeal, *, reply_form=None, rating_form=None) -> dict:
    answers = list(appeal.answers.all())
    parts = [appeal, *appeal.parts] if appeal.parts else []
    awaiting, can_rate = selectors.citizen_rating_state(appeal=appeal, answers=answers)
    working = appeal.status in appeal.OPEN_STATUSES
    return {
        "appeal": appeal,
        "answers": answers,
        "parts": parts,
        "awaiting_parts": awaiting,
        # The citizen's rights (59-FZ art. 5): withdraw before the answer, add documents while it
        # is reviewed, complain about an answer to the supervising body.
        "withdraw_form": WithdrawForm()
        if working or appeal.status == appeal.Status.SUBMITTED
        else None,
        "documents_form": DocumentsForm(files_left=_files_left(appeal)) if working else None,
        "complaint_form": ComplaintForm() if answers else None,
        "reply_form": reply_form
        or (
            ClarificationReplyForm(files_left=_files_left(appeal))
            if appeal.status == appeal.Status.CLARIFICATION
            else None
        ),
        "rating_form": rating_form or (RatingForm() if can_rate else None),
        # Reading the materials of the case (59-FZ art. 5 p. 2)
        **materials_context.for_citizen(appeal),
        **_collective_context(appeal),
        # Proof of fix: confirm or refute the work on site the answer states
        **fix_context.for_citizen(appeal, answers),
    }


def _collective_context(appeal) -> dict:
    """A collective appeal (59-FZ art. 4): its signers and the choice of their representative;
    an appeal waiting for registration may still become one. No query for any other appeal."""
    if not appeal.is_collective:
        return {"may_collect": appeal.status == appeal.Status.SUBMITTED}
    cosigners = collective_selectors.signers(appeal=appeal)
    open_statuses = (appeal.Status.SUBMITTED, *appeal.OPEN_STATUSES)
    return {
        "cosigners": cosigners,
        "representative": collective_selectors.representative(appeal=appeal, cosigners=cosigners),
        "representative_form": RepresentativeForm(author=appeal.citizen, cosigners=cosigners)
        if cosigners and appeal.status in open_statuses
        else None,
    }


@login_required
@require_POST
def reply(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = ClarificationReplyForm(request.POST, request.FILES)
    key = drafts.draft_key(request)
    drafts.remove_ticked(request, key)
    if form.is_valid() and drafts.call_with_files(
        form,
        lambda: services.reply_to_clarification(
            citizen=request.user,
            appeal_id=appeal.pk,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["files"],
            draft_key=key,
        ),
    ):
        messages.success(request, _("Thank you: your clarification is sent to the organization."))
        return redirect(appeal)
    drafts.keep_good_files(
        request,
        form,
        key,
        lambda uploads: keep_reply_uploads(
            citizen=request.user, appeal=appeal, draft_key=key, uploads=uploads
        ),
    )
    kept = drafts.kept(request, key)
    form.show_files_left(max(_files_left(appeal) - len(kept), 0))
    context = _detail_context(appeal, reply_form=form)
    context["reply_drafts"] = kept
    return render(request, "appeals/detail.html", context, status=400)


@login_required
@require_POST
def rate(request, number: str):
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    form = RatingForm(request.POST)
    if form.is_valid():
        outcome = attempt(
            lambda: services.rate_appeal(
                citizen=request.user,
                appeal_id=appeal.pk,
                score=form.cleaned_data["score"],
                solved=form.cleaned_data["solved"],
                comment=form.cleaned_data["comment"],
            ),
            form=form,
        )
        if outcome.ok:
            appeal = outcome.value
            if appeal.status == appeal.Status.IN_PROGRESS:
                messages.info(
                    request,
                    _("Thank you. The appeal is sent back to the organization for re-review."),
                )
            else:
                messages.success(request, _("Thank you for your rating. The appeal is closed."))
            return redirect(appeal)
    return render(
        request, "appeals/detail.html", _detail_context(appeal, rating_form=form), status=400
    )


@login_required
@require_POST
def make_private(request, number: str):
    """The author takes their appeal off the public problems page."""
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    outcome = attempt(
        lambda: services.make_appeal_private(citizen=request.user, appeal_id=appeal.pk)
    )
    if outcome.ok:
        messages.success(request, _("The appeal is private: it is no longer on the public page."))
    else:
        messages.error(request, outcome.message)
    return redirect(appeal)


@login_required
@require_GET
def download(request, number: str, attachment_id: int):
    attachment = selectors.get_attachment_for_user(
        user=request.user, number=number, attachment_id=attachment_id
    )
    return attachment_response(attachment, inline=request.GET.get("view") == "1")


@login_required
@require_GET
def answer_letter(request, number: str, answer_id: int):
    """The answer as a printable letter (PDF) with the organization's details and the signer."""
    appeal = selectors.get_appeal_for_citizen(user=request.user, number=number)
    return letter_response(appeal=appeal, answer_id=answer_id)


@login_required
@require_GET
def thumbnail(request, number: str, attachment_id: int):
    """The small picture of an image attachment, behind the same access check as the file."""
    attachment = selectors.get_attachment_for_user(
        user=request.user, number=number, attachment_id=attachment_id
    )
    if not ensure_thumbnail(attachment):
        raise Http404
    return thumbnail_response(attachment)


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request):
    if request.method == "POST":
        mark_read(user=request.user)
        return redirect("notifications:list")
    page = Paginator(selectors.inbox(user=request.user), 30).get_page(request.GET.get("page"))
    return render(request, "appeals/notifications.html", {"page": with_subjects(page)})
