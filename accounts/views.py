from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import ProfileForm
from accounts.services import update_profile
from core.input import safe_next
from organizations.selectors import memberships_of


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        update_profile(user=request.user, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Profile saved."))
        return redirect(safe_next(request, request.GET.get("next"), "accounts:profile"))
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships_of(user=request.user)},
    )
