from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm
from accounts.services import update_profile
from appeals.services.on_behalf import confirm_held_appeal, get_hold_for_account
from core.errors import DomainError
from core.input import safe_next
from organizations.models import Membership
from organizations.selectors import memberships_of


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    memberships = list(memberships_of(user=request.user))
    staff = any(m.role in Membership.ORGANIZATION_ROLES for m in memberships)
    form = ProfileForm(request.POST or None, instance=request.user, staff=staff)
    if request.method == "POST" and form.is_valid():
        update_profile(user=request.user, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect(safe_next(request, request.GET.get("next"), "accounts:profile"))
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


@login_required
@require_http_methods(["GET", "POST"])
def held_appeal(request, token: str):
    """The page a held appeal's notice links to: the appeal, and a button to take it as one's own.

    Only the account it was held for sees it (anyone else: 404); a confirmed hold says so and
    links to the appeal, so the link works once.
    """
    hold = get_hold_for_account(user=request.user, token=token)
    if request.method == "POST" and hold.is_pending:
        try:
            appeal = confirm_held_appeal(actor=request.user, hold_id=hold.pk)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(
                request,
                _("Appeal %(number)s is now in your account.") % {"number": appeal.number},
            )
            return redirect(appeal.get_absolute_url())
        hold.refresh_from_db()
    return render(request, "accounts/held_appeal.html", {"hold": hold, "appeal": hold.appeal})
