"""Answer templates of the organizations a head leads: list, create, edit, delete.

Executors use templates on the appeal page but do not manage them (403 here). A template of an
organization the user does not head is a 404, so the pages reveal nothing of other organizations.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from appeals.models import AnswerTemplate
from appeals.services.templates import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    DuplicateTemplateTitle,
    create_answer_template,
    delete_answer_template,
    update_answer_template,
)
from appeals.views.staff import staff_required
from core.actions import done, report_outcome, run_form
from core.widgets import FastSelect
from organizations.models import Membership, Organization
from organizations.selectors import staff_organizations


class AnswerTemplateForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=gettext_lazy("Organization"),
        empty_label=gettext_lazy("— choose the organization —"),
        widget=FastSelect,
    )
    title = forms.CharField(
        label=gettext_lazy("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=gettext_lazy("Staff choose the template by this title on the appeal page."),
    )
    text = forms.CharField(
        label=gettext_lazy("Text of the answer"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=gettext_lazy(
            "Placeholders, filled in when the template is inserted into an answer: "
            "{citizen_name} — the citizen's name, {number} — the number of the appeal, "
            "{submitted} — the date it was received, {due} — the deadline of the answer, "
            "{organization} — the responsible organization."
        ),
    )

    def __init__(self, *args, organizations=None, **kwargs):
        """`organizations`: the choice for a new template; None when editing (the organization stays)."""
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
            return
        self.fields["organization"].queryset = Organization.objects.filter(
            pk__in=[organization.pk for organization in organizations]
        ).order_by("name")
        if len(organizations) == 1:
            # Nothing to choose: keep the only organization out of the way.
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations[0].pk


def _headed_organizations(request) -> list[Organization]:
    """The organizations the user heads (and those below them); executors only: 403."""
    organizations = list(staff_organizations(user=request.user, roles=[Membership.Role.HEAD]))
    if not organizations:
        raise PermissionDenied
    return organizations


def _template_or_404(organizations, template_id: int) -> AnswerTemplate:
    return get_object_or_404(
        AnswerTemplate.objects.select_related("organization"),
        pk=template_id,
        organization_id__in=[organization.pk for organization in organizations],
    )


def _form_page(request, form, *, template=None, organizations, status=200):
    context = {
        "form": form,
        "template": template,
        "only_organization": organizations[0] if len(organizations) == 1 else None,
    }
    return render(request, "appeals/staff/template_form.html", context, status=status)


def _saved(request, template: AnswerTemplate):
    return done(
        request,
        _("The template «%(title)s» is saved.") % {"title": template.title},
        "staff:templates",
    )


@staff_required
@require_GET
def template_list(request):
    organizations = _headed_organizations(request)
    templates = (
        AnswerTemplate.objects.filter(organization_id__in=[o.pk for o in organizations])
        .select_related("organization", "created_by")
        .order_by("organization__name", "title", "pk")
    )
    context = {"templates": templates, "several_organizations": len(organizations) > 1}
    return render(request, "appeals/staff/templates_list.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def template_new(request):
    organizations = _headed_organizations(request)
    if request.method != "POST":
        return _form_page(
            request, AnswerTemplateForm(organizations=organizations), organizations=organizations
        )
    return run_form(
        request,
        AnswerTemplateForm(request.POST, organizations=organizations),
        action=lambda data: create_answer_template(
            actor=request.user,
            organization=data["organization"],
            title=data["title"],
            text=data["text"],
        ),
        success=lambda template: _saved(request, template),
        failure=lambda form: _form_page(request, form, organizations=organizations, status=400),
        fields={DuplicateTemplateTitle: "title"},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def template_edit(request, template_id: int):
    organizations = _headed_organizations(request)
    template = _template_or_404(organizations, template_id)
    if request.method != "POST":
        form = AnswerTemplateForm(initial={"title": template.title, "text": template.text})
        return _form_page(request, form, template=template, organizations=organizations)
    return run_form(
        request,
        AnswerTemplateForm(request.POST),
        action=lambda data: update_answer_template(
            actor=request.user, template_id=template.pk, title=data["title"], text=data["text"]
        ),
        success=lambda saved: _saved(request, saved),
        failure=lambda form: _form_page(
            request, form, template=template, organizations=organizations, status=400
        ),
        fields={DuplicateTemplateTitle: "title"},
    )


@staff_required
@require_POST
def template_delete(request, template_id: int):
    organizations = _headed_organizations(request)
    template = _template_or_404(organizations, template_id)
    report_outcome(
        request,
        lambda: delete_answer_template(actor=request.user, template_id=template.pk),
        success=_("The template «%(title)s» is deleted.") % {"title": template.title},
    )
    return redirect("staff:templates")
