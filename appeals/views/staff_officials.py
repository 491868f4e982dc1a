"""The officials a head's organizations list (their public pages, «Кому адресовано» on the filing
form): list, add, correct, link to a staff account, reorder, unlist.

Executors get a 403; an official of an organization the user does not head is a 404.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from appeals.views.staff import staff_required
from core.actions import done, run_form
from core.widgets import FastSelect
from organizations import services as organization_services
from organizations.models import Membership, Official, Organization
from organizations.selectors import officials_of, staff_organizations


class OfficialForm(forms.Form):
    organization = forms.ModelChoiceField(
        queryset=Organization.objects.none(),
        label=gettext_lazy("Organization"),
        empty_label=gettext_lazy("— choose the organization —"),
        widget=FastSelect,
    )
    name = forms.CharField(
        label=gettext_lazy("Full name"), max_length=organization_services.NAME_MAX
    )
    position = forms.CharField(
        label=gettext_lazy("Position"), max_length=organization_services.POSITION_MAX
    )
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label=gettext_lazy("Staff account"),
        empty_label=gettext_lazy("— does not work on the platform —"),
        help_text=gettext_lazy(
            "A complaint about the actions of this official is then never assigned to this "
            "account, and it cannot take, answer or sign it."
        ),
    )
    order = forms.IntegerField(
        label=gettext_lazy("Order in the list"),
        min_value=0,
        max_value=organization_services.ORDER_MAX,
        initial=0,
        help_text=gettext_lazy("Smaller numbers are listed first."),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Listed: citizens may address appeals to this official"),
        required=False,
        initial=True,
    )

    def __init__(self, *args, organizations, official: Official | None = None, **kwargs):
        """`organizations`: those the head keeps; editing `official`, its organization stays."""
        super().__init__(*args, **kwargs)
        ids = [official.organization_id] if official else [o.pk for o in organizations]
        self.fields["membership"].queryset = (
            Membership.objects.filter(
                organization_id__in=ids, role__in=Membership.ORGANIZATION_ROLES
            )
            .select_related("user", "organization")
            .order_by("user__last_name", "user__first_name", "user__email", "pk")
        )
        self.fields["membership"].label_from_instance = self._member_label(len(ids) > 1)
        if official is not None:
            del self.fields["organization"]
            return
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=ids).order_by(
            "name"
        )
        if len(organizations) == 1:
            self.fields["organization"].widget = forms.HiddenInput()
            self.fields["organization"].initial = organizations[0].pk

    @staticmethod
    def _member_label(with_organization: bool):
        def label(membership: Membership) -> str:
            user = membership.user
            text = f"{user.get_full_name() or user.email} · {membership.get_role_display()}"
            return f"{text} · {membership.organization}" if with_organization else text

        return label

    def clean(self):
        data = super().clean()
        organization, membership = data.get("organization"), data.get("membership")
        if membership is not None and organization not in (None, membership.organization):
            self.add_error("membership", _("Choose a staff member of this organization."))
        return data


def _headed(request) -> list[Organization]:
    organizations = list(staff_organizations(user=request.user, roles=[Membership.Role.HEAD]))
    if not organizations:
        raise PermissionDenied
    return organizations


def _list_page(request, form, organizations, *, status=200):
    context = {
        "form": form,
        "officials": officials_of(organization_ids=[o.pk for o in organizations]),
        "several_organizations": len(organizations) > 1,
        "only_organization": organizations[0] if len(organizations) == 1 else None,
    }
    return render(request, "appeals/staff/officials.html", context, status=status)


def _saved(request, official: Official):
    return done(
        request, _("«%(official)s» is saved.") % {"official": official.name}, "staff:officials"
    )


@staff_required
@require_http_methods(["GET", "POST"])
def official_list(request):
    """The officials of the organizations the user heads, and the form to list a new one."""
    organizations = _headed(request)
    if request.method != "POST":
        return _list_page(request, OfficialForm(organizations=organizations), organizations)
    return run_form(
        request,
        OfficialForm(request.POST, organizations=organizations),
        action=lambda data: organization_services.add_official(
            head=request.user,
            organization_id=data["organization"].pk,
            name=data["name"],
            position=data["position"],
            membership=data["membership"],
            order=data["order"],
            is_active=data["is_active"],
        ),
        success=lambda official: _saved(request, official),
        failure=lambda form: _list_page(request, form, organizations, status=400),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def official_edit(request, official_id: int):
    organizations = _headed(request)
    official = get_object_or_404(
        Official.objects.select_related("organization"),
        pk=official_id,
        organization_id__in=[o.pk for o in organizations],
    )

    def page(form, status=200):
        context = {"form": form, "official": official}
        return render(request, "appeals/staff/official_form.html", context, status=status)

    if request.method != "POST":
        initial = {
            "name": official.name,
            "position": official.position,
            "membership": official.membership_id,
            "order": official.order,
            "is_active": official.is_active,
        }
        return page(OfficialForm(initial=initial, organizations=organizations, official=official))
    return run_form(
        request,
        OfficialForm(request.POST, organizations=organizations, official=official),
        action=lambda data: organization_services.change_official(
            head=request.user,
            official_id=official.pk,
            name=data["name"],
            position=data["position"],
            membership=data["membership"],
            order=data["order"],
            is_active=data["is_active"],
        ),
        success=lambda saved: _saved(request, saved),
        failure=lambda form: page(form, status=400),
    )
