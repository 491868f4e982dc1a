"""The citizen's notification settings (the form of /accounts/notifications/) and the Web Push
subscriptions of their devices (the service the site's static/js/push.js calls)."""

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.forms import NoticeSettingsForm
from accounts.services import (
    NOTICE_FIELDS,
    subscribe_push,
    unsubscribe_push,
    update_notice_settings,
)
from citizen_api.views.common import ApiError, endpoint, form_error, json_body, ok
from core import push, sms
from core.models import PushSubscription


def _form(user, data=None) -> NoticeSettingsForm:
    subscribed = PushSubscription.objects.filter(user=user, gone_at=None).exists()
    return NoticeSettingsForm(
        data,
        instance=user,
        sms_available=sms.available(),
        push_subscribed=subscribed or user.notice_push,
    )


def _settings(user) -> dict:
    form = _form(user)
    return {
        **{name: getattr(user, name) for name in NOTICE_FIELDS if name in form.fields},
        "sms_available": "notice_sms" in form.fields,
        "push_available": push.available(),
        "push_key": settings.WEBPUSH_VAPID_PUBLIC_KEY if push.available() else None,
        "platform_quiet_hours": settings.NOTICE_QUIET_HOURS,
    }


@endpoint("GET", "PATCH")
def notification_settings(request):
    """GET the settings; PATCH a JSON object with the fields to change (the others are kept),
    validated by the site's form (an SMS choice needs a phone, quiet hours both ends)."""
    if request.method == "GET":
        return ok(_settings(request.user))
    changes = json_body(request)
    form = _form(request.user)
    unknown = sorted(set(changes) - set(form.fields))
    if unknown:
        raise ApiError(
            400,
            _("Unknown or unavailable fields: %(fields)s.") % {"fields": ", ".join(unknown)},
        )
    if any(not isinstance(v, str | bool | int | type(None)) for v in changes.values()):
        raise ApiError(400, _("Each field is a string, a number, true, false or null."))
    current = {name: getattr(request.user, name) for name in form.fields}
    data = {name: "" if value is None else value for name, value in {**current, **changes}.items()}
    form = _form(request.user, data)
    if not form.is_valid():
        raise form_error(form)
    update_notice_settings(user=request.user, actor=request.user, data=form.cleaned_data)
    request.user.refresh_from_db()
    return ok(_settings(request.user))


@endpoint("POST", "DELETE")
def push_subscriptions(request):
    """POST a device's PushSubscription (JSON: `endpoint`, `keys.p256dh`, `keys.auth`) to turn
    push on for it; DELETE `?endpoint=` to forget it."""
    if request.method == "DELETE":
        data = push.parse_subscription({"endpoint": request.GET.get("endpoint")})
        if data is None:
            raise ApiError(400, _("endpoint must be the https address of the subscription."))
        if not unsubscribe_push(user=request.user, endpoint=data["endpoint"]):
            raise ApiError(404, _("No such subscription of yours."))
        return ok({"message": _("Push notifications are off for this device.")})
    if not push.available():
        raise ApiError(404, _("Push notifications are not available."))
    data = push.parse_subscription(json_body(request))
    if data is None or not data["p256dh"] or not data["auth"]:
        raise ApiError(400, _("The browser sent a subscription that cannot be used."))
    subscribe_push(user=request.user, **data)
    return ok({"message": _("Push notifications are on for this device.")}, status=201)
