import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.forms import NoticeSettingsForm, ProfileForm
from accounts.services import (
    subscribe_push,
    unsubscribe_push,
    update_notice_settings,
    update_profile,
)
from appeals.services.on_behalf import confirm_held_appeal, get_hold_for_account
from core import push, sms
from core.errors import DomainError
from core.input import safe_next
from core.models import PushSubscription
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


@login_required
@require_http_methods(["GET", "POST"])
def notice_settings(request):
    """The person's notification settings: channels, the SMS phone, quiet hours, and (where
    JavaScript and the Push API are there) a button to subscribe this browser to push."""
    subscribed = PushSubscription.objects.filter(user=request.user, gone_at=None).exists()
    form = NoticeSettingsForm(
        request.POST or None,
        instance=request.user,
        sms_available=sms.available(),
        push_subscribed=subscribed or request.user.notice_push,
    )
    if request.method == "POST" and form.is_valid():
        update_notice_settings(user=request.user, actor=request.user, data=form.cleaned_data)
        messages.success(request, _("Notification settings saved."))
        return redirect("accounts:notice_settings")
    return render(
        request,
        "accounts/notice_settings.html",
        {
            "form": form,
            "push_key": settings.WEBPUSH_VAPID_PUBLIC_KEY if push.available() else "",
            "platform_quiet_hours": settings.NOTICE_QUIET_HOURS,
        },
    )


def _subscription(request) -> dict | None:
    """The PushSubscription a page posts (its toJSON()): endpoint and keys, checked."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body or b"{}")
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    return push.parse_subscription(data)


def _bad_subscription() -> JsonResponse:
    return JsonResponse(
        {"error": _("The browser sent a subscription that cannot be used.")}, status=400
    )


@login_required
@require_POST
def push_subscribe(request):
    """POST (JSON, from static/js/push.js): this browser's push subscription."""
    if not push.available():
        return JsonResponse({"error": _("Push notifications are not available.")}, status=404)
    data = _subscription(request)
    if data is None or not data["p256dh"] or not data["auth"]:
        return _bad_subscription()
    subscribe_push(user=request.user, **data)
    return JsonResponse({"message": _("Push notifications are on for this device.")}, status=201)


@login_required
@require_POST
def push_unsubscribe(request):
    """POST (JSON, from static/js/push.js): this browser unsubscribed."""
    data = _subscription(request)
    if data is None:
        return _bad_subscription()
    unsubscribe_push(user=request.user, endpoint=data["endpoint"])
    return JsonResponse({"message": _("Push notifications are off for this device.")})
