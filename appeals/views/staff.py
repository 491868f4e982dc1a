"""The organizations' work place: the queue of appeals and work on one appeal."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from answers import selectors as published_answers
from appeals import permissions as appeal_permissions
from appeals import services
from appeals.fix_forms import WorkDoneForm
from appeals.letters import letter_response
from appeals.models import Attachment
from appeals.selectors import collective as collective_selectors
from appeals.selectors import parts_of_appeal
from appeals.selectors import staff as staff_selectors
from appeals.selectors.staff import fill_placeholders
from appeals.services import fixes, signing, work
from appeals.services.common import local_date
from appeals.services.filing import keep_draft_uploads
from appeals.services.officials import complained_user_id
from appeals.staff_forms import (
    TAB_LABELS,
    AnswerForm,
    AssignForm,
    ClarifyForm,
    CloseForm,
    ExtendForm,
    NoteForm,
    PostingForm,
    QueueFilterForm,
    RedirectForm,
    ReturnForReworkForm,
    SignForm,
)
from appeals.views import drafts, materials_context
from appeals.workflow import allowed_actions
from core.actions import done, report_outcome, run_form
from core.decorators import role_required
from core.input import parse_pk
from core.paging import CappedPaginator
from organizations import permissions
from outages.selectors import answer_text as outage_answer_text
from quality import selectors as quality_selectors

PAGE_SIZE = 25


staff_required = role_required(permissions.is_organization_staff)


def _filter_form(request) -> QueueFilterForm:
    executors = staff_selectors.executors_of(
        organization_ids=appeal_permissions.organization_ids(request.user)
    )
    return QueueFilterForm(request.GET or None, executors=executors)


@staff_required
@require_GET
@vary_on_headers("HX-Request", "HX-History-Restore-Request")
def queue(request):
    form = _filter_form(request)
    filters = form.to_filter()
    # Counted up to a cap: a large organization's count would cost more than its page.
    cap = settings.STAFF_QUEUE_COUNT_CAP
    paginator = CappedPaginator(
        staff_selectors.queue(user=request.user, filters=filters), PAGE_SIZE, cap=cap
    )
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    tabs = []
    for tab, label in TAB_LABELS.items():
        tab_query = query.copy()
        tab_query["tab"] = tab
        tabs.append(
            {
                "tab": tab,
                "label": label,
                "query": tab_query.urlencode(),
                "current": filters.tab == tab,
            }
        )
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "tabs": tabs,
        "query": query.urlencode(),
        "is_head": permissions.is_head(request.user),
        "count_cap": number_format(cap, force_grouping=True),
    }
    # htmx restores a page missing from its history cache by fetching it with HX-Request set and
    # swapping the answer into <body>: that fetch needs the whole page, not the table.
    partial = request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request
    template = "appeals/staff/queue.html#appeal-table" if partial else "appeals/staff/queue.html"
    return render(request, template, context)


def _page(request, appeal, *, status=200, **forms):
    user = request.user
    can_work = appeal_permissions.can_work_on(user, appeal)
    is_head = appeal_permissions.is_head_of(user, appeal)
    allowed = allowed_actions(appeal.status)
    # A complaint about an official's actions: never offered to them (appeals/services/officials.py).
    complained_user = complained_user_id(appeal)
    executors = staff_selectors.executors_of(organization_ids=[appeal.organization_id]).exclude(
        pk=complained_user
    )
    org_query = request.GET.get("org_q", "").strip()
    outcomes = work.outcomes_for(appeal)
    organizations = staff_selectors.redirect_candidates(appeal=appeal, query=org_query)[:50]
    context = {
        "appeal": appeal,
        "events": appeal.events.all(),
        "answers": _with_files(appeal),
        "files": [f for f in appeal.attachments.all() if f.answer_id is None],
        "similar": staff_selectors.similar_in_organization(appeal=appeal),
        "notices": staff_selectors.citizen_notices(appeal=appeal),
        "show_contacts": forms.pop("show_contacts", False),
        "can_work": can_work,
        "is_head": is_head,
        "is_complained_official": complained_user is not None and complained_user == user.pk,
        "parts": (parts_of_appeal(appeal=appeal) if appeal.copy_of_id or appeal.has_copies else []),
        "allowed": allowed,
        "templates": staff_selectors.answer_templates(organization_id=appeal.organization_id),
        "org_query": org_query,
        "answer_form": forms.get("answer_form")
        or AnswerForm(initial={"text": forms.get("template_text", "")}, outcomes=outcomes),
        # The answer form's token: files kept from a try that came back are found by it.
        "answer_draft_key": forms.get("answer_draft_key") or uuid.uuid4(),
        "answer_drafts": forms.get("answer_drafts", []),
        "clarify_form": forms.get("clarify_form") or ClarifyForm(),
        "redirect_form": forms.get("redirect_form") or RedirectForm(organizations=organizations),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "assign_form": forms.get("assign_form") or AssignForm(executors=executors),
        "close_form": forms.get("close_form") or CloseForm(),
        "posting_form": forms.get("posting_form") or PostingForm(),
        # The materials of the case: reading them (59-FZ art. 5), requests for documents (art. 10)
        **materials_context.for_staff(user, appeal, forms),
    }
    # Proof of fix: planned work the organization may now report done (no query: the answers).
    if can_work and (planned := fixes.work_to_report(appeal, context["answers"])) is not None:
        context["work_to_report"] = planned
        context["work_done_form"] = forms.get("work_done_form") or WorkDoneForm()
    if appeal.is_collective:
        cosigners = collective_selectors.signers(appeal=appeal)
        context["cosigners"] = cosigners
        context["representative_is_cosigner"] = any(s.is_representative for s in cosigners)
    # Answer signing (the regime names the signer) and the quality review: no query unless an
    # answer is waiting or returned.
    if appeal.has_answer_draft:
        draft = appeal.answer_drafts.select_related("author", "returned_by").first()
        context["answer_draft"] = draft
        if draft.returned_at is None and draft.stage == draft.Stage.REVIEW:
            pass  # held for the quality review: nothing to sign, nothing to send
        elif draft.returned_at is None:
            context["may_sign"] = signing.may_sign(user, appeal)
            context["sign_form"] = forms.get("sign_form") or SignForm(
                initial={"text": draft.text, "outcome": draft.outcome}, outcomes=outcomes
            )
            context["rework_form"] = forms.get("rework_form") or ReturnForReworkForm()
        elif "answer_form" not in forms and draft.author_id == user.pk:
            # Returned for rework: the author's form starts from the version sent, files too.
            context["answer_form"] = AnswerForm(
                initial={"text": draft.text, "outcome": draft.outcome}, outcomes=outcomes
            )
            context["answer_draft_key"] = draft.draft_key
            context["answer_drafts"] = list(
                Attachment.objects.filter(
                    draft_key=draft.draft_key, appeal__isnull=True, uploaded_by=user
                )
            )
    # --- the quality gate (quality/): criteria and rework term of a returned answer ---
    if appeal.rework_due_at is not None:
        context["quality_return"] = quality_selectors.open_return(appeal=appeal)
    # --- end of the quality gate ---
    return render(request, "appeals/staff/appeal.html", context, status=status)


def _with_files(appeal) -> list:
    """Answers with their files, from the one prefetched list of the appeal's attachments."""
    answers = list(appeal.answers.all())
    for answer in answers:
        answer.files = [f for f in appeal.attachments.all() if f.answer_id == answer.pk]
    return answers


@staff_required
@require_GET
def appeal_page(request, number: str):
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    template_id = parse_pk(request.GET.get("template"))
    template_text = ""
    if template_id is not None:
        template = (
            staff_selectors.answer_templates(organization_id=appeal.organization_id)
            .filter(pk=template_id)
            .first()
        )
        if template is not None:
            if "{citizen_name}" in template.text:
                # The name lands in the answer form: that is a view of personal data too.
                services.record_contacts_view(actor=request.user, appeal_id=appeal.pk)
            template_text = fill_placeholders(text=template.text, appeal=appeal)
    elif request.GET.get("outage_answer") and appeal.outage_id is not None:
        # «Ответить уведомлением об отключении»: the notice's text in the answer form, to send
        # through the usual answer.
        template_text = outage_answer_text(outage=appeal.outage)
    elif parse_pk(request.GET.get("published_answer")) is not None:
        # A published answer to the same question (answers/): its link and text in the answer
        # form; the answer's Event names it (appeals/services/work.py, release_answer).
        published = (
            published_answers.current()
            .filter(
                pk=parse_pk(request.GET.get("published_answer")),
                organization_id=appeal.organization_id,
            )
            .first()
        )
        if published is not None:
            template_text = published_answers.link_text(published=published)
    return _page(request, appeal, template_text=template_text)


@staff_required
@require_POST
def show_contacts(request, number: str):
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    services.record_contacts_view(actor=request.user, appeal_id=appeal.pk)
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    return _page(request, appeal, show_contacts=True)


def _act(
    request,
    number: str,
    form_class,
    form_name: str,
    perform,
    success: str,
    form_kwargs=None,
    landing=None,
):
    """Validate the action's form, call its service, and on refusal keep everything typed.

    `form_kwargs(appeal)` gives the form what it needs from the appeal (choices to validate against).
    `landing(result)` may answer the success itself (a redirect elsewhere, its own message).
    """
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    form = form_class(request.POST, request.FILES, **(form_kwargs(appeal) if form_kwargs else {}))

    def refused(form):
        messages.error(request, _("The action was not done: see the explanation next to the form."))
        return _page(request, appeal, status=400, **{form_name: form})

    def succeeded(result):
        if landing is not None:
            return landing(result)
        return done(request, success, "staff:appeal", number=appeal.number)

    return run_form(
        request,
        form,
        action=lambda data: perform(appeal, data),
        success=succeeded,
        failure=refused,
    )


@staff_required
@require_POST
def take(request, number: str):
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    report_outcome(
        request,
        lambda: services.take_appeal(executor=request.user, appeal_id=appeal.pk),
        success=_("The appeal is yours now."),
    )
    return redirect("staff:appeal", number=appeal.number)


@staff_required
@require_POST
def answer(request, number: str):
    """Send the answer. When it comes back, the good files stay attached (kept as drafts under the
    form's token, as on the filing form) and a refused file is explained once, at the file field."""
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    form = AnswerForm(request.POST, request.FILES, outcomes=work.outcomes_for(appeal))
    key = drafts.draft_key(request)
    drafts.remove_ticked(request, key)
    if form.is_valid() and drafts.call_with_files(
        form,
        lambda: services.answer_appeal(
            actor=request.user,
            appeal_id=appeal.pk,
            text=form.cleaned_data["text"],
            uploads=form.cleaned_data["files"],
            draft_key=key,
            outcome=form.cleaned_data["outcome"],
            work_status=form.cleaned_data["work_status"],
            planned_on=form.cleaned_data["planned_on"],
        ),
    ):
        appeal.refresh_from_db(fields=["status"])
        if appeal.status == appeal.Status.ANSWERED:
            messages.success(request, _("The answer is sent to the citizen."))
        elif quality_selectors.is_held(appeal=appeal):
            messages.success(request, _("The answer is sent to the quality review before release."))
        else:
            messages.success(request, _("The answer is sent for signature."))
        return redirect("staff:appeal", number=appeal.number)
    drafts.keep_good_files(
        request,
        form,
        key,
        lambda uploads: keep_draft_uploads(citizen=request.user, draft_key=key, uploads=uploads),
    )
    messages.error(request, _("The action was not done: see the explanation next to the form."))
    return _page(
        request,
        appeal,
        status=400,
        answer_form=form,
        answer_draft_key=key,
        answer_drafts=drafts.kept(request, key),
    )


@staff_required
@require_GET
def answer_letter(request, number: str, answer_id: int):
    """The answer as a printable letter (PDF), for posting a paper letter's answer."""
    appeal = staff_selectors.get_appeal_for_staff(user=request.user, number=number)
    return letter_response(appeal=appeal, answer_id=answer_id)


@staff_required
@require_POST
def record_posting(request, number: str):
    return _act(
        request,
        number,
        PostingForm,
        "posting_form",
        lambda appeal, data: work.record_posting(
            actor=request.user,
            appeal_id=appeal.pk,
            posted_on=data["posted_on"],
            tracking=data["tracking"],
        ),
        _("The posting is recorded."),
    )


@staff_required
@require_POST
def report_work_done(request, number: str):
    return _act(
        request,
        number,
        WorkDoneForm,
        "work_done_form",
        lambda appeal, data: fixes.report_work_done(
            actor=request.user,
            appeal_id=appeal.pk,
            uploads=data["files"],
            comment=data["comment"],
        ),
        _("The work is reported done; the citizen is asked to confirm it."),
    )


@staff_required
@require_POST
def sign(request, number: str):
    return _act(
        request,
        number,
        SignForm,
        "sign_form",
        lambda appeal, data: signing.sign_answer(
            signer=request.user, appeal_id=appeal.pk, text=data["text"], outcome=data["outcome"]
        ),
        _("The answer is signed and sent to the citizen."),
        form_kwargs=lambda appeal: {"outcomes": work.outcomes_for(appeal)},
        landing=_signed_landing(request),
    )


def _signed_landing(request):
    """A signed answer held for the quality review (quality/) has not gone to the citizen yet."""

    def landing(appeal):
        if appeal.status == appeal.Status.ANSWERED:
            messages.success(request, _("The answer is signed and sent to the citizen."))
        else:
            messages.success(
                request, _("The answer is signed and sent to the quality review before release.")
            )
        return redirect("staff:appeal", number=appeal.number)

    return landing


@staff_required
@require_POST
def return_for_rework(request, number: str):
    return _act(
        request,
        number,
        ReturnForReworkForm,
        "rework_form",
        lambda appeal, data: signing.return_for_rework(
            signer=request.user, appeal_id=appeal.pk, comment=data["comment"]
        ),
        _("The answer is returned to its author for rework."),
    )


@staff_required
@require_POST
def clarify(request, number: str):
    return _act(
        request,
        number,
        ClarifyForm,
        "clarify_form",
        lambda appeal, data: services.request_clarification(
            actor=request.user, appeal_id=appeal.pk, text=data["text"]
        ),
        _("The citizen is asked to clarify."),
    )


@staff_required
@require_POST
def redirect_to(request, number: str):
    def landing(appeal):
        text = _(
            "Appeal %(number)s is sent to «%(organization)s»; the citizen is told. "
            "The answer is due by %(due)s."
        ) % {
            "number": appeal.number,
            "organization": appeal.organization.name,
            "due": local_date(appeal, appeal.due_at),
        }
        if appeal_permissions.can_work_on(request.user, appeal):
            # A head redirecting to a subordinate organization still oversees the appeal.
            messages.success(request, text)
            return redirect("staff:appeal", number=appeal.number)
        # Out of the user's organizations: its page would be a 404 now.
        messages.success(request, text + " " + _("It has left your queue."))
        return redirect("staff:home")

    return _act(
        request,
        number,
        RedirectForm,
        "redirect_form",
        lambda appeal, data: services.redirect_appeal(
            actor=request.user,
            appeal_id=appeal.pk,
            organization=data["organization"],
            reason=data["reason"],
        ),
        _("The appeal is sent to the competent organization; the citizen is told."),
        form_kwargs=lambda appeal: {
            "organizations": staff_selectors.redirect_candidates(appeal=appeal)
        },
        landing=landing,
    )


@staff_required
@require_POST
def extend(request, number: str):
    return _act(
        request,
        number,
        ExtendForm,
        "extend_form",
        lambda appeal, data: services.extend_deadline(
            head=request.user, appeal_id=appeal.pk, days=data["days"], reason=data["reason"]
        ),
        _("The term is extended; the citizen is told."),
    )


@staff_required
@require_POST
def note(request, number: str):
    return _act(
        request,
        number,
        NoteForm,
        "note_form",
        lambda appeal, data: services.add_note(
            actor=request.user, appeal_id=appeal.pk, text=data["text"]
        ),
        _("The note is saved."),
    )


@staff_required
@require_POST
def assign(request, number: str):
    return _act(
        request,
        number,
        AssignForm,
        "assign_form",
        lambda appeal, data: services.assign_appeal(
            head=request.user, appeal_id=appeal.pk, executor=data["executor"]
        ),
        _("The executor is assigned."),
        form_kwargs=lambda appeal: {
            "executors": staff_selectors.executors_of(organization_ids=[appeal.organization_id])
        },
    )


@staff_required
@require_POST
def close(request, number: str):
    return _act(
        request,
        number,
        CloseForm,
        "close_form",
        lambda appeal, data: services.close_on_ground(
            actor=request.user, appeal_id=appeal.pk, ground=data["ground"], comment=data["comment"]
        ),
        _("The appeal is closed; the citizen receives the notice."),
    )
