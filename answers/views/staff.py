"""Organizations' staff publish, change and withdraw answers to questions of general concern,
and choose one to link an appeal's answer to.

Only executors and heads (role_required: others get 403); an answer or appeal of another
organization is a 404.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from answers import selectors, services
from answers.forms import PublishedAnswerForm, WithdrawForm
from appeals.selectors import staff as appeal_selectors
from core.actions import done, report_outcome, run_form
from core.decorators import role_required
from organizations import permissions as roles
from organizations.selectors import staff_organizations

PAGE_SIZE = 25

staff_required = role_required(roles.is_organization_staff)


def _form_page(request, form, *, published=None, source=None, organizations=(), status=200):
    context = {
        "form": form,
        "published": published,
        "source": source,
        "withdraw_form": WithdrawForm(),
        "only_organization": organizations[0] if len(organizations) == 1 else None,
    }
    return render(request, "answers/staff/form.html", context, status=status)


def _data(data: dict) -> dict:
    return {
        "title": data["title"],
        "question": data["question"],
        "answer": data["answer"],
        "category": data["category"],
    }


def _source_appeal(request, number: str):
    """The answered appeal an answer is made from (a 404 for one of another organization)."""
    if not number:
        return None
    appeal = appeal_selectors.get_appeal_for_staff(user=request.user, number=number[:40])
    return appeal if appeal.answered_at is not None else None


@staff_required
@require_GET
def answer_list(request):
    page = Paginator(selectors.staff_answers(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "answers/staff/list.html", {"page": page})


@staff_required
@require_http_methods(["GET", "POST"])
def answer_new(request):
    organizations = list(staff_organizations(user=request.user))
    source = _source_appeal(request, request.POST.get("appeal") or request.GET.get("appeal", ""))
    if source is not None:
        organizations = [org for org in organizations if org.pk == source.organization_id]
    if request.method != "POST":
        initial = {}
        if source is not None:
            last = source.answers.order_by("-created_at").first()
            initial = {
                "organization": source.organization_id,
                "category": source.category_id,
                "title": source.category.name,
                "question": source.text,
                "answer": last.text if last else "",
            }
        form = PublishedAnswerForm(organizations=organizations, initial=initial)
        return _form_page(request, form, source=source, organizations=organizations)
    return run_form(
        request,
        PublishedAnswerForm(request.POST, organizations=organizations),
        action=lambda data: services.publish_answer(
            actor=request.user,
            organization=data["organization"],
            source_appeal=source,
            **_data(data),
        ),
        success=lambda published: done(
            request,
            _("The answer «%(title)s» is published.") % {"title": published.title},
            "answers_staff:list",
        ),
        failure=lambda form: _form_page(
            request, form, source=source, organizations=organizations, status=400
        ),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def answer_edit(request, published_id: int):
    published = selectors.get_answer_for_staff(user=request.user, answer_id=published_id)
    if request.method != "POST":
        form = PublishedAnswerForm(
            initial={
                "title": published.title,
                "question": published.question,
                "answer": published.answer,
                "category": published.category_id,
            }
        )
        return _form_page(request, form, published=published, source=published.source_appeal)
    return run_form(
        request,
        PublishedAnswerForm(request.POST),
        action=lambda data: services.edit_answer(
            actor=request.user, answer_id=published.pk, **_data(data)
        ),
        success=lambda saved: done(
            request,
            _("The answer «%(title)s» is saved.") % {"title": saved.title},
            "answers_staff:list",
        ),
        failure=lambda form: _form_page(
            request, form, published=published, source=published.source_appeal, status=400
        ),
    )


@staff_required
@require_POST
def answer_withdraw(request, published_id: int):
    published = selectors.get_answer_for_staff(user=request.user, answer_id=published_id)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["reason"]))
        return redirect("answers_staff:edit", published_id=published.pk)
    reason = form.cleaned_data["reason"]
    report_outcome(
        request,
        lambda: services.withdraw_answer(actor=request.user, answer_id=published.pk, reason=reason),
        success=_("The answer is withdrawn: residents no longer find it."),
    )
    return redirect("answers_staff:list")


@staff_required
@require_GET
def for_appeal(request, number: str):
    """Choose a published answer to link the answer to this appeal to: those matching its text
    first. Choosing one opens the appeal's answer form with the link and the answer in it."""
    appeal = appeal_selectors.get_appeal_for_staff(user=request.user, number=number)
    rows = selectors.for_appeal(appeal=appeal)
    return render(request, "answers/staff/for_appeal.html", {"appeal": appeal, "rows": rows})
